import { describe, expect, it } from "vitest";
import { accessPolicy, at, lint } from "../../helpers/repo.js";

const config = (rules: string) => `name: a\ntargets: { production: {} }\nlint:\n  rules:\n${rules}`;
const clean = accessPolicy("  ResourceLimits:\n    # edict-disable-next-line invalid-type\n    MaxTokens: 10\n");

describe("unknown-rule", () => {
  it("warns about a rule id in lint.rules that no rule has, at its key, with the id it resembles", () => {
    const f = lint({ "edict.yaml": config("    wildcard-allow-in-prod: off\n    invalid-type: warning\n"), "policies/a.yaml": clean }, "unknown-rule");
    expect(at(f)).toEqual(["edict.yaml:5:5"]);
    expect(f[0]).toMatchObject({ severity: "warning", message: 'unknown rule "wildcard-allow-in-prod" in lint.rules; did you mean "wildcard-allow-in-production"?' });
    expect(f[0]!.help).toContain("the setting has no effect");
  });

  it("warns about a rule name in an edict-disable-next-line comment, at the name", () => {
    const text = accessPolicy("  ResourceLimits:\n    # edict-disable-next-line invalid-typ, unknown-key -- legacy\n    MaxTokens: ten\n");
    const f = lint({ "policies/a.yaml": text }, "unknown-rule");
    expect(at(f)).toEqual(["policies/a.yaml:9:31"]);
    expect(f[0]!.message).toBe('unknown rule "invalid-typ" in edict-disable-next-line; did you mean "invalid-type"?');
  });

  it("gives no suggestion when nothing is close", () => {
    const f = lint({ "edict.yaml": config("    frobnicate: off\n") }, "unknown-rule");
    expect(f.map((x) => x.message)).toEqual(['unknown rule "frobnicate" in lint.rules']);
  });

  it("accepts every registered rule id", () => {
    expect(lint({ "edict.yaml": config("    invalid-type: warning\n    unknown-rule: error\n"), "policies/a.yaml": clean }, "unknown-rule")).toEqual([]);
  });
});
