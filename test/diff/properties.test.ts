/** Properties of the semantic diff on random small policy pairs (fast-check). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { compareAccess, diffRepositories } from "../../src/diff/index.js";
import type { DecisionChange, DiffVerdict } from "../../src/diff/index.js";
import type { EffectiveStatement } from "../../src/engine/effective.js";
import { evaluateAccessReference } from "../../src/engine/access/index.js";
import type { AccessPolicy, AccessRequest } from "../../src/engine/access/index.js";
import { stableStringify } from "../../src/model/merge/index.js";
import { repoOf } from "../helpers/repo.js";
import { ONE_TARGET } from "./helpers.js";

const ACTIONS = ["a:B", "a:C", "a:*", "b:X", "*", "a:?"];
const RESOURCES = ["r://x", "r://x/*", "r://y", "*"];
const CONDITIONS: Array<Record<string, Record<string, unknown>>> = [
  { IpAddress: { ip: "10.0.0.0/8" } },
  { IpAddress: { ip: "10.0.0.0/16" } },
  { NotIpAddress: { ip: "10.1.0.0/16" } },
  { NumericLessThan: { n: 5 } },
  { NumericLessThanEquals: { n: 10 } },
  { Bool: { mfa: true } },
  { Bool: { mfa: false } },
  { StringEquals: { role: "admin" } },
  { StringLike: { role: "ad*" } },
  { StringEqualsIfExists: { role: "admin" } },
  { StringNotEquals: { role: ["dev", "ops"] } },
  { Null: { role: true } },
  { Null: { role: false } },
  { "ForAnyValue:StringEquals": { tags: ["a", "b"] } },
  { "ForAllValues:StringEquals": { tags: ["a"] } },
  { DateGreaterThan: { t: "2025-01-01T00:00:00Z" } },
  { StringEquals: { role: "admin" }, Bool: { mfa: true } },
];

const subset = <T>(xs: readonly T[]) => fc.uniqueArray(fc.constantFrom(...xs), { minLength: 1, maxLength: 3 });

const statementArb: fc.Arbitrary<EffectiveStatement> = fc
  .record({
    Effect: fc.constantFrom("Allow" as const, "Deny" as const),
    actions: subset(ACTIONS),
    notAction: fc.boolean(),
    resources: fc.option(subset(RESOURCES), { nil: undefined }),
    notResource: fc.boolean(),
    condition: fc.option(fc.constantFrom(...CONDITIONS), { nil: undefined, freq: 2 }),
    policy: fc.constantFrom("p", "q"),
  })
  .map(({ Effect, actions, notAction, resources, notResource, condition, policy }) => {
    const s: EffectiveStatement = { Effect, source: { policy, file: `policies/${policy}.yaml` } };
    // NotAction only now and then: it makes statements apply almost everywhere
    if (notAction && Effect === "Deny") s.NotAction = actions;
    else s.Action = actions;
    if (resources) {
      if (notResource) s.NotResource = resources;
      else s.Resource = resources;
    }
    if (condition) s.Condition = condition as EffectiveStatement["Condition"];
    return s;
  });

const policyArb: fc.Arbitrary<AccessPolicy> = fc
  .record({ statements: fc.array(statementArb, { maxLength: 4 }), approvals: fc.option(subset(["a:B", "a:*", "b:X"]), { nil: undefined, freq: 3 }) })
  .map(({ statements, approvals }) => (approvals ? { Statement: statements, RequireApproval: { Actions: approvals } } : { Statement: statements }));

const requestArb: fc.Arbitrary<AccessRequest> = fc.record({
  action: fc.constantFrom("a:B", "a:C", "a:D", "A:b", "b:X", "c:Y", "a:BC"),
  resource: fc.constantFrom("r://x", "r://x/1", "r://y", "r://z"),
  context: fc.record(
    {
      ip: fc.constantFrom("10.0.0.1", "10.1.2.3", "10.255.255.255", "11.0.0.1"),
      n: fc.constantFrom(0, 4, 5, 9, 10, 11),
      mfa: fc.boolean(),
      role: fc.constantFrom("admin", "dev", "adx", "ops"),
      tags: fc.constantFrom(["a"], ["c"], [], ["a", "c"]),
      t: fc.constantFrom("2024-12-31T00:00:00Z", "2025-01-01T00:00:00Z", "2025-06-01T00:00:00Z"),
    },
    { requiredKeys: [] },
  ),
});

const key = (r: { action: string; resource: string; context: unknown }) => stableStringify([r.action, r.resource, r.context]);
const keys = (list: DecisionChange[]) => new Set(list.map(key));

const SWAP: Record<DiffVerdict, DiffVerdict> = { loosened: "tightened", tightened: "loosened", mixed: "mixed", review: "review", neutral: "neutral", unchanged: "unchanged" };

describe("witness properties", () => {
  it("(a) every reported request really flips, in the right list, and the comparison is proven", () => {
    fc.assert(
      fc.property(policyArb, policyArb, (base, head) => {
        const cmp = compareAccess(base, head);
        expect(cmp.proof.proven).toBe(true);
        const lists = [
          ["allowed", cmp.newlyAllowed],
          ["denied", cmp.newlyDenied],
          ["approval", cmp.approvalChanges],
        ] as const;
        for (const [list, entries] of lists) {
          for (const r of entries) {
            const before = evaluateAccessReference(base, r).decision;
            const after = evaluateAccessReference(head, r).decision;
            expect([before, after]).toEqual([r.before, r.after]);
            expect(list).toBe(after === "allow" ? "allowed" : before === "allow" ? "denied" : "approval");
          }
        }
        expect(cmp.regions.reduce((n, g) => n + g.cells, 0)).toBe(cmp.newlyAllowed.length + cmp.newlyDenied.length + cmp.approvalChanges.length);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150) },
    );
  });

  it("(b) a policy compared with itself changes nothing", () => {
    fc.assert(
      fc.property(policyArb, (p) => {
        const copy = JSON.parse(JSON.stringify(p)) as AccessPolicy;
        const cmp = compareAccess(p, copy);
        expect(cmp.newlyAllowed.length + cmp.newlyDenied.length + cmp.approvalChanges.length).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it("(c) swapping base and head swaps newly allowed and newly denied", () => {
    fc.assert(
      fc.property(policyArb, policyArb, (a, b) => {
        const ab = compareAccess(a, b);
        const ba = compareAccess(b, a);
        expect(keys(ab.newlyAllowed)).toEqual(keys(ba.newlyDenied));
        expect(keys(ab.newlyDenied)).toEqual(keys(ba.newlyAllowed));
        expect(keys(ab.approvalChanges)).toEqual(keys(ba.approvalChanges));
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 150) },
    );
  });

  it("(d) when some request's decision differs, the witnesses find a change of the same kind", () => {
    fc.assert(
      fc.property(policyArb, policyArb, requestArb, (base, head, request) => {
        const before = evaluateAccessReference(base, request).decision;
        const after = evaluateAccessReference(head, request).decision;
        fc.pre(before !== after);
        const cmp = compareAccess(base, head);
        if (after === "allow") expect(cmp.newlyAllowed.length).toBeGreaterThan(0);
        else if (before === "allow") expect(cmp.newlyDenied.length).toBeGreaterThan(0);
        else expect(cmp.approvalChanges.length).toBeGreaterThan(0);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Whole repositories

interface DocSpec {
  statements: EffectiveStatement[];
  maxTokens?: number;
  denyOn?: string[];
  minScore?: number;
  allowInsecure?: boolean;
  dataAction?: "deny" | "mask" | "allow" | "require_approval";
}

const docArb: fc.Arbitrary<DocSpec> = fc.record(
  {
    statements: fc.array(statementArb, { maxLength: 3 }),
    maxTokens: fc.constantFrom(1000, 5000),
    denyOn: fc.uniqueArray(fc.constantFrom("tool_not_in_allowlist", "egress_violation", "fs_violation"), { maxLength: 3 }),
    minScore: fc.constantFrom(50, 75),
    allowInsecure: fc.boolean(),
    dataAction: fc.constantFrom("deny" as const, "mask" as const, "allow" as const, "require_approval" as const),
  },
  { requiredKeys: ["statements"] },
);

function filesOf(spec: DocSpec): Record<string, string> {
  const meta = { id: "p", priority: 100 };
  const files: Record<string, string> = { "edict.yaml": ONE_TARGET };
  const statements = spec.statements.map(({ source: _s, ...rest }) => rest);
  const access: Record<string, unknown> = { Version: "2024-12-02", Statement: statements };
  if (spec.maxTokens !== undefined) access.ResourceLimits = { MaxTokens: spec.maxTokens };
  files["policies/p.yaml"] = stringify({ apiVersion: "edict/v1", kind: "AccessPolicy", metadata: meta, spec: access });
  if (spec.denyOn !== undefined) files["policies/r.yaml"] = stringify({ apiVersion: "edict/v1", kind: "RuntimePolicy", metadata: { id: "r", priority: 100 }, spec: { tenant: "t", enforcement: { deny_on: spec.denyOn } } });
  const posture: Record<string, unknown> = {};
  if (spec.minScore !== undefined) posture.local = { min_security_score: spec.minScore };
  if (spec.allowInsecure !== undefined) Object.assign(posture, { allow_insecure: spec.allowInsecure, insecure_reason: "x" });
  files["policies/s.yaml"] = stringify({ apiVersion: "edict/v1", kind: "PosturePolicy", metadata: { id: "s", priority: 100 }, spec: posture });
  if (spec.dataAction !== undefined) {
    const action = { [spec.dataAction]: true, ...(spec.dataAction === "deny" || spec.dataAction === "require_approval" ? { reason: "r" } : {}), ...(spec.dataAction === "require_approval" ? { approver_role: "lead" } : {}) };
    files["policies/d.yaml"] = stringify({ apiVersion: "edict/v1", kind: "DataPolicy", metadata: { id: "d", priority: 100 }, spec: { match: { dataset: "x" }, action } });
  }
  return files;
}

describe("repository diff properties", () => {
  it("(b) a tree compared with itself is unchanged", () => {
    fc.assert(
      fc.property(docArb, (spec) => {
        const files = filesOf(spec);
        const r = diffRepositories(repoOf(files), repoOf(files));
        expect(r.verdict).toBe("unchanged");
        expect(r.targets.every((t) => t.changes.length === 0)).toBe(true);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 60) },
    );
  });

  it("(c) swapping base and head swaps loosened and tightened", () => {
    fc.assert(
      fc.property(docArb, docArb, (a, b) => {
        const ra = repoOf(filesOf(a));
        const rb = repoOf(filesOf(b));
        const ab = diffRepositories(ra, rb);
        const ba = diffRepositories(rb, ra);
        expect(ba.verdict).toBe(SWAP[ab.verdict]);
        const t1 = ab.targets[0]!;
        const t2 = ba.targets[0]!;
        expect([t2.newlyAllowedTotal, t2.newlyDeniedTotal]).toEqual([t1.newlyDeniedTotal, t1.newlyAllowedTotal]);
        const swapped = t1.changes.map((c) => `${c.path} ${c.verdict === "loosened" ? "tightened" : c.verdict === "tightened" ? "loosened" : c.verdict}`).sort();
        expect(t2.changes.map((c) => `${c.path} ${c.verdict}`).sort()).toEqual(swapped);
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 60) },
    );
  });
});
