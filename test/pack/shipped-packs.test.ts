import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runLint } from "../../src/lint/engine.js";
import { RULES } from "../../src/lint/registry.js";
import type { Rule } from "../../src/lint/rule.js";
import dependencyCycle from "../../src/lint/rules/dependency-cycle.js";
import dependencyMissing from "../../src/lint/rules/dependency-missing.js";
import dependencyRangeUnmet from "../../src/lint/rules/dependency-range-unmet.js";
import fileNotNamedAfterPack from "../../src/lint/rules/file-not-named-after-pack.js";
import installedFileMissing from "../../src/lint/rules/installed-file-missing.js";
import installedFileModified from "../../src/lint/rules/installed-file-modified.js";
import invalidPack from "../../src/lint/rules/invalid-pack.js";
import layerInversion from "../../src/lint/rules/layer-inversion.js";
import overlappingBands from "../../src/lint/rules/overlapping-bands.js";
import packChangedWithoutVersionBump from "../../src/lint/rules/pack-changed-without-version-bump.js";
import packDrift from "../../src/lint/rules/pack-drift.js";
import priorityOutsideBand from "../../src/lint/rules/priority-outside-band.js";
import { applyPlan, dependencyOrder, planInstall, planRemove, readShippedPacks, verifyInstalled, worldOf } from "../../src/pack/index.js";
import { buildTarget } from "../../src/model/merge/index.js";
import { readRepository } from "../../src/io/read-repository.js";
import { NOW, snapshot } from "./fixtures.js";

const repoRoot = join(import.meta.dirname, "..", "..");
const PACK_RULES: Rule[] = [
  priorityOutsideBand,
  overlappingBands,
  layerInversion,
  dependencyMissing,
  dependencyCycle,
  dependencyRangeUnmet,
  installedFileModified,
  installedFileMissing,
  packDrift,
  fileNotNamedAfterPack,
  packChangedWithoutVersionBump,
  invalidPack,
];
// The registry may already hold the pack rules once they are wired; never run a rule twice.
const ALL_RULES = [...RULES, ...PACK_RULES.filter((r) => !RULES.some((x) => x.meta.id === r.meta.id))];

function fresh(): string {
  const dir = mkdtempSync(join(tmpdir(), "edict-shipped-"));
  cpSync(join(repoRoot, "edict.yaml"), join(dir, "edict.yaml"));
  cpSync(join(repoRoot, "packs"), join(dir, "packs"), { recursive: true });
  return dir;
}

async function install(root: string, name: string): Promise<void> {
  await applyPlan(root, planInstall(await readRepository(root), await readShippedPacks(root), name, { now: NOW }));
}

const messages = (root: Awaited<ReturnType<typeof readRepository>>) =>
  runLint(root, { rules: ALL_RULES }).findings.map((f) => `${f.severity} ${f.file}:${f.line}:${f.column} ${f.rule}: ${f.message}`);

describe("the packs edict ships", () => {
  it("are the five documented packs, valid, with bands rising by layer", async () => {
    const shipped = await readShippedPacks(repoRoot);
    expect(shipped.problems).toEqual([]);
    expect([...shipped.packs.values()].map((p) => [p.name, p.layer, p.band, p.dependencies.map((d) => d.raw)])).toEqual([
      ["ai_safety", "domain", { min: 300, max: 399 }, ["starter"]],
      ["financial_compliance", "domain", { min: 400, max: 499 }, ["starter@^1.0.0"]],
      ["hipaa", "domain", { min: 500, max: 599 }, ["starter"]],
      ["posture", "foundation", { min: 200, max: 299 }, []],
      ["starter", "foundation", { min: 100, max: 199 }, []],
    ]);
    const ids = [...shipped.packs.values()].flatMap((p) => p.policies.map((x) => `${x.kind}:${x.id}`));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("lint clean on their own (edict.yaml + packs/)", async () => {
    const repo = await readRepository(fresh());
    expect(messages(repo)).toEqual([]);
  });

  it("install cleanly, one by one, into an empty repository", async () => {
    const shipped = await readShippedPacks(repoRoot);
    for (const name of shipped.packs.keys()) {
      const root = fresh();
      const closure = new Set<string>();
      const add = (n: string): void => {
        if (closure.has(n)) return;
        closure.add(n);
        for (const d of shipped.packs.get(n)!.dependencies) add(d.name);
      };
      add(name);
      for (const n of dependencyOrder(shipped.packs, closure)) await install(root, n);
      expect(messages(await readRepository(root)), name).toEqual([]);
    }
  });

  it("install all together, lint clean, verify, and remove without leftovers", async () => {
    const root = fresh();
    const before = snapshot(root);
    const shipped = await readShippedPacks(root);
    const order = dependencyOrder(shipped.packs, shipped.packs.keys());
    for (const name of order) await install(root, name);
    const repo = await readRepository(root);
    expect(messages(repo)).toEqual([]);
    expect(verifyInstalled(worldOf(repo), shipped).ok).toBe(true);
    expect(Object.keys(repo.packState!.value.installed_packs!).sort()).toEqual(["ai_safety", "financial_compliance", "hipaa", "posture", "starter"]);
    // every installed file is the shipped file, byte for byte
    for (const pack of shipped.packs.values()) {
      for (const p of pack.policies) expect(readFileSync(join(root, p.installPath))).toEqual(Buffer.from(p.bytes));
    }
    for (const name of [...order].reverse()) await applyPlan(root, planRemove(await readRepository(root), shipped, name));
    const after = snapshot(root);
    expect(Object.keys(after).filter((k) => !(k in before))).toEqual([".edict/", ".edict/packs.yaml", "policies/"]);
    expect(readFileSync(join(root, ".edict/packs.yaml"), "utf8")).toContain("installed_packs: {}");
  });

  it("merge into the example targets with the installed packs in their layers", async () => {
    const root = fresh();
    const shipped = await readShippedPacks(root);
    for (const name of dependencyOrder(shipped.packs, shipped.packs.keys())) await install(root, name);
    const repo = await readRepository(root);
    const prod = buildTarget(repo, "production");
    expect(JSON.stringify(prod.effective)).toContain("DenyDestructiveProductionActions");
    expect(JSON.stringify(buildTarget(repo, "development").effective)).not.toContain("DenyDestructiveProductionActions");
  });
});
