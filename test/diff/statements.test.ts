import { describe, expect, it } from "vitest";
import { compareAccess, matchStatements } from "../../src/diff/index.js";
import { accessDoc, changeAt, diffFiles, policy, prod, st } from "./helpers.js";

const statements = (body: string) => ({ "policies/ac.yaml": accessDoc("ac", `  Statement:\n${body}`) });

describe("statement witnesses", () => {
  it("an added Allow lists the newly allowed requests with their action and resource", () => {
    const base = statements("    - { Sid: Read, Effect: Allow, Action: file:Read, Resource: 'file://ws/*' }\n");
    const head = statements(
      "    - { Sid: Read, Effect: Allow, Action: file:Read, Resource: 'file://ws/*' }\n" +
        "    - { Sid: Drop, Effect: Allow, Action: db:Drop, Resource: 'db://prod/users' }\n",
    );
    const r = diffFiles(base, head);
    const t = prod(r);
    expect(r.verdict).toBe("loosened");
    expect(r.nextVersion).toBe("1.2.3"); // the first release: edict.yaml's version
    expect(t.newlyAllowedTotal).toBeGreaterThan(0);
    expect(t.newlyDeniedTotal).toBe(0);
    for (const req of t.newlyAllowed) {
      expect(req.action.toLowerCase()).toBe("db:drop");
      expect(req.resource).toBe("db://prod/users");
      expect(req).toMatchObject({ before: "deny", after: "allow" });
    }
    expect(t.newlyAllowed[0]).toMatchObject({ action: "db:Drop", resource: "db://prod/users", context: {} });
    expect(changeAt(r, "Statement[ac:Drop]")).toMatchObject({ subject: "statement", change: "added", verdict: "loosened", before: undefined });
    expect(changeAt(r, "Statement[ac:Drop]").after).toEqual({ Sid: "Drop", Effect: "Allow", Action: ["db:Drop"], Resource: ["db://prod/users"] });
  });

  it("rewriting Action [a:B, a:C] as two statements is neutral", () => {
    const base = statements("    - { Effect: Allow, Action: [a:B, a:C], Resource: 'r://x/*' }\n");
    const head = statements("    - { Effect: Allow, Action: a:B, Resource: 'r://x/*' }\n    - { Effect: Allow, Action: a:C, Resource: 'r://x/*' }\n");
    const r = diffFiles(base, head);
    const t = prod(r);
    expect(t.changes.length).toBeGreaterThan(0);
    expect(t.changes.every((c) => c.verdict === "neutral")).toBe(true);
    expect(t.changes.map((c) => c.note)).toContain("no decision changes");
    expect(t.newlyAllowedTotal + t.newlyDeniedTotal + t.approvalChangesTotal).toBe(0);
    expect(r.verdict).toBe("neutral");
  });

  it("narrowing a CIDR newly denies requests at the edge of the old range", () => {
    const cond = (cidr: string) => statements(`    - Sid: Office\n      Effect: Allow\n      Action: file:Read\n      Resource: "*"\n      Condition: { IpAddress: { source.ip: "${cidr}" } }\n`);
    const r = diffFiles(cond("10.0.0.0/8"), cond("10.0.0.0/16"));
    const t = prod(r);
    expect(r.verdict).toBe("tightened");
    expect(t.newlyAllowedTotal).toBe(0);
    // one request per cell: the first address of 10/8 outside 10.0/16 stands for all of them
    const ips = t.newlyDenied.map((x) => x.context["source.ip"]);
    expect(ips).toContain("10.1.0.0");
    expect(ips).not.toContain("10.0.0.0");
    expect(t.regions).toEqual([expect.objectContaining({ verdict: "tightened", before: "allow", after: "deny", where: expect.objectContaining({ condition: "source.ip in 10.0.0.0/8 (not 10.0.0.0/16)" }) })]);
    expect(changeAt(r, "Statement[ac:Office]")).toMatchObject({ change: "changed", verdict: "tightened" });
  });

  it("requiring approval for an allowed action is tightened; from deny to approval is loosened", () => {
    const allow = "    - { Sid: Up, Effect: Allow, Action: db:Update, Resource: 'db://x' }\n";
    const r = diffFiles(statements(allow), { "policies/ac.yaml": accessDoc("ac", `  Statement:\n${allow}  RequireApproval: { Actions: [db:Update] }\n`) });
    expect(prod(r).newlyDenied[0]).toMatchObject({ action: "db:Update", before: "allow", after: "approval_required" });
    expect(changeAt(r, "RequireApproval.Actions").verdict).toBe("tightened");
    expect(r.verdict).toBe("tightened");

    const flips = compareAccess(
      policy([st({ Effect: "Allow", Action: ["a:B"], Resource: ["*"] }), st({ Effect: "Deny", Action: ["a:B"], Resource: ["*"] })], ["a:B"]),
      policy([st({ Effect: "Allow", Action: ["a:B"], Resource: ["*"] })], ["a:B"]),
    );
    expect(flips.newlyAllowed).toEqual([]);
    expect(flips.approvalChanges.length).toBeGreaterThan(0);
    expect(flips.approvalChanges[0]).toMatchObject({ before: "deny", after: "approval_required" });
  });

  it("number, date, bool and missing-key boundaries find condition changes", () => {
    const cmp = (a: string, b: string) =>
      compareAccess(
        policy([st({ Effect: "Allow", Action: ["a:B"], Resource: ["*"], Condition: JSON.parse(a) })]),
        policy([st({ Effect: "Allow", Action: ["a:B"], Resource: ["*"], Condition: JSON.parse(b) })]),
      );
    // < 10 → <= 10: only 10 itself is newly allowed
    const n = cmp('{"NumericLessThan": {"n": 10}}', '{"NumericLessThanEquals": {"n": 10}}');
    expect(new Set(n.newlyAllowed.map((x) => x.context.n))).toEqual(new Set([10]));
    const d = cmp('{"DateLessThan": {"t": "2025-01-01T00:00:00Z"}}', '{"DateLessThan": {"t": "2025-01-01T00:00:01Z"}}');
    expect(d.newlyAllowed.map((x) => x.context.t)).toContain("2025-01-01T00:00:00.000Z");
    // IfExists: the missing key is newly allowed
    const m = cmp('{"StringEquals": {"role": "admin"}}', '{"StringEqualsIfExists": {"role": "admin"}}');
    expect(new Set(m.newlyAllowed.map((x) => JSON.stringify(x.context)))).toEqual(new Set(["{}"]));
    const b = cmp('{"Bool": {"mfa": true}}', '{"Bool": {"mfa": [true, false]}}');
    expect(new Set(b.newlyAllowed.map((x) => x.context.mfa))).toEqual(new Set([false]));
  });

  it("matches statements by policy id + Sid, then by content", () => {
    const a = [st({ Sid: "X", Effect: "Allow", Action: ["a:B"] }), st({ Effect: "Deny", Action: ["a:C"] })];
    const b = [st({ Effect: "Deny", Action: ["a:C"] }), st({ Sid: "X", Effect: "Allow", Action: ["a:D"] })];
    const pairs = matchStatements(a, b);
    expect(pairs.map((p) => [p.before?.label, p.after?.label])).toEqual([
      ["p:X", "p:X"],
      ["p#2", "p#1"],
    ]);
  });

  it("moving a statement to another policy is a neutral move", () => {
    const s = "  Statement:\n    - { Sid: S, Effect: Allow, Action: a:B, Resource: '*' }\n";
    const r = diffFiles({ "policies/a.yaml": accessDoc("a", s) }, { "policies/b.yaml": accessDoc("b", s) });
    const c = prod(r).changes.find((x) => x.subject === "statement");
    expect(c).toMatchObject({ change: "moved", verdict: "neutral" });
    expect(r.verdict).toBe("neutral");
  });

  it("is deterministic, and a budget it hits makes the comparison not proven, never neutral", () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      st({ Effect: i % 2 ? "Allow" : "Deny", Action: [`s${i}:*`], Resource: [`r://${i}/*`, "*"], Condition: { StringEquals: { [`k${i % 7}`]: [`v${i}`, `w${i}`] }, NumericLessThan: { n: i } } }),
    );
    const c1 = compareAccess(policy(many), policy(many.slice(1)));
    const c2 = compareAccess(policy(many), policy(many.slice(1)));
    expect(c1.proof.proven).toBe(true);
    expect(c2).toEqual(c1);
    const cut = compareAccess(policy(many), policy(many.slice(1)), { maxRegions: 1 });
    expect(cut.proof).toMatchObject({ proven: false, checked: 1 });
    expect(cut.proof.reasons.join()).toMatch(/budget/);
    const r = diffFiles(statements("    - { Sid: A, Effect: Allow, Action: 'a:*', Resource: '*' }\n"), statements("    - { Sid: A, Effect: Allow, Action: 'a:*', Resource: 'r://*' }\n"), { maxRegions: 0 });
    expect(r.verdict).toBe("review");
    expect(prod(r).changes.some((c) => c.verdict === "review" && /not proven: 0 of \d+\+? regions checked/.test(c.note ?? ""))).toBe(true);
  });

  it("shows at most 10 examples but reports the totals", () => {
    // every action below reaches its own Deny, so each is a cell of its own
    const deny = Array.from({ length: 12 }, (_, i) => `    - { Sid: D${i}, Effect: Deny, Action: 'svc${i}:Write', Resource: 'secret://${i}/*' }\n`).join("");
    const base = statements(`    - { Sid: A, Effect: Allow, Action: 'file:Read', Resource: 'file://a' }\n${deny}`);
    const head = statements(`    - { Sid: A, Effect: Allow, Action: '*', Resource: '*' }\n${deny}`);
    const t = prod(diffFiles(base, head));
    expect(t.newlyAllowed).toHaveLength(10);
    expect(t.newlyAllowedTotal).toBeGreaterThan(10);
    // examples are varied: several actions appear
    expect(new Set(t.newlyAllowed.map((x) => x.action.toLowerCase())).size).toBeGreaterThan(1);
  });
});
