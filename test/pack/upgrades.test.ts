/** Planning from fetched packs and the Action's upgrade proposal, over in-memory sources (no network). */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRepository } from "../../src/io/read-repository.js";
import { applyPlan, parseState } from "../../src/pack/index.js";
import { planInstallPacks } from "../../src/pack/plan-fetched.js";
import { contextOf } from "../../src/pack/sourced.js";
import { outdatedOf, proposePackUpgrades } from "../../src/pack/upgrades.js";
import { planSourcedInstall } from "../../src/pack/install.js";
import { fakeSource, shippedPackFiles } from "./fake-source.js";
import { CONFIG, NOW, repoOf, tempRepo } from "./fixtures.js";

function hipaaAt(version: string): Record<string, string> {
  return shippedPackFiles("hipaa", (path, text) =>
    path === "metadata.yaml" ? text.replace('version: "1.0.0"', `version: "${version}"`) : version === "1.0.0" ? text : text.replace("Resource: db://healthcare/*", "Resource: db://healthcare/records/*"),
  );
}

describe("planInstallPacks", () => {
  it("plans fetched packs in order, recording source, resolved and range, with modelines for the repository's schemas", () => {
    const acme = fakeSource("acme");
    const starter = acme.add("starter", shippedPackFiles("starter"));
    const hipaa = acme.add("hipaa", hipaaAt("1.0.0"));
    const plan = planInstallPacks(
      repoOf({}),
      [
        { pack: starter, origin: { source: "builtin", resolved: starter.checksum } },
        { pack: hipaa, origin: { source: "acme", resolved: "https://x/hipaa-1.0.0.pack.json#sha256:00" }, range: "^1.0.0" },
      ],
      contextOf([]),
      { now: NOW, schemaFiles: new Set([".edict/schemas/AccessPolicy.json"]) },
    );
    expect(plan.changes).toEqual([{ name: "starter", to: "1.0.0" }, { name: "hipaa", to: "1.0.0" }]);
    const entry = plan.state.installed_packs!.hipaa!;
    expect(entry).toMatchObject({ source: "acme", resolved: "https://x/hipaa-1.0.0.pack.json#sha256:00", range: "^1.0.0", pack_checksum: hipaa.checksum });
    expect(plan.state.installed_packs!.starter).not.toHaveProperty("range");
    const file = plan.add.find((f) => f.path === "policies/hipaa__01__phi_encrypted_access.yaml")!;
    expect(new TextDecoder().decode(file.content).split("\n")[0]).toBe("# yaml-language-server: $schema=../.edict/schemas/AccessPolicy.json");
    // the state round-trips its new fields
    const parsed = parseState(plan.stateText);
    expect(parsed.ok && parsed.state.installed_packs!.hipaa).toEqual(entry);
  });
});

describe("proposePackUpgrades", () => {
  async function repoWithHipaa() {
    const root = tempRepo({ "edict.yaml": CONFIG });
    mkdirSync(join(root, ".edict/schemas"), { recursive: true });
    writeFileSync(join(root, ".edict/schemas/AccessPolicy.json"), "{}\n");
    const acme = fakeSource("acme");
    acme.add("starter", shippedPackFiles("starter"));
    acme.add("hipaa", hipaaAt("1.0.0"));
    const sources = [acme];
    const plan = await planSourcedInstall("hipaa", { root, repo: await readRepository(root), sources, now: NOW });
    await applyPlan(root, plan);
    return { root, acme, sources };
  }

  it("is undefined when nothing is newer", async () => {
    const { root, sources } = await repoWithHipaa();
    expect(await proposePackUpgrades({ root, repo: await readRepository(root), sources, now: NOW })).toBeUndefined();
  });

  it("plans every pack's upgrade within range, with the effective diff as markdown and text", async () => {
    const { root, acme, sources } = await repoWithHipaa();
    acme.add("hipaa", hipaaAt("1.1.0"));
    acme.add("hipaa", hipaaAt("2.0.0"));
    const repo = await readRepository(root);
    expect(outdatedOf(repo.packState!.value, [{ source: "acme", offers: await acme.offers() }]).find((r) => r.name === "hipaa")).toEqual({
      name: "hipaa",
      installed: "1.0.0",
      wanted: "1.1.0",
      latest: "2.0.0",
      source: "acme",
    });
    const proposal = await proposePackUpgrades({ root, repo, sources, now: NOW });
    expect(proposal).toBeDefined();
    expect(proposal!.changes).toEqual([{ name: "hipaa", from: "1.0.0", to: "1.1.0" }]);
    expect(proposal!.plan.replace.map((f) => f.path)).toEqual(["policies/hipaa__01__phi_encrypted_access.yaml"]);
    expect(proposal!.markdown).toContain("db://healthcare/records/*");
    expect(proposal!.text).toMatch(/^edict diff installed\.\.upgraded: /);
    const latest = await proposePackUpgrades({ root, repo, sources, now: NOW, latest: true });
    expect(latest!.changes).toEqual([{ name: "hipaa", from: "1.0.0", to: "2.0.0" }]);
    // nothing is written by proposing
    expect(readFileSync(join(root, ".edict/packs.yaml"), "utf8")).toContain("version: 1.0.0");
  });
});
