import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { installedPath, isInstalledPathOf, isPackName, isWritablePackPath, packNameProblem, parseInstalledPath, parsePolicyFileName } from "../../src/pack/index.js";

describe("pack names", () => {
  it.each(["starter", "ai_safety", "financial-compliance", "0pack"])("accepts %s", (n) => expect(isPackName(n)).toBe(true));
  it.each(["../x", "/abs", "a/b", "", "Starter", "_x", "-x", "a b", "a\\b", "a__b", "x".repeat(65), "..", "."])("refuses %j", (n) => {
    expect(isPackName(n)).toBe(false);
    expect(packNameProblem(n)).toBeTypeOf("string");
  });
});

describe("policy file names", () => {
  it("reads NN_<slug>.yaml", () => expect(parsePolicyFileName("01_mask_pii.yaml")).toEqual({ index: "01", slug: "mask_pii" }));
  it.each(["1_x.yaml", "001_x.yaml", "01-x.yaml", "01_X.yaml", "01_x.yml", "01_../x.yaml", "01_x/y.yaml", "01_.yaml"])("refuses %s", (f) =>
    expect(parsePolicyFileName(f)).toBeUndefined(),
  );
});

describe("installed paths", () => {
  it("builds policies/<pack>__<NN>__<slug>.yaml", () => expect(installedPath("starter", "01", "mask_pii")).toBe("policies/starter__01__mask_pii.yaml"));
  it("throws a TypeError for hostile parts", () => {
    expect(() => installedPath("../x", "01", "a")).toThrow(TypeError);
    expect(() => installedPath("a", "01", "../b")).toThrow(TypeError);
    expect(() => installedPath("a", "1/", "b")).toThrow(TypeError);
  });
  it("parses its own output back", () => {
    expect(parseInstalledPath("policies/ai_safety__02__agent_guard.yaml")).toEqual({ pack: "ai_safety", index: "02", slug: "agent_guard" });
    expect(isInstalledPathOf("ai_safety", "policies/ai_safety__02__agent_guard.yaml")).toBe(true);
    expect(isInstalledPathOf("ai", "policies/ai_safety__02__agent_guard.yaml")).toBe(false);
  });
  it("only allows pack files and the state file to be written", () => {
    expect(isWritablePackPath(".edict/packs.yaml")).toBe(true);
    expect(isWritablePackPath("policies/a__01__b.yaml")).toBe(true);
    for (const p of ["policies/../x__01__y.yaml", "/etc/passwd", "policies/sub/a__01__b.yaml", "edict.yaml", "policies/custom.yaml", "policies/a__01__b.yaml/../../x"]) {
      expect(isWritablePackPath(p)).toBe(false);
    }
  });
  it("round-trips every valid name (property)", () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);
    const slug = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/);
    fc.assert(
      fc.property(name, fc.integer({ min: 0, max: 99 }), slug, (n, i, s) => {
        const index = String(i).padStart(2, "0");
        const path = installedPath(n, index, s);
        expect(parseInstalledPath(path)).toEqual({ pack: n, index, slug: s });
        expect(isWritablePackPath(path)).toBe(true);
      }),
    );
  });
});
