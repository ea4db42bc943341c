import { describe, expect, it } from "vitest";
import { accessPolicy, at, lint, policyOf } from "../../helpers/repo.js";

const cond = (c: string) => accessPolicy(`  Statement:\n    - Effect: Allow\n      Action: a:b\n      Resource: '*'\n      Condition: ${c}\n`);

describe("invalid-duration", () => {
  it("reports an unparsable duration at its value", () => {
    const f = lint({ "policies/a.yaml": accessPolicy("  ResourceLimits:\n    MaxExecutionTime: 10 minutes\n") }, "invalid-duration");
    expect(at(f)).toEqual(["policies/a.yaml:9:23"]);
    expect(f[0]!.message).toContain("10 minutes");
  });
  it("accepts 600s", () => expect(lint({ "policies/a.yaml": accessPolicy("  ResourceLimits:\n    MaxExecutionTime: 600s\n") }, "invalid-duration")).toEqual([]));
});

describe("invalid-size", () => {
  it("reports 8 gigs", () => expect(lint({ "policies/a.yaml": accessPolicy("  ResourceLimits: { MaxMemory: 8 gigs }\n") }, "invalid-size")).toHaveLength(1));
  it("accepts 8GB", () => expect(lint({ "policies/a.yaml": accessPolicy("  ResourceLimits: { MaxMemory: 8GB }\n") }, "invalid-size")).toEqual([]));
});

describe("invalid-money", () => {
  it("reports 10 USD", () => expect(lint({ "policies/a.yaml": accessPolicy("  ResourceLimits: { MaxCostPerHour: 10 USD }\n") }, "invalid-money")).toHaveLength(1));
  it("accepts $10.00", () => expect(lint({ "policies/a.yaml": accessPolicy("  ResourceLimits: { MaxCostPerHour: '$10.00' }\n") }, "invalid-money")).toEqual([]));
});

describe("invalid-version", () => {
  it("reports an unknown Version", () => {
    const f = lint({ "policies/a.yaml": accessPolicy("").replace("2024-12-02", "2023-01-01") }, "invalid-version");
    expect(at(f)).toEqual(["policies/a.yaml:7:12"]);
  });
  it("accepts the current version", () => expect(lint({ "policies/a.yaml": accessPolicy("") }, "invalid-version")).toEqual([]));
});

describe("invalid-pattern", () => {
  it("reports bad action, resource and tool patterns", () => {
    const f = lint({
      "policies/a.yaml": accessPolicy("  Statement:\n    - { Effect: Allow, Action: [fileRead, 'file:Read'], Resource: 'db:/x' }\n"),
      "policies/b.yaml": policyOf("RuntimePolicy", "  tools: { allowlist: ['vision-mcp/detect'] }\n"),
    }, "invalid-pattern");
    expect(f.map((x) => x.path)).toEqual(["spec.Statement[0].Action[0]", "spec.Statement[0].Resource", "spec.tools.allowlist[0]"]);
  });
  it("accepts well-formed patterns", () => {
    expect(lint({ "policies/a.yaml": accessPolicy("  Statement:\n    - { Effect: Allow, Action: 'tool:bash:*', Resource: 'file://workspace/tmp/*' }\n") }, "invalid-pattern")).toEqual([]);
  });
});

describe("invalid-regex and regex-catastrophic-backtracking", () => {
  const rt = (pattern: string) => policyOf("RuntimePolicy", `  compliance:\n    packs:\n      - id: p\n        rules:\n          - { id: r, type: regex, location: output, patterns: ['${pattern}'] }\n`);
  it("reports a pattern that does not compile", () => expect(lint({ "policies/a.yaml": rt("(unclosed") }, "invalid-regex").map((x) => x.path)).toEqual(["spec.compliance.packs[0].rules[0].patterns[0]"]));
  it("reports a ReDoS-prone pattern", () => expect(lint({ "policies/a.yaml": rt("(a+)+$") }, "regex-catastrophic-backtracking")).toHaveLength(1));
  it("accepts Sec0's inline flags", () => {
    expect(lint({ "policies/a.yaml": rt("(?i)api_key=") }, "invalid-regex")).toEqual([]);
    expect(lint({ "policies/a.yaml": rt("(?i)api_key=") }, "regex-catastrophic-backtracking")).toEqual([]);
  });
});

describe("invalid-time", () => {
  it("reports a bad time and zone", () => {
    const f = lint({ "policies/a.yaml": policyOf("DataPolicy", "  context: { time: { after: '25:00', timezone: Mars/Olympus } }\n  action: { allow: true }\n") }, "invalid-time");
    expect(f.map((x) => x.path)).toEqual(["spec.context.time.after", "spec.context.time.timezone"]);
  });
  it("accepts valid windows", () => expect(lint({ "policies/a.yaml": policyOf("DataPolicy", "  context: { time: { after: '19:00', before: '07:00', timezone: America/New_York } }\n  action: { allow: true }\n") }, "invalid-time")).toEqual([]));
});

describe("invalid-semver", () => {
  it("reports a bad edict.yaml version", () => expect(lint({ "edict.yaml": "name: a\nversion: one\ntargets: { p: {} }\n" }, "invalid-semver").map((x) => x.path)).toEqual(["version"]));
  it("accepts 0.1.0", () => expect(lint({ "edict.yaml": "name: a\nversion: 0.1.0\ntargets: { p: {} }\n" }, "invalid-semver")).toEqual([]));
  it("reads a pack state's recorded range as a version range, not as a dependency", () => {
    const state = (range: string) =>
      `format_version: v1\ninstalled_packs:\n  starter:\n    name: starter\n    version: 1.0.0\n    layer: foundation\n    source: builtin\n    range: "${range}"\n    files: []\n`;
    expect(lint({ ".edict/packs.yaml": state("^1.0.0") }, "invalid-semver")).toEqual([]);
    expect(lint({ ".edict/packs.yaml": state("~1.2") }, "invalid-semver")).toEqual([]);
    expect(lint({ ".edict/packs.yaml": state("one") }, "invalid-semver").map((x) => x.message)).toEqual(['"one" is not a version range like ^1.0.0']);
  });
});

describe("unknown-reason-code", () => {
  it("suggests the nearest code", () => {
    const f = lint({ "policies/a.yaml": policyOf("RuntimePolicy", "  enforcement: { deny_on: [tool_not_in_allow_list] }\n") }, "unknown-reason-code");
    expect(f[0]!.message).toBe('unknown violation reason code "tool_not_in_allow_list"; did you mean "tool_not_in_allowlist"?');
  });
  it("accepts Sec0 codes", () => expect(lint({ "policies/a.yaml": policyOf("RuntimePolicy", "  enforcement: { deny_on: [sast_failed] }\n") }, "unknown-reason-code")).toEqual([]));
});

describe("unknown-condition-operator", () => {
  it("suggests the nearest operator at the key", () => {
    const f = lint({ "policies/a.yaml": cond("{ StringEqual: { a: b } }") }, "unknown-condition-operator");
    expect(f[0]!.message).toBe('unknown condition operator "StringEqual"; did you mean "StringEquals"?');
    expect(at(f)).toEqual(["policies/a.yaml:12:20"]);
  });
  it("accepts prefixed IfExists operators", () => expect(lint({ "policies/a.yaml": cond("{ 'ForAnyValue:StringLikeIfExists': { a: b }, Null: { c: true } }") }, "unknown-condition-operator")).toEqual([]));
  it("accepts StringNotEqualsIgnoreCase and the Arn operators in every spelling", () => {
    const ops = ["StringNotEqualsIgnoreCase", "StringNotEqualsIgnoreCaseIfExists", "ForAllValues:StringNotEqualsIgnoreCase", "ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike", "ArnLikeIfExists", "ForAnyValue:ArnNotLikeIfExists"];
    const block = `{ ${ops.map((o, i) => `'${o}': { k${i}: 'arn:aws:s3:::b' }`).join(", ")} }`;
    expect(lint({ "policies/a.yaml": cond(block) }, "unknown-condition-operator")).toEqual([]);
  });
  it("suggests the new operators", () => {
    const f = lint({ "policies/a.yaml": cond("{ StringNotEqualIgnoreCase: { a: b }, ArnLikes: { c: d }, ArnNotEqual: { e: f } }") }, "unknown-condition-operator");
    expect(f.map((x) => x.message)).toEqual([
      'unknown condition operator "StringNotEqualIgnoreCase"; did you mean "StringNotEqualsIgnoreCase"?',
      'unknown condition operator "ArnLikes"; did you mean "ArnLike"?',
      'unknown condition operator "ArnNotEqual"; did you mean "ArnNotEquals"?',
    ]);
    expect(at(f)).toEqual(["policies/a.yaml:12:20", "policies/a.yaml:12:56", "policies/a.yaml:12:76"]);
  });
});

describe("invalid-arn", () => {
  it("reports values that are not six-part ARNs at the value", () => {
    const f = lint({ "policies/a.yaml": cond("{ ArnLike: { aws:SourceArn: ['arn:aws:s3:::bucket/*', 'arn:aws:s3:*'] }, ArnNotEquals: { p: 's3:::x:y:z' }, ArnEquals: { q: 5 } }") }, "invalid-arn");
    expect(f.map((x) => x.message)).toEqual([
      '"arn:aws:s3:*" is not an ARN: expected 6 colon-separated parts (arn:partition:service:region:account:resource), got 4',
      '"s3:::x:y:z" is not an ARN: it must start with "arn:"',
      "expected an ARN string, got 5",
    ]);
    expect(f.map((x) => x.path)).toEqual(['spec.Statement[0].Condition.ArnLike["aws:SourceArn"][1]', "spec.Statement[0].Condition.ArnNotEquals.p", "spec.Statement[0].Condition.ArnEquals.q"]);
    expect(at(f)).toEqual(["policies/a.yaml:12:72", "policies/a.yaml:12:110", "policies/a.yaml:12:142"]);
  });
  it("accepts wildcards within parts and colons in the resource", () => {
    expect(lint({ "policies/a.yaml": cond("{ ArnLike: { a: 'arn:aws:iam::*:role/*' }, 'ForAnyValue:ArnNotLikeIfExists': { b: 'arn:aws:ecs:us-?-1:123456789012:task/c:d' } }") }, "invalid-arn")).toEqual([]);
  });
});

describe("invalid-cidr", () => {
  it("reports a bad range in a list at its item", () => {
    const f = lint({ "policies/a.yaml": cond("{ IpAddress: { source.ip: [10.0.0.0/8, 10.0.0.0/33] } }") }, "invalid-cidr");
    expect(f.map((x) => x.path)).toEqual(['spec.Statement[0].Condition.IpAddress["source.ip"][1]']);
  });
  it("accepts IPv6", () => expect(lint({ "policies/a.yaml": cond("{ NotIpAddress: { source.ip: '2001:db8::/32' } }") }, "invalid-cidr")).toEqual([]));
});

describe("invalid-date", () => {
  it("reports a loose date", () => expect(lint({ "policies/a.yaml": cond("{ DateLessThan: { time.current: 'Dec 31 2024' } }") }, "invalid-date")).toHaveLength(1));
  it("accepts ISO dates and epoch seconds", () => expect(lint({ "policies/a.yaml": cond("{ DateLessThan: { time.current: '2024-12-31T23:59:59Z', t2: 1735689599 } }") }, "invalid-date")).toEqual([]));
});

describe("invalid-condition-value", () => {
  it("reports a non-numeric Numeric value and a non-boolean Bool", () => {
    const f = lint({ "policies/a.yaml": cond("{ NumericLessThan: { cost: cheap }, Bool: { mfa: yes } }") }, "invalid-condition-value");
    expect(f.map((x) => x.message)).toEqual(['NumericLessThan needs a number, got "cheap"', 'Bool needs true or false, got "yes"']);
  });
  it("accepts numbers and booleans", () => expect(lint({ "policies/a.yaml": cond("{ NumericLessThan: { cost: 100.0 }, Bool: { mfa: true } }") }, "invalid-condition-value")).toEqual([]));
});

describe("every rule has tests", () => {
  it("each registered rule id appears in a rule test file", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const { RULES } = await import("../../../src/lint/registry.js");
    const dir = import.meta.dirname;
    const text = readdirSync(dir).filter((f) => f.endsWith(".test.ts")).map((f) => readFileSync(`${dir}/${f}`, "utf8")).join("\n");
    const missing = RULES.map((r) => r.meta.id).filter((id) => !text.includes(`"${id}"`) && !text.includes(`${id} `));
    expect(missing).toEqual([]);
  });
});
