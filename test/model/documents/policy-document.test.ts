import { describe, expect, it } from "vitest";
import { policyKindOf, validatePolicyDocument } from "../../../src/model/documents/index.js";
import { exampleFiles, where } from "./helpers.js";

const spec = { Version: "2024-12-02", Statement: [{ Effect: "Deny", Action: "*", Resource: "*" }] };
const doc = (metadata: unknown, rest: Record<string, unknown> = {}) => ({ apiVersion: "edict/v1", kind: "AccessPolicy", metadata, spec, ...rest });

describe("validatePolicyDocument", () => {
  it("gives every example policy back whole, with no issues", () => {
    const policies = exampleFiles((p) => p.startsWith("policies/") || /^packs\/[^/]+\/policies\//.test(p));
    expect(policies.length).toBeGreaterThan(10);
    for (const { path, value } of policies) {
      const validated = validatePolicyDocument(value);
      expect(validated.issues, path).toEqual([]);
      expect(validated.value, path).toStrictEqual(value);
    }
  });

  it("passes the spec through as written, invalid or not", () => {
    const written = { Statement: "not a list", Efect: "Deny" };
    const { value, issues } = validatePolicyDocument(doc({ id: "p", priority: 1 }, { spec: written }));
    expect(value?.spec).toBe(written);
    expect(where(issues)).toEqual(expect.arrayContaining(["unknown-key /spec/Efect", "invalid-type /spec/Statement"]));
  });

  it("leaves out targets written as a string", () => {
    const { value, issues } = validatePolicyDocument(doc({ id: "p", priority: 1, targets: "production" }));
    expect(value?.metadata).toStrictEqual({ id: "p", priority: 1 });
    expect(where(issues)).toEqual(["invalid-type /metadata/targets"]);
  });

  it("keeps the string targets of a list that also holds another type", () => {
    const { value, issues } = validatePolicyDocument(doc({ id: "p", priority: 1, targets: ["production", 5], locked: [true, "Statement"] }));
    expect(value?.metadata).toStrictEqual({ id: "p", priority: 1, targets: ["production"], locked: ["Statement"] });
    expect(where(issues)).toEqual(["invalid-type /metadata/targets/1", "invalid-type /metadata/locked/0"]);
  });

  it("keeps the metadata without a string id or a numeric priority", () => {
    const { value, issues } = validatePolicyDocument(doc({ id: 7, priority: "high", targets: ["staging"] }));
    expect(value?.metadata).toStrictEqual({ targets: ["staging"] });
    expect(where(issues)).toEqual(["invalid-type /metadata/id", "invalid-type /metadata/priority"]);
  });

  it("keeps a document of another apiVersion, without it", () => {
    const { value, issues } = validatePolicyDocument(doc({ id: "p", priority: 1 }, { apiVersion: "edict/v2" }));
    expect(value).toStrictEqual({ kind: "AccessPolicy", metadata: { id: "p", priority: 1 }, spec });
    expect(where(issues)).toEqual(["invalid-value /apiVersion"]);
  });

  it("has no document of an unknown kind, and checks only the envelope", () => {
    const { value, issues } = validatePolicyDocument({ apiVersion: "edict/v1", kind: "AccessPolicyy", metadata: 5 });
    expect(value).toBeUndefined();
    expect(where(issues)).toEqual(["invalid-value /kind"]);
    expect(issues[0]!.message).toContain('did you mean "AccessPolicy"?');
  });

  it("knows the kind only of a mapping", () => {
    expect(policyKindOf({ kind: "DataPolicy" })).toBe("DataPolicy");
    expect(policyKindOf({ kind: "dataPolicy" })).toBeUndefined();
    expect(policyKindOf(["DataPolicy"])).toBeUndefined();
  });
});
