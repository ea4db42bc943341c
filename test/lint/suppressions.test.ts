import { describe, expect, it } from "vitest";
import { parseSource } from "../../src/model/source.js";
import { parseSuppressions, suppressionsOf } from "../../src/lint/suppressions.js";
import { accessPolicy, lint } from "../helpers/repo.js";

const LIMITS = "  ResourceLimits: { MaxTokens: 10 }\n  AuditLog: { Required: true }\n";
/** Two production-wide Allow-everything statements; each finding sits on the statement's Effect line, not its Sid line. */
const wildcard = (comment: string) =>
  accessPolicy(`  Statement:\n${comment}    - Sid: Everything\n      Effect: Allow\n      Action: "*"\n      Resource: "*"\n    - Sid: Again\n      Effect: Allow\n      Action: "*"\n      Resource: "*"\n${LIMITS}`);

describe("edict-disable-next-line", () => {
  it("above `- Sid:` silences the rule on every line of that statement", () => {
    const without = lint({ "policies/a.yaml": wildcard("") }, "wildcard-allow-in-production");
    expect(without.map((f) => f.line)).toEqual([10, 14]);
    const f = lint({ "policies/a.yaml": wildcard("    # edict-disable-next-line wildcard-allow-in-production -- break-glass account\n") }, "wildcard-allow-in-production");
    // the next statement is another node: its finding stays (one line lower, below the comment)
    expect(f.map((x) => x.line)).toEqual([15]);
  });

  it("above a mapping key silences its whole block", () => {
    const body = "  ResourceLimits:\n    MaxTokens: ten\n    MaxConcurrentRequests: many\n  AuditLog: { Required: 5 }\n";
    expect(lint({ "policies/a.yaml": accessPolicy(body) }, "invalid-type").map((x) => x.line)).toEqual([9, 10, 11]);
    const text = accessPolicy(`  # edict-disable-next-line invalid-type\n${body}`);
    expect(lint({ "policies/a.yaml": text }, "invalid-type").map((x) => x.line)).toEqual([12]);
  });

  it("above a scalar silences that line only", () => {
    const text = accessPolicy("  ResourceLimits:\n    # edict-disable-next-line invalid-type\n    MaxTokens: ten\n    MaxConcurrentRequests: many\n");
    expect(lint({ "policies/a.yaml": text }, "invalid-type").map((x) => x.line)).toEqual([11]);
  });

  it("above the first key of the file does not silence the whole document", () => {
    const text = `# edict-disable-next-line invalid-type\n${accessPolicy("  ResourceLimits:\n    MaxTokens: ten\n")}`;
    expect(lint({ "policies/a.yaml": text }, "invalid-type").map((x) => x.line)).toEqual([10]);
  });

  it("records each rule name with its position and the reason", () => {
    const text = "a: 1\n  # edict-disable-next-line rule-a, rule-b -- legacy -- kept\nb: 2\n";
    const [s] = parseSuppressions(text);
    expect(s).toMatchObject({ commentLine: 2, from: 3, to: 3, reason: "legacy -- kept" });
    expect(s!.names.map((n) => [n.rule, text.slice(n.span[0], n.span[1])])).toEqual([["rule-a", "rule-a"], ["rule-b", "rule-b"]]);
  });

  it("ignores the directive inside a quoted string, and in JSON files", () => {
    expect(parseSuppressions('a: "# edict-disable-next-line x"\nb: 1\n')).toEqual([]);
    expect(suppressionsOf(parseSource("policies/a.json", '{"a": 1}\n'))).toEqual([]);
  });
});
