import { describe, expect, it } from "vitest";
import { patternCovers, patternsOverlap } from "../../../src/lint/pattern-cover.js";
import { accessPolicy, lint, policyOf } from "../../helpers/repo.js";
import fc from "fast-check";
import { matchWildcard } from "../../../src/engine/match/index.js";

const statements = (...lines: string[]) => accessPolicy(`  Statement:\n${lines.map((l) => `    - ${l}\n`).join("")}`);

describe("statement-shadowed-by-deny", () => {
  it("reports an Allow covered by an unconditional Deny", () => {
    const f = lint({ "policies/a.yaml": statements("{ Sid: A, Effect: Allow, Action: 'db:Delete', Resource: 'db://prod/users' }", "{ Effect: Deny, Action: 'db:*', Resource: 'db://prod/*' }") }, "statement-shadowed-by-deny");
    expect(f.map((x) => x.path)).toEqual(["spec.Statement[0].Effect"]);
    expect(f[0]!.message).toContain("Allow A never applies in production");
  });
  it("passes when the Deny is conditional", () => {
    expect(lint({ "policies/a.yaml": statements("{ Effect: Allow, Action: 'db:Delete', Resource: 'db://prod/users' }", "{ Effect: Deny, Action: 'db:*', Resource: '*', Condition: { Bool: { mfa: false } } }") }, "statement-shadowed-by-deny")).toEqual([]);
  });
  it("passes when the Deny's condition is negated: it matches requests without the key, but not a request with team ops", () => {
    const deny = "{ Effect: Deny, Action: 'db:*', Resource: '*', Condition: { StringNotEquals: { team: ops } } }";
    expect(lint({ "policies/a.yaml": statements("{ Effect: Allow, Action: 'db:Delete', Resource: 'db://prod/users' }", deny) }, "statement-shadowed-by-deny")).toEqual([]);
  });
  it("still reports an Allow with a negated condition under an unconditional Deny", () => {
    const f = lint({ "policies/a.yaml": statements("{ Effect: Allow, Action: 'db:Delete', Resource: 'db://prod/users', Condition: { ArnNotLike: { src: 'arn:aws:iam::*:role/x' } } }", "{ Effect: Deny, Action: 'db:*', Resource: '*' }") }, "statement-shadowed-by-deny");
    expect(f.map((x) => x.path)).toEqual(["spec.Statement[0].Effect"]);
  });
});

describe("allow-grants-nothing-new", () => {
  it("reports the narrower duplicate Allow", () => {
    const f = lint({ "policies/a.yaml": statements("{ Effect: Allow, Action: 'file:*', Resource: '*' }", "{ Effect: Allow, Action: 'file:Read', Resource: 'file://x/*' }") }, "allow-grants-nothing-new");
    expect(f.map((x) => x.path)).toEqual(["spec.Statement[1]"]);
  });
  it("reports only the second of two identical statements", () => {
    const same = "{ Effect: Allow, Action: 'file:Read', Resource: '*' }";
    expect(lint({ "policies/a.yaml": statements(same, same) }, "allow-grants-nothing-new").map((x) => x.path)).toEqual(["spec.Statement[1]"]);
  });
  it("passes when the broader Allow is conditional, even on a negated operator true for a missing key", () => {
    expect(lint({ "policies/a.yaml": statements("{ Effect: Allow, Action: 'file:*', Resource: '*', Condition: { StringNotEqualsIgnoreCase: { team: guests } } }", "{ Effect: Allow, Action: 'file:Read', Resource: 'file://x/*' }") }, "allow-grants-nothing-new")).toEqual([]);
  });
  it("passes disjoint Allows", () => {
    expect(lint({ "policies/a.yaml": statements("{ Effect: Allow, Action: 'file:Read', Resource: '*' }", "{ Effect: Allow, Action: 'file:Write', Resource: '*' }") }, "allow-grants-nothing-new")).toEqual([]);
  });
});

describe("approval-never-reachable", () => {
  it("reports an approval action no Allow grants", () => {
    const text = accessPolicy("  Statement:\n    - { Effect: Allow, Action: 'db:Select', Resource: '*' }\n  RequireApproval: { Actions: ['db:Select', 'db:Update'] }\n");
    expect(lint({ "policies/a.yaml": text }, "approval-never-reachable").map((x) => x.path)).toEqual(["spec.RequireApproval.Actions[1]"]);
  });
  it("passes when a wildcard Allow grants it", () => {
    const text = accessPolicy("  Statement:\n    - { Effect: Allow, Action: 'db:*', Resource: '*' }\n  RequireApproval: { Actions: ['db:Update'] }\n");
    expect(lint({ "policies/a.yaml": text }, "approval-never-reachable")).toEqual([]);
  });
  it("reports RequireToolApproval when only DeniedTools is set: a deny list grants no tool", () => {
    const text = accessPolicy("  Capabilities: { DeniedTools: [shell_exec], RequireToolApproval: true }\n");
    const f = lint({ "policies/a.yaml": text }, "approval-never-reachable");
    expect(f.map((x) => x.path)).toEqual(["spec.Capabilities.RequireToolApproval"]);
    expect(f[0]!.message).toContain("no Allow grants tool:Use in production");
  });
  it("passes RequireToolApproval when AllowedTools grants tools", () => {
    const text = accessPolicy("  Capabilities: { AllowedTools: [web_search], DeniedTools: [shell_exec], RequireToolApproval: true }\n");
    expect(lint({ "policies/a.yaml": text }, "approval-never-reachable")).toEqual([]);
  });
});

describe("contains-rarely-matches", () => {
  it("reports two exclusive sensitivity levels", () => {
    const f = lint({ "policies/a.yaml": policyOf("DataPolicy", "  match: { fields: { contains: [pii, phi] } }\n  action: { mask: true }\n") }, "contains-rarely-matches");
    expect(f[0]!.message).toBe("contains requires one field to be pii and phi at once, which almost never happens");
  });
  it("passes a single tag", () => expect(lint({ "policies/a.yaml": policyOf("DataPolicy", "  match: { fields: { contains: [pii] } }\n  action: { mask: true }\n") }, "contains-rarely-matches")).toEqual([]));
});

describe("pattern relations", () => {
  const alphabet = fc.constantFrom("a", "b", ":", "*", "?");
  const pat = fc.array(alphabet, { maxLength: 6 }).map((a) => a.join(""));
  const str = fc.array(fc.constantFrom("a", "b", ":"), { maxLength: 7 }).map((a) => a.join(""));
  it("cover is sound: whenever p covers q, every string q matches p matches", () => {
    fc.assert(fc.property(pat, pat, str, (p, q, s) => {
      if (patternCovers(p, q) && matchWildcard(q, s)) expect(matchWildcard(p, s)).toBe(true);
    }), { numRuns: 3000 });
  });
  it("overlap is complete: a string matching both implies overlap", () => {
    fc.assert(fc.property(pat, pat, str, (p, q, s) => {
      if (matchWildcard(p, s) && matchWildcard(q, s)) expect(patternsOverlap(p, q)).toBe(true);
    }), { numRuns: 3000 });
  });
});
