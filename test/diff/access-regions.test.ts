/** The exact access comparison: the bug-report cases, regions for people, guardrails, budgets. */
import { describe, expect, it } from "vitest";
import { compareAccessRegions } from "../../src/diff/index.js";
import { evaluateAccessReference } from "../../src/engine/access/index.js";
import { accessDoc, changeAt, diffFiles, policy, prod, st } from "./helpers.js";

const statements = (body: string) => ({ "policies/ac.yaml": accessDoc("ac", `  Statement:\n${body}`) });

describe("compareAccessRegions", () => {
  it("finds the request that two interacting statements newly allow (a Deny's action removed)", () => {
    const allow = st({ Effect: "Allow", Action: ["api:Get"], Resource: ["db://production/*"] });
    const base = policy([allow, st({ Effect: "Deny", Action: ["api:Get", "file:*"], Resource: ["db://*/users"] })]);
    const head = policy([allow, st({ Effect: "Deny", Action: ["file:*"], Resource: ["db://*/users"] })]);
    const c = compareAccessRegions(base, head);
    expect(c.proof.proven).toBe(true);
    expect(c.newlyAllowed).toEqual([{ action: "api:Get", resource: "db://production/users", context: {}, before: "deny", after: "allow" }]);
    expect(c.regions).toEqual([
      {
        kind: "access",
        verdict: "loosened",
        before: "deny",
        after: "allow",
        where: { actions: "api:Get", resource: "any resource matching `db://*/users` and `db://production/*`" },
        cells: 1,
        example: { action: "api:Get", resource: "db://production/users", context: {} },
      },
    ]);
  });

  it("finds the request a conditional Deny newly denies where an Allow's condition holds", () => {
    const allow = st({ Effect: "Allow", Action: ["db:Select"], Resource: ["db://*/users"], Condition: { StringEquals: { "principal.role": "dba" } } });
    const deny = st({ Effect: "Deny", Action: ["db:*"], Resource: ["db://staging/*"], Condition: { IpAddress: { "source.ip": "10.0.0.0/8" } } });
    const c = compareAccessRegions(policy([allow]), policy([allow, deny]));
    expect(c.newlyAllowed).toEqual([]);
    expect(c.newlyDenied).toEqual([{ action: "db:Select", resource: "db://staging/users", context: { "principal.role": "dba", "source.ip": "10.0.0.0" }, before: "allow", after: "deny" }]);
    // an IP the evaluator cannot read makes the Deny apply (fail closed): part of the region
    expect(c.regions[0]!.where.condition).toBe("principal.role = dba and (source.ip in 10.0.0.0/8 or not a valid IP address)");
  });

  it("names a missing key and lists several actions in one region", () => {
    const base = policy([st({ Effect: "Allow", Action: ["db:Select", "db:Insert"], Resource: ["db://x"] }), st({ Effect: "Deny", Action: ["db:*"], Resource: ["db://x"], Condition: { Null: { "principal.role": true } } })]);
    const head = policy([st({ Effect: "Allow", Action: ["db:Select", "db:Insert"], Resource: ["db://x"] })]);
    const c = compareAccessRegions(base, head);
    expect(c.regions).toHaveLength(1);
    expect(c.regions[0]!.where).toEqual({ actions: "db:Insert, db:Select", resource: "db://x", condition: "no principal.role" });
    expect(c.regions[0]!.cells).toBe(2);
  });

  it("every witness really flips, and no action is reported twice in different letter case", () => {
    const base = policy([st({ Effect: "Allow", Action: ["s3:Get*"], Resource: ["s3://bucket/*"] })]);
    const head = policy([st({ Effect: "Allow", Action: ["s3:Get*", "S3:PUT*"], Resource: ["s3://bucket/*"] })]);
    const c = compareAccessRegions(base, head);
    expect(c.newlyAllowed.length).toBeGreaterThan(0);
    for (const w of c.newlyAllowed) {
      expect(evaluateAccessReference(base, w).decision).toBe("deny");
      expect(evaluateAccessReference(head, w).decision).toBe("allow");
    }
    const lower = c.newlyAllowed.map((w) => `${w.action.toLowerCase()} ${w.resource}`);
    expect(new Set(lower).size).toBe(lower.length);
    expect(JSON.stringify(c)).not.toContain("zz-fresh");
  });

  it("approval patterns: a new pattern turns allowed requests into approval_required", () => {
    const allow = st({ Effect: "Allow", Action: ["db:*"], Resource: ["db://x"] });
    const c = compareAccessRegions(policy([allow]), policy([allow], ["db:Drop*"]));
    expect(c.newlyDenied).toEqual([expect.objectContaining({ before: "allow", after: "approval_required" })]);
    expect(c.newlyDenied[0]!.action.toLowerCase().startsWith("db:drop")).toBe(true);
  });

  it("is the same whichever side is base, with the lists swapped", () => {
    const a = policy([st({ Effect: "Allow", Action: ["a:*"], Resource: ["r://*"], Condition: { NumericLessThan: { n: 5 } } })]);
    const b = policy([st({ Effect: "Allow", Action: ["a:B"], Resource: ["r://x/*", "r://y"] })]);
    const ab = compareAccessRegions(a, b);
    const ba = compareAccessRegions(b, a);
    const strip = (l: Array<{ action: string; resource: string; context: unknown }>) => l.map((x) => JSON.stringify([x.action, x.resource, x.context])).sort();
    expect(strip(ab.newlyAllowed)).toEqual(strip(ba.newlyDenied));
    expect(strip(ab.newlyDenied)).toEqual(strip(ba.newlyAllowed));
  });

  it("a budget cut makes it not proven and says how far it got", () => {
    const base = policy([st({ Effect: "Allow", Action: ["*"], Resource: ["*"] })]);
    const head = policy([st({ Effect: "Allow", Action: ["*"], Resource: ["*"] }), st({ Effect: "Deny", Action: ["a:*", "b:*", "c:*"], Resource: ["r://1/*", "r://2/*", "r://3/*"] })]);
    const c = compareAccessRegions(base, head, { maxRegions: 2 });
    expect(c.proof).toMatchObject({ proven: false, checked: 2 });
    expect(c.proof.total).toBeGreaterThan(2);
    const states = compareAccessRegions(base, head, { maxStates: 3 });
    expect(states.proof.proven).toBe(false);
    expect(states.proof.complete).toBe(false);
  });
});

describe("statement changes", () => {
  it("a removed Deny that changes no decision today stays neutral but is flagged", () => {
    const base = statements("    - { Sid: Guard, Effect: Deny, Action: 'db:Drop*', Resource: '*' }\n    - { Sid: Read, Effect: Allow, Action: db:Select, Resource: '*' }\n");
    const head = statements("    - { Sid: Read, Effect: Allow, Action: db:Select, Resource: '*' }\n");
    const r = diffFiles(base, head);
    expect(r.verdict).toBe("neutral");
    expect(changeAt(r, "Statement[ac:Guard]")).toMatchObject({ verdict: "neutral", guardrail: "removed", note: "guardrail removed — no decision changes now" });
  });

  it("a narrowed Deny is flagged; a Deny rewritten to cover the same requests is not", () => {
    const guard = (resource: string) => statements(`    - { Sid: Guard, Effect: Deny, Action: 'db:Drop*', Resource: ${resource} }\n`);
    expect(changeAt(diffFiles(guard("'*'"), guard("'db://prod/*'")), "Statement[ac:Guard]")).toMatchObject({ guardrail: "narrowed" });
    const same = changeAt(diffFiles(guard("'*'"), guard("['*', 'db://prod/*']")), "Statement[ac:Guard]");
    expect(same.guardrail).toBeUndefined();
    expect(same.verdict).toBe("neutral");
  });

  it("the diff of the bug report's first case is loosened with the newly allowed request", () => {
    const allow = "    - { Sid: Read, Effect: Allow, Action: api:Get, Resource: 'db://production/*' }\n";
    const r = diffFiles(
      statements(`${allow}    - { Sid: Guard, Effect: Deny, Action: [api:Get, 'file:*'], Resource: 'db://*/users' }\n`),
      statements(`${allow}    - { Sid: Guard, Effect: Deny, Action: ['file:*'], Resource: 'db://*/users' }\n`),
    );
    expect(r.verdict).toBe("loosened");
    expect(changeAt(r, "Statement[ac:Guard]")).toMatchObject({ verdict: "loosened", note: "1 request loosened" });
    expect(prod(r).newlyAllowed).toEqual([expect.objectContaining({ action: "api:Get", resource: "db://production/users" })]);
  });
});
