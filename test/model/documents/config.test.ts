import { describe, expect, it } from "vitest";
import { validateConfig } from "../../../src/model/documents/index.js";
import { exampleFiles, where } from "./helpers.js";

describe("validateConfig", () => {
  it("gives the example edict.yaml back whole, with no issues", () => {
    const [config] = exampleFiles((p) => p === "edict.yaml");
    const { value, issues } = validateConfig(config!.value);
    expect(issues).toEqual([]);
    expect(value).toStrictEqual(config!.value);
  });

  it("leaves out a version that is not a string and names its position", () => {
    const { value, issues } = validateConfig({ name: "acme", version: 1.5, targets: { production: {} } });
    expect(value).toStrictEqual({ name: "acme", targets: { production: {} } });
    expect(where(issues)).toEqual(["invalid-type /version"]);
    expect(issues[0]!.message).toBe("expected a string, got number 1.5");
  });

  it("leaves out targets written as a list", () => {
    const { value, issues } = validateConfig({ name: "acme", targets: ["production", "staging"] });
    expect(value).toStrictEqual({ name: "acme" });
    expect(where(issues)).toEqual(["invalid-type /targets"]);
  });

  it("keeps a target whose options are not a mapping, with no options", () => {
    const { value, issues } = validateConfig({ name: "acme", targets: { production: null, staging: { default_action: "maybe", description: 3 } } });
    expect(value?.targets).toStrictEqual({ production: {}, staging: {} });
    expect(where(issues)).toEqual(["invalid-type /targets/production", "invalid-value /targets/staging/default_action", "invalid-type /targets/staging/description"]);
  });

  it("keeps only the rule settings and ignore globs of the right type", () => {
    const { value, issues } = validateConfig({ name: "acme", targets: { production: {} }, lint: { rules: { "audit-log-off": "info", "no-resource-limits": "warn" }, ignore: [3, "policies/x.yaml"] } });
    expect(value?.lint).toStrictEqual({ rules: { "audit-log-off": "info" }, ignore: ["policies/x.yaml"] });
    expect(where(issues)).toEqual(["invalid-value /lint/rules/no-resource-limits", "invalid-type /lint/ignore/0"]);
  });

  it("reads a config without name or targets, and reports them missing", () => {
    const { value, issues } = validateConfig({ version: "0.1.0", bundle: { expires: 30, tag_prefix: "v" } });
    expect(value).toStrictEqual({ version: "0.1.0", bundle: { tag_prefix: "v" } });
    expect(where(issues)).toEqual(["missing-required ", "missing-required ", "invalid-type /bundle/expires"]);
  });

  it("has no config when the file is not a mapping", () => {
    const { value, issues } = validateConfig(["name", "acme"]);
    expect(value).toBeUndefined();
    expect(where(issues)).toEqual(["invalid-type "]);
  });

  it("never lets a target name reach the prototype", () => {
    const parsed = JSON.parse('{"name":"acme","targets":{"__proto__":{"default_action":"allow"}}}') as unknown;
    const { value } = validateConfig(parsed);
    expect(Object.getPrototypeOf(value!.targets)).toBe(Object.prototype);
    expect(Object.keys(value!.targets!)).toEqual(["__proto__"]);
  });
});
