import { describe, expect, it } from "vitest";
import { validatePackMeta } from "../../../src/model/documents/index.js";
import { exampleFiles, where } from "./helpers.js";

const meta = { name: "starter", version: "1.0.0", layer: "foundation" };

describe("validatePackMeta", () => {
  it("gives every example pack's __pack_meta back whole, with no issues", () => {
    const metas = exampleFiles((p) => p.startsWith("packs/") && p.endsWith("/metadata.yaml"));
    expect(metas.length).toBeGreaterThan(0);
    for (const { path, value } of metas) {
      const validated = validatePackMeta(value);
      expect(validated.issues, path).toEqual([]);
      expect(validated.value, path).toStrictEqual((value as { __pack_meta: unknown }).__pack_meta);
    }
  });

  it("has no meta when the version is a number", () => {
    const { value, issues } = validatePackMeta({ __pack_meta: { ...meta, version: 1.1 } });
    expect(value).toBeUndefined();
    expect(where(issues)).toEqual(["invalid-type /__pack_meta/version"]);
  });

  it("has no meta without a known layer", () => {
    const { value, issues } = validatePackMeta({ __pack_meta: { name: "starter", version: "1.0.0", layer: "core" } });
    expect(value).toBeUndefined();
    expect(where(issues)).toEqual(["invalid-value /__pack_meta/layer"]);
  });

  it("leaves out optional fields of the wrong type, and a band without both ends", () => {
    const { value, issues } = validatePackMeta({ __pack_meta: { ...meta, description: 5, dependencies: [7, "base@^1.0.0"], priority_band: { min: 100 } } });
    expect(value).toStrictEqual({ ...meta, dependencies: ["base@^1.0.0"] });
    expect(where(issues)).toEqual(["invalid-type /__pack_meta/description", "invalid-type /__pack_meta/dependencies/0", "missing-required /__pack_meta/priority_band"]);
  });

  it("keeps a band of numbers that are not whole: that is a value check, not a type", () => {
    const { value, issues } = validatePackMeta({ __pack_meta: { ...meta, priority_band: { min: 100.5, max: 199 } } });
    expect(value?.priority_band).toStrictEqual({ min: 100.5, max: 199 });
    expect(where(issues)).toEqual(["invalid-type /__pack_meta/priority_band/min"]);
  });

  it("has no meta when __pack_meta is missing", () => {
    const { value, issues } = validatePackMeta({ name: "starter" });
    expect(value).toBeUndefined();
    expect(where(issues)).toEqual(["missing-required ", "unknown-key /name"]);
  });
});
