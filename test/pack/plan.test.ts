import { describe, expect, it } from "vitest";
import { EdictError } from "../../src/errors.js";
import { fileSha256, isNoopPlan, outdatedPacks, planInstall, planRemove, planUpgrade, planUpgradeAll } from "../../src/pack/index.js";
import type { PackPlan } from "../../src/pack/index.js";
import { NOW, packFiles, policy, repoOf, shippedOf } from "./fixtures.js";

type Files = Record<string, string | Uint8Array>;
const dec = new TextDecoder();

/** The files after a plan, applied in memory. */
function after(files: Files, plan: PackPlan): Files {
  const out: Files = { ...files };
  for (const p of plan.remove) delete out[p];
  for (const f of [...plan.add, ...plan.replace]) out[f.path] = dec.decode(f.content);
  out[".edict/packs.yaml"] = plan.stateText;
  return out;
}

function packError(fn: () => unknown): EdictError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EdictError);
    expect((e as EdictError).code).toBe("PACK_ERROR");
    return e as EdictError;
  }
  throw new Error("expected a PACK_ERROR");
}

const STARTER = packFiles("starter");
const DOMAIN = packFiles("domain_pack", { layer: "domain", deps: ["starter@^1.0.0"], band: [300, 399] });
const BASE: Files = { ...STARTER, ...DOMAIN };

function install(files: Files, name: string, force = false): Files {
  return after(files, planInstall(repoOf(files), shippedOf(files), name, { now: NOW, force }));
}

describe("planInstall", () => {
  it("copies each policy byte for byte and records it with checksums", () => {
    const plan = planInstall(repoOf(BASE), shippedOf(BASE), "starter", { now: NOW });
    expect(plan.add.map((f) => f.path)).toEqual(["policies/starter__01__first.yaml", "policies/starter__02__second.yaml"]);
    expect(dec.decode(plan.add[0]!.content)).toBe(STARTER["packs/starter/policies/01_first.yaml"]);
    expect(plan.replace).toEqual([]);
    expect(plan.remove).toEqual([]);
    const entry = plan.state.installed_packs!.starter!;
    expect(entry).toEqual({
      name: "starter",
      version: "1.0.0",
      layer: "foundation",
      installed_at: "2026-02-15T15:00:00Z",
      pack_checksum: shippedOf(BASE).packs.get("starter")!.checksum,
      files: [
        { path: "policies/starter__01__first.yaml", policy_id: "starter_first", sha256: fileSha256(plan.add[0]!.content) },
        { path: "policies/starter__02__second.yaml", policy_id: "starter_second", sha256: fileSha256(plan.add[1]!.content) },
      ],
    });
    expect(plan.previousStateText).toBeUndefined();
    expect(plan.changes).toEqual([{ name: "starter", to: "1.0.0" }]);
  });

  it("refuses a pack whose dependencies are not installed", () => {
    const e = packError(() => planInstall(repoOf(BASE), shippedOf(BASE), "domain_pack", { now: NOW }));
    expect(e.message).toMatch(/^DependencyMissing: Pack requires dependencies not installed: starter\n/);
    expect(e.message).toContain("edict pack install starter");
  });

  it("installs once the dependency is there, and refuses a second install", () => {
    const files = install(install(BASE, "starter"), "domain_pack");
    expect(files["policies/domain_pack__01__first.yaml"]).toBeDefined();
    expect(packError(() => planInstall(repoOf(files), shippedOf(files), "starter", { now: NOW })).message).toContain("already installed (v1.0.0); run `edict pack upgrade starter`");
  });

  it("refuses a dependency range the installed version does not meet", () => {
    const files = install({ ...STARTER, ...packFiles("domain_pack", { layer: "domain", deps: ["starter@^2.0.0"], band: [300, 399] }) }, "starter");
    expect(packError(() => planInstall(repoOf(files), shippedOf(files), "domain_pack", { now: NOW })).message).toMatch(/^DependencyRangeUnmet: domain_pack requires starter@\^2.0.0 but starter v1.0.0 is installed/);
  });

  it("refuses a requested range the shipped version does not satisfy", () => {
    expect(packError(() => planInstall(repoOf(BASE), shippedOf(BASE), "starter@^2.0.0", { now: NOW })).message).toContain("the shipped starter is v1.0.0, which does not satisfy ^2.0.0");
    expect(planInstall(repoOf(BASE), shippedOf(BASE), "starter@^1.0.0", { now: NOW }).add).toHaveLength(2);
  });

  it("refuses a dependency on a higher layer", () => {
    const files = install({ ...packFiles("dom", { layer: "domain", band: [300, 399] }), ...packFiles("base", { deps: ["dom"], band: [100, 199] }) }, "dom");
    expect(packError(() => planInstall(repoOf(files), shippedOf(files), "base", { now: NOW })).message).toContain("LayerInversion: foundation pack base depends on dom, a domain pack");
  });

  it("refuses packs in a dependency cycle", () => {
    const cyclic = { ...packFiles("a", { deps: ["b"] }), ...packFiles("b", { deps: ["a"], band: [200, 299] }) };
    // b was installed before a later version of the packs closed the cycle.
    const files = { ...install(packFiles("b", { band: [200, 299] }), "b"), ...cyclic };
    expect(packError(() => planInstall(repoOf(files), shippedOf(files), "a", { now: NOW })).message).toBe(
      "DependencyCycle: a → b → a; remove one of these dependencies from its metadata.yaml",
    );
  });

  it("refuses a policy priority outside the band (InvalidPack)", () => {
    const files = packFiles("starter", { policies: { "01_a.yaml": policy("a", 250) } });
    const e = packError(() => planInstall(repoOf(files), shippedOf(files), "starter", { now: NOW }));
    expect(e.message).toMatch(/^InvalidPack: Policy priority outside allowed band\n {2}- packs\/starter\/policies\/01_a.yaml: priority 250 outside band 100–199 of pack starter/);
  });

  it("refuses a band overlapping an installed pack's, and a higher layer below a lower one", () => {
    const overlap = install({ ...STARTER, ...packFiles("other", { band: [150, 250], policies: { "01_a.yaml": policy("o", 200) } }) }, "starter");
    expect(packError(() => planInstall(repoOf(overlap), shippedOf(overlap), "other", { now: NOW })).message).toContain(
      "InvalidPack: band 150–250 of pack other overlaps band 100–199 of installed pack starter",
    );
    const inverted = install({ ...packFiles("base", { band: [500, 599] }), ...packFiles("dom", { layer: "domain", band: [300, 399] }) }, "base");
    expect(packError(() => planInstall(repoOf(inverted), shippedOf(inverted), "dom", { now: NOW })).message).toContain(
      "LayerInversion: band 300–399 of domain pack dom must lie above band 500–599 of foundation pack base",
    );
  });

  it("refuses to overwrite a file it does not own unless forced", () => {
    const files = { ...BASE, "policies/starter__01__first.yaml": policy("custom", 5) };
    expect(packError(() => planInstall(repoOf(files), shippedOf(files), "starter", { now: NOW })).message).toContain(
      "policies/starter__01__first.yaml exists and is not pack starter's",
    );
    const plan = planInstall(repoOf(files), shippedOf(files), "starter", { now: NOW, force: true });
    expect(plan.replace.map((f) => f.path)).toEqual(["policies/starter__01__first.yaml"]);
    expect(plan.notes).toContain("overwriting policies/starter__01__first.yaml, which pack starter did not own (--force)");
  });

  it("refuses a policy id another file already uses", () => {
    const files = { ...BASE, "policies/custom.yaml": policy("starter_first", 5) };
    expect(packError(() => planInstall(repoOf(files), shippedOf(files), "starter", { now: NOW })).message).toContain(
      'RuntimePolicy id "starter_first" of starter\'s policies/01_first.yaml is already used by policies/custom.yaml',
    );
  });

  it.each(["../x", "/abs", "a/b", "../../etc/passwd", "starter/../../x"])("refuses the hostile name %j", (name) => {
    packError(() => planInstall(repoOf(BASE), shippedOf(BASE), name, { now: NOW }));
  });

  it("names a near pack when the name is unknown", () => {
    expect(packError(() => planInstall(repoOf(BASE), shippedOf(BASE), "stater", { now: NOW })).message).toBe(
      "no pack named stater in packs/; did you mean starter? (shipped: domain_pack, starter)",
    );
  });

  it("refuses to plan on top of a broken state file", () => {
    const files = { ...BASE, ".edict/packs.yaml": "format_version: v1\ninstalled_packs: [\n" };
    expect(packError(() => planInstall(repoOf(files), shippedOf(files), "starter", { now: NOW })).message).toMatch(/^\.edict\/packs\.yaml cannot be read/);
  });
});

describe("planUpgrade", () => {
  const v1 = install(BASE, "starter");
  const v2Pack = packFiles("starter", {
    version: "1.1.0",
    policies: { "01_first.yaml": policy("starter_first", 100, "\n  tenant: t"), "03_third.yaml": policy("starter_third", 103) },
  });
  /** v1 installed, v2 shipped. */
  const shippedV2: Files = Object.fromEntries(Object.entries(v1).filter(([k]) => !k.startsWith("packs/starter/")));
  Object.assign(shippedV2, v2Pack);

  it("replaces changed files, removes dropped ones, adds new ones, updates the state", () => {
    const plan = planUpgrade(repoOf(shippedV2), shippedOf(shippedV2), "starter", { now: new Date("2026-03-01T00:00:00Z") });
    expect(plan.replace.map((f) => f.path)).toEqual(["policies/starter__01__first.yaml"]);
    expect(plan.remove).toEqual(["policies/starter__02__second.yaml"]);
    expect(plan.add.map((f) => f.path)).toEqual(["policies/starter__03__third.yaml"]);
    expect(plan.state.installed_packs!.starter!.version).toBe("1.1.0");
    expect(plan.state.installed_packs!.starter!.installed_at).toBe("2026-03-01T00:00:00Z");
    expect(plan.changes).toEqual([{ name: "starter", from: "1.0.0", to: "1.1.0" }]);
    expect(outdatedPacks(repoOf(shippedV2), shippedOf(shippedV2))).toEqual(["starter"]);
  });

  it("is a no-op when the pack is up to date", () => {
    const plan = planUpgrade(repoOf(v1), shippedOf(v1), "starter", { now: NOW });
    expect(isNoopPlan(plan)).toBe(true);
    expect(plan.notes).toEqual(["starter is up to date (v1.0.0)"]);
  });

  it("refuses to overwrite a hand-edited file without --force", () => {
    const edited = { ...shippedV2, "policies/starter__01__first.yaml": policy("starter_first", 199) };
    expect(packError(() => planUpgrade(repoOf(edited), shippedOf(edited), "starter", { now: NOW })).message).toContain(
      "policies/starter__01__first.yaml was edited by hand since pack starter installed it",
    );
    const forced = planUpgrade(repoOf(edited), shippedOf(edited), "starter", { now: NOW, force: true });
    expect(forced.notes).toContain("discarding hand edits in policies/starter__01__first.yaml (--force)");
    // A dropped file edited by hand is protected the same way.
    const droppedEdit = { ...shippedV2, "policies/starter__02__second.yaml": policy("starter_second", 150) };
    expect(packError(() => planUpgrade(repoOf(droppedEdit), shippedOf(droppedEdit), "starter", { now: NOW })).message).toContain("policies/starter__02__second.yaml was edited");
  });

  it("restores edited files of an up-to-date pack only with --force", () => {
    const edited = { ...v1, "policies/starter__01__first.yaml": policy("starter_first", 199) };
    const plain = planUpgrade(repoOf(edited), shippedOf(edited), "starter", { now: NOW });
    expect(isNoopPlan(plain)).toBe(true);
    expect(plain.notes[0]).toContain("`edict pack upgrade starter --force` restores them");
    const forced = planUpgrade(repoOf(edited), shippedOf(edited), "starter", { now: NOW, force: true });
    expect(forced.replace.map((f) => f.path)).toEqual(["policies/starter__01__first.yaml"]);
  });

  it("refuses a version an installed dependent does not accept", () => {
    const files = install(install(BASE, "starter"), "domain_pack");
    for (const k of Object.keys(STARTER)) delete files[k];
    Object.assign(files, packFiles("starter", { version: "2.0.0" }));
    expect(packError(() => planUpgrade(repoOf(files), shippedOf(files), "starter", { now: NOW })).message).toContain(
      "DependencyRangeUnmet: installed pack domain_pack requires starter@^1.0.0; v2.0.0 does not satisfy it",
    );
  });

  it("upgrades every outdated pack, dependencies first, in one plan", () => {
    const files = install(install(BASE, "starter"), "domain_pack");
    Object.assign(files, packFiles("starter", { version: "1.0.1" }), packFiles("domain_pack", { version: "1.1.0", layer: "domain", deps: ["starter@^1.0.0"], band: [300, 399] }));
    files["packs/starter/policies/02_second.yaml"] = policy("starter_second", 120);
    files["packs/domain_pack/policies/02_second.yaml"] = policy("domain_pack_second", 320);
    expect(outdatedPacks(repoOf(files), shippedOf(files))).toEqual(["starter", "domain_pack"]);
    const plan = planUpgradeAll(repoOf(files), shippedOf(files), { now: NOW });
    expect(plan.changes).toEqual([
      { name: "starter", from: "1.0.0", to: "1.0.1" },
      { name: "domain_pack", from: "1.0.0", to: "1.1.0" },
    ]);
    expect(plan.replace.map((f) => f.path)).toEqual(["policies/domain_pack__02__second.yaml", "policies/starter__02__second.yaml"]);
  });

  it("treats the same version with different content as outdated", () => {
    const files = { ...v1, "packs/starter/policies/02_second.yaml": policy("starter_second", 150) };
    const plan = planUpgrade(repoOf(files), shippedOf(files), "starter", { now: NOW });
    expect(plan.changes).toEqual([{ name: "starter", from: "1.0.0", to: "1.0.0" }]);
    expect(plan.replace.map((f) => f.path)).toEqual(["policies/starter__02__second.yaml"]);
  });

  it("refuses a pack that is not installed", () => {
    expect(packError(() => planUpgrade(repoOf(BASE), shippedOf(BASE), "starter", { now: NOW })).message).toContain("pack starter is not installed");
  });
});

describe("planRemove", () => {
  const both = install(install(BASE, "starter"), "domain_pack");

  it("deletes only the tracked files and the state entry", () => {
    const files = { ...both, "policies/custom.yaml": policy("custom", 5) };
    const plan = planRemove(repoOf(files), shippedOf(files), "domain_pack");
    expect(plan.remove).toEqual(["policies/domain_pack__01__first.yaml", "policies/domain_pack__02__second.yaml"]);
    expect(plan.add).toEqual([]);
    expect(Object.keys(plan.state.installed_packs!)).toEqual(["starter"]);
  });

  it("refuses while an installed pack depends on it", () => {
    expect(packError(() => planRemove(repoOf(both), shippedOf(both), "starter")).message).toBe(
      "pack starter is needed by installed pack domain_pack; remove it first (edict pack remove domain_pack)",
    );
  });

  it("refuses to delete a file the state attributes to the pack under a foreign name", () => {
    const files = install(BASE, "starter");
    files[".edict/packs.yaml"] = String(files[".edict/packs.yaml"]).replace("policies/starter__02__second.yaml", "edict.yaml");
    expect(packError(() => planRemove(repoOf(files), shippedOf(files), "starter")).message).toContain("lists edict.yaml for pack starter");
  });

  it("refuses to remove hand-edited files unless forced", () => {
    const files = { ...install(BASE, "starter"), "policies/starter__01__first.yaml": policy("starter_first", 150) };
    expect(packError(() => planRemove(repoOf(files), shippedOf(files), "starter")).message).toContain("refusing to remove policies/starter__01__first.yaml");
    expect(planRemove(repoOf(files), shippedOf(files), "starter", { force: true }).remove).toHaveLength(2);
  });

  it("skips tracked files that are already gone", () => {
    const files = install(BASE, "starter");
    delete files["policies/starter__01__first.yaml"];
    const plan = planRemove(repoOf(files), shippedOf(files), "starter");
    expect(plan.remove).toEqual(["policies/starter__02__second.yaml"]);
    expect(plan.notes).toEqual(["policies/starter__01__first.yaml was already gone"]);
  });
});
