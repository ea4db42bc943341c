import { describe, expect, it } from "vitest";
import { accessPolicy, at, lint, policyOf } from "../../helpers/repo.js";

describe("unknown-key", () => {
  it("suggests the nearest key and points at the key", () => {
    const f = lint({ "policies/a.yaml": accessPolicy("  Statement:\n    - Efect: Allow\n      Action: file:Read\n      Resource: '*'\n") }, "unknown-key");
    expect(at(f)).toEqual(["policies/a.yaml:9:7"]);
    expect(f[0]!.message).toBe('unknown key "Efect"; did you mean "Effect"?');
    expect(f[0]!.path).toBe("spec.Statement[0].Efect");
  });
  it("reports unknown keys in edict.yaml", () => {
    const f = lint({ "edict.yaml": "name: a\ntargts: {}\ntargets: { p: {} }\n" }, "unknown-key");
    expect(f.map((x) => x.message)).toEqual(['unknown key "targts"; did you mean "targets"?']);
  });
  it("passes known keys", () => expect(lint({ "policies/a.yaml": accessPolicy("  Description: d\n") }, "unknown-key")).toEqual([]));
});

describe("invalid-type", () => {
  it("reports a string where an integer is expected", () => {
    const f = lint({ "policies/a.yaml": accessPolicy("  ResourceLimits:\n    MaxTokens: ten\n") }, "invalid-type");
    expect(at(f)).toEqual(["policies/a.yaml:9:16"]);
    expect(f[0]!.message).toBe('expected an integer, got string "ten"');
  });
  it("passes the right type", () => expect(lint({ "policies/a.yaml": accessPolicy("  ResourceLimits:\n    MaxTokens: 10\n") }, "invalid-type")).toEqual([]));
});

describe("missing-required", () => {
  it("reports a missing priority at the metadata key", () => {
    const f = lint({ "policies/a.yaml": accessPolicy("", "  id: p1\n") }, "missing-required");
    expect(at(f)).toEqual(["policies/a.yaml:3:1"]);
    expect(f[0]!.message).toBe('missing required key "priority" in metadata');
  });
  it("reports a file without kind", () => {
    const f = lint({ "policies/a.yaml": "apiVersion: edict/v1\nmetadata: {}\n" }, "missing-required");
    expect(f.map((x) => x.message)).toEqual(['missing required key "kind"']);
  });
  it("passes a complete document", () => expect(lint({ "policies/a.yaml": accessPolicy("") }, "missing-required")).toEqual([]));
});

describe("invalid-value", () => {
  it("suggests a near enum value", () => {
    const f = lint({ "policies/a.yaml": accessPolicy("  Statement:\n    - Effect: allow\n      Action: a:b\n      Resource: '*'\n") }, "invalid-value");
    expect(f[0]!.message).toBe('string "allow" is not one of Allow, Deny; did you mean "Allow"?');
    expect(at(f)).toEqual(["policies/a.yaml:9:15"]);
  });
  it("reports an unknown kind with a suggestion", () => {
    const f = lint({ "policies/a.yaml": "apiVersion: edict/v1\nkind: AcessPolicy\n" }, "invalid-value");
    expect(f[0]!.message).toContain('did you mean "AccessPolicy"?');
  });
  it("reports a priority out of range and a bad id", () => {
    const f = lint({ "policies/a.yaml": accessPolicy("", "  id: Bad Id\n  priority: 10000\n") }, "invalid-value");
    expect(f.map((x) => x.path)).toEqual(["metadata.id", "metadata.priority"]);
  });
  it("reports an unknown environment in provider_map at the key", () => {
    const f = lint({ "policies/a.yaml": policyOf("PosturePolicy", "  provider_map:\n    lokal: env\n") }, "invalid-value");
    expect(at(f)).toEqual(["policies/a.yaml:8:5"]);
    expect(f[0]!.message).toContain('did you mean "local"?');
  });
  it("passes valid values", () => expect(lint({ "policies/a.yaml": policyOf("PosturePolicy", "  provider_map:\n    local: env\n") }, "invalid-value")).toEqual([]));
});

describe("statement-action-resource", () => {
  it("reports both Action and NotAction", () => {
    const f = lint({ "policies/a.yaml": accessPolicy("  Statement:\n    - Effect: Allow\n      Action: a:b\n      NotAction: a:c\n      Resource: '*'\n") }, "statement-action-resource");
    expect(f.map((x) => x.message)).toEqual(["statement sets both Action and NotAction"]);
    expect(at(f)).toEqual(["policies/a.yaml:11:7"]);
  });
  it("reports a missing Resource", () => {
    const f = lint({ "policies/a.yaml": accessPolicy("  Statement:\n    - Effect: Allow\n      Action: a:b\n") }, "statement-action-resource");
    expect(f.map((x) => x.message)).toEqual(["statement has neither Resource nor NotResource"]);
  });
  it("passes NotResource alone", () => expect(lint({ "policies/a.yaml": accessPolicy("  Statement:\n    - Effect: Deny\n      Action: a:b\n      NotResource: 'db://x/*'\n") }, "statement-action-resource")).toEqual([]));
});

describe("data-action-not-exactly-one", () => {
  it("reports two actions", () => {
    const f = lint({ "policies/a.yaml": policyOf("DataPolicy", "  action: { deny: true, mask: true, reason: r }\n") }, "data-action-not-exactly-one");
    expect(f.map((x) => x.message)).toEqual(["action sets deny and mask together"]);
    expect(at(f)).toEqual(["policies/a.yaml:7:3"]);
  });
  it("reports none", () => expect(lint({ "policies/a.yaml": policyOf("DataPolicy", "  action: { allow: false }\n") }, "data-action-not-exactly-one")).toHaveLength(1));
  it("passes exactly one", () => expect(lint({ "policies/a.yaml": policyOf("DataPolicy", "  action: { allow: true }\n") }, "data-action-not-exactly-one")).toEqual([]));
});

describe("data-action-missing-field", () => {
  it("requires reason and approver_role for require_approval", () => {
    const f = lint({ "policies/a.yaml": policyOf("DataPolicy", "  action: { require_approval: true }\n") }, "data-action-missing-field");
    expect(f.map((x) => x.message)).toEqual(['action require_approval needs "reason"', 'action require_approval needs "approver_role"']);
  });
  it("passes a deny with reason", () => expect(lint({ "policies/a.yaml": policyOf("DataPolicy", "  action: { deny: true, reason: no }\n") }, "data-action-missing-field")).toEqual([]));
});

describe("insecure-without-reason", () => {
  it("reports allow_insecure without a reason", () => {
    const f = lint({ "policies/a.yaml": policyOf("PosturePolicy", "  allow_insecure: true\n") }, "insecure-without-reason");
    expect(at(f)).toEqual(["policies/a.yaml:7:3"]);
  });
  it("passes with a reason", () => expect(lint({ "policies/a.yaml": policyOf("PosturePolicy", "  allow_insecure: true\n  insecure_reason: laptops\n") }, "insecure-without-reason")).toEqual([]));
});
