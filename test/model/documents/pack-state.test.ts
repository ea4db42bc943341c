import { describe, expect, it } from "vitest";
import { validatePackState } from "../../../src/model/documents/index.js";
import { exampleFiles, where } from "./helpers.js";

const SHA = "a".repeat(64);
const starter = { name: "starter", version: "1.0.0", layer: "foundation", pack_checksum: `sha256:${SHA}`, files: [{ path: "policies/starter__01__a.yaml", policy_id: "a", sha256: SHA }] };

describe("validatePackState", () => {
  it("gives the example .edict/packs.yaml back whole, with no issues", () => {
    const [state] = exampleFiles((p) => p === ".edict/packs.yaml");
    const { value, issues } = validatePackState(state!.value);
    expect(issues).toEqual([]);
    expect(value).toStrictEqual(state!.value);
  });

  it("leaves out an installed pack that is not a mapping", () => {
    const { value, issues } = validatePackState({ format_version: "v1", installed_packs: { starter, broken: "1.0.0" } });
    expect(value).toStrictEqual({ format_version: "v1", installed_packs: { starter } });
    expect(where(issues)).toEqual(["invalid-type /installed_packs/broken"]);
  });

  it("leaves out an installed pack without a string version or a known layer", () => {
    const { value, issues } = validatePackState({
      format_version: "v1",
      installed_packs: { starter, numbered: { ...starter, name: "numbered", version: 1 }, core: { ...starter, name: "core", layer: "core" } },
    });
    expect(Object.keys(value!.installed_packs!)).toEqual(["starter"]);
    expect(where(issues)).toEqual(["invalid-type /installed_packs/numbered/version", "invalid-value /installed_packs/core/layer"]);
  });

  it("keeps a pack whose optional fields are wrong, without them", () => {
    const { value, issues } = validatePackState({ format_version: "v1", installed_packs: { starter: { ...starter, pack_checksum: 7, files: [{ policy_id: "x" }, ...starter.files] } } });
    expect(value!.installed_packs!.starter).toStrictEqual({ name: "starter", version: "1.0.0", layer: "foundation", files: starter.files });
    expect(where(issues)).toEqual(["invalid-type /installed_packs/starter/pack_checksum", "missing-required /installed_packs/starter/files/0"]);
  });

  it("reads a state of another format version, without it", () => {
    const { value, issues } = validatePackState({ format_version: "v2", installed_packs: {} });
    expect(value).toStrictEqual({ installed_packs: {} });
    expect(where(issues)).toEqual(["invalid-value /format_version"]);
  });

  it("has no state when the file is not a mapping", () => {
    expect(validatePackState("v1").value).toBeUndefined();
  });
});
