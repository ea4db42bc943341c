/**
 * The semantic diff against brute force: random small policies, ONE random edit,
 * and an exhaustive universe of requests for the case (test/diff/brute/). For every case:
 *
 * 1. no miss — a request that loosens (tightens) on the reference evaluators makes the verdict
 *    loosened (tightened) or mixed, and the comparison is proven;
 * 2. witnesses are real — every witness the engine reports flips as reported, in the right list;
 * 3. pure reorderings/renamings are neutral or unchanged.
 *
 * A failure prints base, head, the edit, the verdict, the brute-force flips (request, before →
 * after) and the problems. Seeds are fixed; `npm run fuzz -- --only diff` runs the same oracle
 * on 100,000+ cases.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchWildcard } from "../../src/engine/match/wildcard.js";
import { compileRuntime } from "../../src/engine/runtime/index.js";
import type { EffectiveData } from "../../src/engine/effective.js";
import { accessCaseArb, accessPureCaseArb } from "./brute/access-cases.js";
import type { AccessCase } from "./brute/access-cases.js";
import { dataCaseArb, dataPureCaseArb } from "./brute/data-cases.js";
import type { DataCase } from "./brute/data-cases.js";
import { describeResult, PROBLEM_GROUPS, runCase } from "./brute/oracle.js";
import type { CaseResult, Category, DiffCase } from "./brute/oracle.js";
import { runtimeCaseArb, runtimePureCaseArb } from "./brute/runtime-cases.js";
import type { RuntimeCase } from "./brute/runtime-cases.js";
import { stringUniverse } from "./brute/strings.js";
import type { StringPattern } from "./brute/strings.js";

const KINDS = {
  access: { cases: accessCaseArb, pure: accessPureCaseArb, runs: 300, seed: 0x5eed_acc },
  data: { cases: dataCaseArb, pure: dataPureCaseArb, runs: 200, seed: 0x5eed_da7a },
  runtime: { cases: runtimeCaseArb, pure: runtimePureCaseArb, runs: 200, seed: 0x5eed_7001 },
} as const;
const PURE_RUNS = 60;
/** A failing property is shrunk for at most this long (each step runs the engine). */
const SHRINK_MS = 5_000;

// The four properties of a kind see the same cases (same seed): evaluate each case once.
const memo = new Map<string, CaseResult>();
function evaluate(c: DiffCase): CaseResult {
  const key = JSON.stringify(c);
  let r = memo.get(key);
  if (!r) {
    r = runCase(c);
    memo.set(key, r);
  }
  return r;
}

function failIf(c: DiffCase, categories: readonly Category[]): void {
  const r = evaluate(c);
  const watched: Category[] = [...categories, ...PROBLEM_GROUPS.broken];
  if (r.problems.some((p) => watched.includes(p.category))) throw new Error(`\n${describeResult(r, watched)}`);
}

function check(arb: fc.Arbitrary<DiffCase>, categories: readonly Category[], seed: number, numRuns: number): void {
  // Once the shrink budget is spent, every further candidate "passes", so fast-check stops
  // shrinking and reports the smallest failure found so far.
  let firstFailure: number | undefined;
  fc.assert(
    fc.property(arb, (c) => {
      if (firstFailure !== undefined && performance.now() - firstFailure > SHRINK_MS) return;
      try {
        failIf(c, categories);
      } catch (e) {
        firstFailure ??= performance.now();
        throw e;
      }
    }),
    { seed, numRuns, includeErrorInReport: true },
  );
}

describe("the string universe behind the brute force", () => {
  // Checks the claim of test/diff/brute/strings.ts on the menus' own patterns: every match
  // vector of every string up to length 6 over the patterns' characters plus another one is one
  // of the universe's (the proof is in strings.ts; this guards the code).
  const cases: Array<[string, StringPattern[], string]> = [
    ["actions", ["a:X", "a:XY", "a:*", "a:X*", "*:Y", "a:?", "b:*"].map((pattern) => ({ pattern, ignoreCase: true })), "abxy:ZQ"],
    ["resources", ["r://p/*", "r://*/u", "r://p/u", "r://q/*"].map((pattern) => ({ pattern })), "r:/pqu"],
    ["condition strings", [{ pattern: "dba", glob: false }, { pattern: "DBA", glob: false, ignoreCase: true }, { pattern: "d*", glob: true }, { pattern: "d*", glob: false }], "dbaDB*z"],
  ];
  const matches = (p: StringPattern, v: string) =>
    p.glob === false ? (p.ignoreCase ? v.toLowerCase() === p.pattern.toLowerCase() : v === p.pattern) : matchWildcard(p.pattern, v, p.ignoreCase === true);

  for (const [name, patterns, alphabet] of cases) {
    it(`${name}: covers every match vector of all short strings`, () => {
      const u = stringUniverse(patterns);
      const covered = new Set(u.values.map((v) => patterns.map((p) => (matches(p, v) ? "1" : "0")).join("")));
      expect(u.signatures.every((s) => covered.has(s))).toBe(true);
      const chars = [...new Set([...alphabet, "z"])];
      const maxLength = 6;
      let level = [""];
      for (let len = 0; len <= maxLength; len++) {
        for (const v of level) {
          const sig = patterns.map((p) => (matches(p, v) ? "1" : "0")).join("");
          if (!covered.has(sig)) throw new Error(`"${v}" has match vector ${sig}, which no universe value has`);
        }
        if (len < maxLength) level = level.flatMap((v) => chars.map((c) => v + c));
      }
    });
  }
});

for (const [kind, k] of Object.entries(KINDS)) {
  describe(`${kind}: diffTargetMerges vs brute force (${k.runs} cases, seed ${k.seed})`, () => {
    it("no miss: every flip the brute force finds shows in the verdict", () => {
      check(k.cases as fc.Arbitrary<DiffCase>, PROBLEM_GROUPS.miss, k.seed, k.runs);
    }, 120_000);

    it("witnesses are real: every reported witness flips as reported, in the right list", () => {
      check(k.cases as fc.Arbitrary<DiffCase>, PROBLEM_GROUPS.witness, k.seed, k.runs);
    }, 120_000);

    it("proven: every region checked, and each direction of flips comes with a witness", () => {
      check(k.cases as fc.Arbitrary<DiffCase>, PROBLEM_GROUPS.proof, k.seed, k.runs);
    }, 120_000);

    it(`pure reorderings and renamings are neutral or unchanged (${PURE_RUNS} cases)`, () => {
      check(k.pure as fc.Arbitrary<DiffCase>, [...PROBLEM_GROUPS.neutral, ...PROBLEM_GROUPS.witness], k.seed + 1, PURE_RUNS);
    }, 120_000);
  });
}

// ---------------------------------------------------------------------------------------------
// The cases of the bug report, with the verdicts they must give.

const src = (policy: string) => ({ policy, file: `policies/${policy}.yaml` });
const CORE: readonly Category[] = [...PROBLEM_GROUPS.miss, ...PROBLEM_GROUPS.witness, ...PROBLEM_GROUPS.broken];

function expectClean(r: CaseResult): void {
  const bad = r.problems.filter((p) => CORE.includes(p.category));
  expect(bad, describeResult(r, CORE)).toEqual([]);
}

describe("bug report cases", () => {
  it("access: removing api:Get from a Deny that overlaps an Allow only on db://production/users loosens", () => {
    const allow = { Sid: "ReadProd", Effect: "Allow" as const, Action: ["api:Get"], Resource: ["db://production/*"], source: src("prod") };
    const c: AccessCase = {
      kind: "access",
      edit: "remove api:Get from the Deny",
      pure: false,
      base: { Statement: [allow, { Sid: "NoUsers", Effect: "Deny", Action: ["api:Get", "file:*"], Resource: ["db://*/users"], source: src("guard") }] },
      head: { Statement: [allow, { Sid: "NoUsers", Effect: "Deny", Action: ["file:*"], Resource: ["db://*/users"], source: src("guard") }] },
    };
    const r = runCase(c);
    expect(r.brute.loosening).toBeGreaterThan(0);
    expect(r.diff?.verdict, describeResult(r)).toBe("loosened");
    const witness = r.diff!.newlyAllowed.find((w) => matchWildcard("db://production/*", w.resource) && matchWildcard("db://*/users", w.resource));
    expect(witness, describeResult(r)).toBeDefined();
    expect(witness!.action.toLowerCase()).toBe("api:get");
    expectClean(r);
  });

  it("access: a conditional Deny on staging added over a conditional Allow tightens (db:Select, role dba, IP in 10/8)", () => {
    const allow = { Sid: "DbaReads", Effect: "Allow" as const, Action: ["db:Select"], Resource: ["db://*/users"], Condition: { StringEquals: { "principal.role": "dba" } }, source: src("dba") };
    const deny = { Sid: "NoStagingFromOffice", Effect: "Deny" as const, Action: ["db:*"], Resource: ["db://staging/*"], Condition: { IpAddress: { "source.ip": "10.0.0.0/8" } }, source: src("guard") };
    const c: AccessCase = { kind: "access", edit: "add the staging Deny", pure: false, base: { Statement: [allow] }, head: { Statement: [allow, deny] } };
    const r = runCase(c);
    expect(r.brute.tightening).toBeGreaterThan(0);
    expect(r.diff?.verdict, describeResult(r)).toBe("tightened");
    const witness = r.diff!.newlyDenied.find(
      (w) =>
        w.action.toLowerCase() === "db:select" &&
        matchWildcard("db://staging/*", w.resource) &&
        matchWildcard("db://*/users", w.resource) &&
        [w.context["principal.role"]].flat().includes("dba") &&
        [w.context["source.ip"]].flat().some((ip) => typeof ip === "string" && /^10\./.test(ip)),
    );
    expect(witness, describeResult(r)).toBeDefined();
    expectClean(r);
  });

  const allowRule = (spec: Partial<EffectiveData["rules"][number]["spec"]> = {}): EffectiveData["rules"][number] => ({
    id: "analysts_read",
    precedence: 10,
    source: src("analysts_read"),
    spec: { match: { dataset: "customers", fields: { any: ["email"] } }, action: { allow: true }, ...spec },
  });
  const dataCase = (base: EffectiveData, head: EffectiveData, edit: string): DataCase => ({ kind: "data", base, head, edit, pure: false });

  it("data: an allow rule that gains requester_region US and dataset_region EU under default deny tightens", () => {
    const base: EffectiveData = { default_action: "deny", rules: [allowRule()] };
    const head: EffectiveData = { default_action: "deny", rules: [allowRule({ context: { requester_region: "US", dataset_region: "EU" } })] };
    const r = runCase(dataCase(base, head, "allow rule gains a region context"));
    expect(r.brute.tightening).toBeGreaterThan(0);
    expect(r.brute.loosening).toBe(0);
    expect(r.diff?.verdict, describeResult(r)).toBe("tightened");
    expectClean(r);
  });

  it("data: changing match.dataset or match.fields.any of an allow rule is not neutral", () => {
    const base: EffectiveData = { default_action: "deny", rules: [allowRule()] };
    for (const [edit, rule] of [
      ["dataset customers → orders", allowRule({ match: { dataset: "orders", fields: { any: ["email"] } } })],
      ["fields.any [email] → [ssn]", allowRule({ match: { dataset: "customers", fields: { any: ["ssn"] } } })],
    ] as const) {
      const r = runCase(dataCase(base, { default_action: "deny", rules: [rule] }, edit));
      expect(r.brute.loosening > 0 && r.brute.tightening > 0, describeResult(r)).toBe(true);
      expect(["neutral", "unchanged"], describeResult(r)).not.toContain(r.diff?.verdict);
      expect(r.diff?.verdict, describeResult(r)).toBe("mixed");
      expectClean(r);
    }
  });

  it("runtime: replacing query@1.0 by mcp://*/query@* in one of three allowlists newly allows database-mcp/query@2.0", () => {
    const others = [
      ["mcp://database-mcp/*", "mcp://vision-mcp/*"],
      ["mcp://*/query", "mcp://vision-mcp/detect"],
    ];
    const runtime = (first: string[]) => ({
      tools: { allowlist: [first, ...others.map((l) => [...l])] },
      enforcement: { deny_on: ["tool_not_in_allowlist" as const, "version_unpinned" as const] },
    });
    const c: RuntimeCase = {
      kind: "runtime",
      edit: "mcp://database-mcp/query@1.0 → mcp://*/query@* in allowlist 1",
      pure: false,
      base: runtime(["mcp://database-mcp/query@1.0", "mcp://vision-mcp/detect"]),
      head: runtime(["mcp://*/query@*", "mcp://vision-mcp/detect"]),
    };
    expect(compileRuntime(c.base).checkTool("mcp://database-mcp/query@2.0").allowed).toBe(false);
    expect(compileRuntime(c.head).checkTool("mcp://database-mcp/query@2.0").allowed).toBe(true);
    const r = runCase(c);
    expect(r.brute.loosening).toBeGreaterThan(0);
    expect(r.brute.tightening).toBe(0);
    expect(r.diff?.verdict, describeResult(r)).toBe("loosened");
    expectClean(r);
  });
});
