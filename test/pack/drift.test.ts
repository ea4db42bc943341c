import { describe, expect, it } from "vitest";
import { computeDrift, formatOutdated, listPacks, planInstall, verifyInstalled, worldOf } from "../../src/pack/index.js";
import { NOW, packFiles, policy, repoOf, shippedOf } from "./fixtures.js";

type Files = Record<string, string | Uint8Array>;
const dec = new TextDecoder();

function installed(files: Files, name: string): Files {
  const plan = planInstall(repoOf(files), shippedOf(files), name, { now: NOW });
  const out: Files = { ...files, ".edict/packs.yaml": plan.stateText };
  for (const f of plan.add) out[f.path] = dec.decode(f.content);
  return out;
}

function view(files: Files) {
  const world = worldOf(repoOf(files));
  const shipped = shippedOf(files);
  return { drift: computeDrift(world.state, shipped.packs, world.policyFiles), list: listPacks(world.state, shipped.packs, world.policyFiles), verify: verifyInstalled(world, shipped) };
}

const BASE: Files = { ...packFiles("starter"), ...packFiles("hipaa", { layer: "domain", deps: ["starter"], band: [500, 599] }) };
const INSTALLED = installed(BASE, "starter");

describe("drift", () => {
  it("formats VaultKit's drift line", () => expect(formatOutdated("starter", "1.0.0", "1.1.0")).toBe("⚠ starter (installed v1.0.0, available v1.1.0)"));

  it("is empty and ok right after install", () => {
    const v = view(INSTALLED);
    expect(v.drift).toEqual([]);
    expect(v.list).toEqual([
      { name: "hipaa", layer: "domain", shipped: "1.0.0", installed: null, status: "not-installed" },
      { name: "starter", layer: "foundation", shipped: "1.0.0", installed: "1.0.0", status: "ok" },
    ]);
    expect(v.verify).toEqual({ ok: true, packs: [{ name: "starter", version: "1.0.0", ok: true, problems: [], warnings: [] }], unowned: [] });
  });

  it("reports a newer shipped version as outdated", () => {
    const files = { ...INSTALLED, "packs/starter/metadata.yaml": String(INSTALLED["packs/starter/metadata.yaml"]).replace('"1.0.0"', '"1.1.0"') };
    const v = view(files);
    expect(v.drift).toEqual([{ pack: "starter", kind: "outdated", message: "⚠ starter (installed v1.0.0, available v1.1.0)" }]);
    expect(v.list.find((r) => r.name === "starter")!.status).toBe("outdated");
    expect(v.verify.ok).toBe(true);
    expect(v.verify.packs[0]!.warnings).toEqual(["⚠ starter (installed v1.0.0, available v1.1.0)"]);
  });

  it("reports the same version with different content separately", () => {
    const files = { ...INSTALLED, "packs/starter/policies/02_second.yaml": policy("starter_second", 150) };
    const v = view(files);
    expect(v.drift.map((d) => d.kind)).toEqual(["checksum"]);
    expect(v.drift[0]!.message).toMatch(/^⚠ starter \(installed v1\.0\.0 sha256:[0-9a-f]{12}…, shipped v1\.0\.0 has different content sha256:[0-9a-f]{12}…\)$/);
    expect(v.list.find((r) => r.name === "starter")!.status).toBe("outdated");
    expect(v.verify.ok).toBe(false);
  });

  it("reports files edited by hand and deleted files as modified", () => {
    const files: Files = { ...INSTALLED, "policies/starter__01__first.yaml": policy("starter_first", 150) };
    delete files["policies/starter__02__second.yaml"];
    const v = view(files);
    expect(v.drift).toEqual([
      { pack: "starter", kind: "modified", path: "policies/starter__01__first.yaml", message: "⚠ policies/starter__01__first.yaml of starter was edited by hand" },
      { pack: "starter", kind: "missing", path: "policies/starter__02__second.yaml", message: "⚠ policies/starter__02__second.yaml of starter is missing" },
    ]);
    expect(v.list.find((r) => r.name === "starter")!.status).toBe("modified");
    expect(v.verify.ok).toBe(false);
    expect(v.verify.packs[0]!.problems).toEqual([
      expect.stringMatching(/^policies\/starter__01__first\.yaml was edited by hand \(recorded sha256 [0-9a-f]{12}…, found [0-9a-f]{12}…\)$/),
      "policies/starter__02__second.yaml is missing",
    ]);
  });

  it("does not count CRLF line ends as an edit", () => {
    const files = { ...INSTALLED, "policies/starter__01__first.yaml": String(INSTALLED["policies/starter__01__first.yaml"]).replace(/\n/g, "\r\n") };
    expect(view(files).drift).toEqual([]);
  });

  it("lists installed packs that are no longer shipped and flags unowned pack-named files", () => {
    const files = Object.fromEntries(Object.entries(INSTALLED).filter(([k]) => !k.startsWith("packs/starter/")));
    files["policies/ghost__01__x.yaml"] = policy("ghost", 1);
    const v = view(files);
    expect(v.list.find((r) => r.name === "starter")).toEqual({ name: "starter", layer: "foundation", shipped: null, installed: "1.0.0", status: "ok" });
    expect(v.verify.packs[0]!.warnings).toEqual(["pack starter is not shipped in packs/; its checksum cannot be checked"]);
    expect(v.verify.unowned).toEqual(["policies/ghost__01__x.yaml"]);
  });
});
