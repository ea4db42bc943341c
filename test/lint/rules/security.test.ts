import { describe, expect, it } from "vitest";
import { accessPolicy, at, lint, policyOf } from "../../helpers/repo.js";

const st = (body: string) => accessPolicy(`  Statement:\n    - ${body}\n`);
const meta = (id: string, prio = 1, extra = "") => `  id: ${id}\n  priority: ${prio}\n${extra}`;

describe("wildcard-allow-in-production", () => {
  it("reports Allow * on * applying to production", () => {
    const f = lint({ "policies/a.yaml": st("{ Effect: Allow, Action: '*', Resource: '*' }") }, "wildcard-allow-in-production");
    expect(f.map((x) => x.message)).toEqual(['Allow "*" on "*" applies to production']);
    expect(at(f)).toEqual(["policies/a.yaml:9:17"]);
  });
  it("passes when the document targets staging only", () => {
    const text = accessPolicy("  Statement:\n    - { Effect: Allow, Action: '*', Resource: '*' }\n", meta("p1", 1, "  targets: [staging]\n"));
    expect(lint({ "policies/a.yaml": text }, "wildcard-allow-in-production")).toEqual([]);
  });
});

describe("allow-with-not-action", () => {
  it("reports NotAction in an Allow", () => expect(lint({ "policies/a.yaml": st("{ Effect: Allow, NotAction: 'iam:*', Resource: '*' }") }, "allow-with-not-action")).toHaveLength(1));
  it("passes NotAction in a Deny", () => expect(lint({ "policies/a.yaml": st("{ Effect: Deny, NotAction: 'file:Read', Resource: '*' }") }, "allow-with-not-action")).toEqual([]));
});

describe("for-all-values-without-null", () => {
  it("reports an unguarded ForAllValues in an Allow", () => {
    const f = lint({ "policies/a.yaml": st("{ Effect: Allow, Action: a:b, Resource: '*', Condition: { 'ForAllValues:StringEquals': { tags: [x] } } }") }, "for-all-values-without-null");
    expect(f[0]!.message).toContain('"tags" is missing');
  });
  it("passes with a Null guard", () => {
    expect(lint({ "policies/a.yaml": st("{ Effect: Allow, Action: a:b, Resource: '*', Condition: { 'ForAllValues:StringEquals': { tags: [x] }, Null: { tags: false } } }") }, "for-all-values-without-null")).toEqual([]);
  });
});

describe("if-exists-in-deny", () => {
  it("reports IfExists in a Deny", () => expect(lint({ "policies/a.yaml": st("{ Effect: Deny, Action: a:b, Resource: '*', Condition: { StringNotEqualsIfExists: { region: us } } }") }, "if-exists-in-deny")).toHaveLength(1));
  it("passes IfExists in an Allow", () => expect(lint({ "policies/a.yaml": st("{ Effect: Allow, Action: a:b, Resource: '*', Condition: { StringEqualsIfExists: { region: us } } }") }, "if-exists-in-deny")).toEqual([]));
  it("asks for a Null guard, not the plain operator, when the operator is negated", () => {
    const f = lint({ "policies/a.yaml": st("{ Effect: Deny, Action: a:b, Resource: '*', Condition: { StringNotEqualsIfExists: { region: us }, StringLikeIfExists: { zone: 'a*' } } }") }, "if-exists-in-deny");
    expect(f.map((x) => x.help)).toEqual([
      "add Null: { key: false } to deny only requests that carry the key (StringNotEquals is also true when the key is missing)",
      "use the plain operator, and a separate Deny with Null: { key: true } if requests missing the key must be denied",
    ]);
  });
  it("passes when the Condition already requires the key", () => {
    expect(lint({ "policies/a.yaml": st("{ Effect: Deny, Action: a:b, Resource: '*', Condition: { StringNotEqualsIfExists: { region: us }, Null: { Region: false } } }") }, "if-exists-in-deny")).toEqual([]);
  });
});

/** One statement with the given effect and a block-style Condition (its entries start on line 13). */
const conditioned = (effect: string, condition: string) => accessPolicy(`  Statement:\n    - Effect: ${effect}\n      Action: a:b\n      Resource: '*'\n      Condition:\n${condition}`);

describe("negated-condition-allows-missing-key", () => {
  const rule = "negated-condition-allows-missing-key";
  it("reports each negated operator of an Allow at its key", () => {
    const text = conditioned("Allow", "        StringNotEquals:\n          aws:PrincipalTag/team: contractors\n        NotIpAddressIfExists: { source.ip: 10.0.0.0/8 }\n        ArnNotLike: { aws:SourceArn: 'arn:aws:iam::*:role/guest-*' }\n");
    const f = lint({ "policies/a.yaml": text }, rule);
    expect(f.map((x) => x.message)).toEqual([
      "Allow with StringNotEquals on aws:PrincipalTag/team also allows requests without aws:PrincipalTag/team",
      "Allow with NotIpAddressIfExists on source.ip also allows requests without source.ip",
      "Allow with ArnNotLike on aws:SourceArn also allows requests without aws:SourceArn",
    ]);
    expect(f[0]!.help).toBe("add Null: {aws:PrincipalTag/team: false} to require the key");
    expect(f.map((x) => x.severity)).toEqual(["warning", "warning", "warning"]);
    expect(at(f)).toEqual(["policies/a.yaml:14:11", "policies/a.yaml:15:33", "policies/a.yaml:16:23"]);
    expect(f[0]!.path).toBe('spec.Statement[0].Condition.StringNotEquals["aws:PrincipalTag/team"]');
  });
  it("passes with a Null guard, whatever the case of the key", () => {
    const text = conditioned("Allow", "        StringNotEqualsIgnoreCase: { aws:PrincipalTag/team: contractors }\n        Null: { AWS:PrincipalTag/Team: false }\n");
    expect(lint({ "policies/a.yaml": text }, rule)).toEqual([]);
  });
  it("passes when a positive operator on the same key already requires it", () => {
    const text = conditioned("Allow", "        StringNotLike: { team: 'contract*' }\n        StringLike: { team: '*' }\n");
    expect(lint({ "policies/a.yaml": text }, rule)).toEqual([]);
  });
  it("still reports when the other entry on the key does not require it (IfExists, ForAllValues, Null true)", () => {
    const text = conditioned("Allow", "        NumericNotEquals: { level: 0 }\n        NumericLessThanIfExists: { level: 9 }\n        Null: { level: true }\n");
    expect(lint({ "policies/a.yaml": text }, rule).map((x) => x.path)).toEqual(["spec.Statement[0].Condition.NumericNotEquals.level"]);
  });
  it("passes set-prefixed negated operators, positive operators and Deny statements", () => {
    expect(lint({ "policies/a.yaml": conditioned("Allow", "        'ForAnyValue:StringNotEquals': { tags: [x] }\n        StringEqualsIfExists: { team: ops }\n") }, rule)).toEqual([]);
    expect(lint({ "policies/a.yaml": conditioned("Deny", "        StringNotEquals: { team: ops }\n") }, rule)).toEqual([]);
  });
});

describe("negated-condition-missing-key-changed", () => {
  const rule = "negated-condition-missing-key-changed";
  it("reports a plain negated operator in a Deny, as info, at its key", () => {
    const text = conditioned("Deny", "        NotIpAddress:\n          source.ip: [10.0.0.0/8, 192.168.0.0/16]\n        DateNotEquals: { time.day: '2024-12-25' }\n");
    const f = lint({ "policies/a.yaml": text }, rule);
    expect(f.map((x) => x.message)).toEqual([
      "since edict 0.2, Deny with NotIpAddress on source.ip also denies requests without source.ip (IAM semantics); add Null: {source.ip: false} to keep the old behaviour",
      "since edict 0.2, Deny with DateNotEquals on time.day also denies requests without time.day (IAM semantics); add Null: {time.day: false} to keep the old behaviour",
    ]);
    expect(f.map((x) => x.severity)).toEqual(["info", "info"]);
    expect(at(f)).toEqual(["policies/a.yaml:14:11", "policies/a.yaml:15:26"]);
  });
  it("passes with a Null guard, and when IfExists or a set prefix kept the old meaning", () => {
    expect(lint({ "policies/a.yaml": conditioned("Deny", "        StringNotEquals: { team: ops }\n        Null: { TEAM: 'false' }\n") }, rule)).toEqual([]);
    expect(lint({ "policies/a.yaml": conditioned("Deny", "        StringNotEqualsIfExists: { team: ops }\n        'ForAllValues:StringNotLike': { tags: ['x*'] }\n        'ForAnyValue:ArnNotEquals': { arns: ['arn:aws:s3:::b'] }\n") }, rule)).toEqual([]);
  });
  it("passes a negated operator in an Allow (another rule's business)", () => {
    expect(lint({ "policies/a.yaml": conditioned("Allow", "        StringNotEquals: { team: ops }\n") }, rule)).toEqual([]);
  });
});

describe("audit-log-off", () => {
  it("reports the file that switched audit logging off", () => {
    const f = lint({ "policies/a.yaml": accessPolicy("  AuditLog: { Required: false }\n") }, "audit-log-off");
    expect(f.map((x) => x.message)).toEqual(["audit logging is off in target production"]);
    expect(f[0]!.file).toBe("policies/a.yaml");
  });
  it("reports a target without audit config at edict.yaml", () => {
    const f = lint({ "policies/a.yaml": accessPolicy("  Description: x\n") }, "audit-log-off");
    expect(f.map((x) => `${x.file}:${x.line}`)).toEqual(["edict.yaml:4", "edict.yaml:5"]);
  });
  it("passes when required", () => expect(lint({ "policies/a.yaml": accessPolicy("  AuditLog: { Required: true }\n") }, "audit-log-off")).toEqual([]));
});

describe("no-resource-limits", () => {
  it("reports each target without limits", () => expect(lint({ "policies/a.yaml": accessPolicy("  Description: x\n") }, "no-resource-limits")).toHaveLength(2));
  it("passes with limits", () => expect(lint({ "policies/a.yaml": accessPolicy("  ResourceLimits: { MaxTokens: 5 }\n") }, "no-resource-limits")).toEqual([]));
});

describe("allow-insecure-in-production", () => {
  it("reports allow_insecure reaching production", () => {
    const f = lint({ "policies/a.yaml": policyOf("PosturePolicy", "  allow_insecure: true\n  insecure_reason: x\n") }, "allow-insecure-in-production");
    expect(at(f)).toEqual(["policies/a.yaml:7:19"]);
  });
  it("passes when limited to staging", () => {
    expect(lint({ "policies/a.yaml": policyOf("PosturePolicy", "  allow_insecure: true\n  insecure_reason: x\n", meta("a", 1, "  targets: [staging]\n")) }, "allow-insecure-in-production")).toEqual([]);
  });
});

describe("observe-mode-in-production", () => {
  it("reports empty deny_on in production", () => expect(lint({ "policies/a.yaml": policyOf("RuntimePolicy", "  tenant: t\n  enforcement: { deny_on: [] }\n") }, "observe-mode-in-production")).toHaveLength(1));
  it("passes with deny_on codes", () => expect(lint({ "policies/a.yaml": policyOf("RuntimePolicy", "  enforcement: { deny_on: [sast_failed] }\n") }, "observe-mode-in-production")).toEqual([]));
});

describe("unpinned-tool-version", () => {
  it("reports unpinned entries when pinning is required", () => {
    const f = lint({ "policies/a.yaml": policyOf("RuntimePolicy", "  tools:\n    allowlist: ['mcp://a/x@1.0', 'mcp://a/*', 'mcp://b/y@*']\n    deny_if_unpinned_version: true\n") }, "unpinned-tool-version");
    expect(f.map((x) => x.path)).toEqual(["spec.tools.allowlist[1]", "spec.tools.allowlist[2]"]);
  });
  it("passes when another all-of list pins every tool", () => {
    const files = {
      "policies/a.yaml": policyOf("RuntimePolicy", "  tools: { allowlist: ['mcp://a/*'] }\n"),
      "policies/b.yaml": policyOf("RuntimePolicy", "  tools: { allowlist: ['mcp://a/x@1.0'], deny_if_unpinned_version: true }\n", meta("b", 2)),
    };
    expect(lint(files, "unpinned-tool-version")).toEqual([]);
  });
});

describe("private-key-in-repository", () => {
  const pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n";
  it("reports a committed key without echoing key material", () => {
    const f = lint({ "keys/signing.key": pem }, "private-key-in-repository");
    expect(at(f)).toEqual(["keys/signing.key:1:1"]);
    expect(JSON.stringify(f)).not.toContain("MC4CAQAw");
  });
  it("ignores public keys", () => expect(lint({ "keys/signing.pub": "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n" }, "private-key-in-repository")).toEqual([]));
});

describe("signing-key-in-repository", () => {
  const pem = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
  it("reports key_ref pointing at a committed key", () => {
    const f = lint({ ".sec0/keys/ed25519.key": pem, "policies/a.yaml": policyOf("RuntimePolicy", "  signing: { enabled: true, key_ref: 'file://./.sec0/keys/ed25519.key' }\n") }, "signing-key-in-repository");
    expect(f.map((x) => x.path)).toEqual(["spec.signing.key_ref"]);
  });
  it("passes a kms reference", () => expect(lint({ "policies/a.yaml": policyOf("RuntimePolicy", "  signing: { key_ref: 'kms://a/b' }\n") }, "signing-key-in-repository")).toEqual([]));
});
