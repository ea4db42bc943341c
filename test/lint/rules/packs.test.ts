import { describe, expect, it } from "vitest";
import { runLint } from "../../../src/lint/engine.js";
import type { Rule } from "../../../src/lint/rule.js";
import type { Finding } from "../../../src/lint/finding.js";
import dependencyCycle from "../../../src/lint/rules/dependency-cycle.js";
import dependencyMissing from "../../../src/lint/rules/dependency-missing.js";
import dependencyRangeUnmet from "../../../src/lint/rules/dependency-range-unmet.js";
import fileNotNamedAfterPack from "../../../src/lint/rules/file-not-named-after-pack.js";
import installedFileMissing from "../../../src/lint/rules/installed-file-missing.js";
import installedFileModified from "../../../src/lint/rules/installed-file-modified.js";
import invalidPack from "../../../src/lint/rules/invalid-pack.js";
import layerInversion from "../../../src/lint/rules/layer-inversion.js";
import overlappingBands from "../../../src/lint/rules/overlapping-bands.js";
import packChangedWithoutVersionBump from "../../../src/lint/rules/pack-changed-without-version-bump.js";
import packDrift from "../../../src/lint/rules/pack-drift.js";
import priorityOutsideBand from "../../../src/lint/rules/priority-outside-band.js";
import { basePacksOf, basePacksOfRepository, planInstall } from "../../../src/pack/index.js";
import type { PackLintOptions } from "../../../src/pack/index.js";
import { NOW, packFiles, policy, repoOf, shippedOf } from "../../pack/fixtures.js";

type Files = Record<string, string>;
const dec = new TextDecoder();

const PACK_RULES: readonly Rule[] = [
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

function lint(rule: Rule, files: Files, options: PackLintOptions = {}): Finding[] {
  return runLint(repoOf(files), { rules: [rule], ...options }).findings;
}

const at = (f: readonly Finding[]) => f.map((x) => `${x.file}:${x.line}:${x.column}`);

function installed(files: Files, ...names: string[]): Files {
  let out = { ...files };
  for (const name of names) {
    const plan = planInstall(repoOf(out), shippedOf(out), name, { now: NOW });
    out = { ...out, ".edict/packs.yaml": plan.stateText };
    for (const f of plan.add) out[f.path] = dec.decode(f.content);
  }
  return out;
}

const STARTER = packFiles("starter");
const DOMAIN = packFiles("domain_pack", { layer: "domain", deps: ["starter@^1.0.0"], band: [300, 399] });
const GOOD = installed({ ...STARTER, ...DOMAIN }, "starter", "domain_pack");

describe("every pack rule", () => {
  it.each(PACK_RULES.map((r) => [r.meta.id, r] as const))("%s passes a consistent repository", (_id, rule) => {
    expect(lint(rule, GOOD, { base: "main", basePacks: basePacksOf(Object.entries(GOOD).filter(([p]) => p.startsWith("packs/")).map(([p, t]) => ({ path: p.slice(6), bytes: new TextEncoder().encode(t) }))) })).toEqual([]);
  });
  it.each(PACK_RULES.map((r) => [r.meta.id, r] as const))("%s has structure metadata", (id, rule) => {
    expect(rule.meta.category).toBe("structure");
    expect(rule.meta.id).toBe(id);
    expect(rule.meta.description.length).toBeGreaterThan(120);
  });
});

describe("priority-outside-band", () => {
  it("reports a shipped policy outside its band", () => {
    const f = lint(priorityOutsideBand, { ...packFiles("starter", { policies: { "01_a.yaml": policy("a", 250) } }) });
    expect(f.map((x) => x.message)).toEqual(["priority 250 outside band 100–199 of pack starter"]);
    expect(at(f)).toEqual(["packs/starter/policies/01_a.yaml:5:13"]);
    expect(f[0]!.help).toContain("InvalidPack: Policy priority outside allowed band");
  });
  it("reports an installed copy moved out of the band by hand", () => {
    const files = { ...GOOD, "policies/starter__01__first.yaml": policy("starter_first", 900) };
    expect(at(lint(priorityOutsideBand, files))).toEqual(["policies/starter__01__first.yaml:5:13"]);
  });
  it("reports a band with min above max", () => {
    expect(lint(priorityOutsideBand, packFiles("starter", { band: [199, 100], policies: {} }))[0]!.message).toBe("priority_band min 199 is above max 100 in pack starter");
  });
  it("passes priorities inside the band", () => expect(lint(priorityOutsideBand, STARTER)).toEqual([]));
});

describe("overlapping-bands", () => {
  it("reports the second of two overlapping packs", () => {
    const f = lint(overlappingBands, { ...STARTER, ...packFiles("other", { band: [150, 250], policies: {} }) });
    expect(f.map((x) => `${x.file}: ${x.message}`)).toEqual(["packs/starter/metadata.yaml: band 100–199 of pack starter overlaps band 150–250 of pack other"]);
  });
  it("passes disjoint bands", () => expect(lint(overlappingBands, { ...STARTER, ...packFiles("other", { band: [200, 299], policies: {} }) })).toEqual([]));
});

describe("layer-inversion", () => {
  it("reports a dependency on a higher layer", () => {
    const f = lint(layerInversion, { ...packFiles("dom", { layer: "domain", band: [300, 399] }), ...packFiles("base", { deps: ["dom"], band: [100, 199] }) });
    expect(f.map((x) => x.message)).toEqual(["foundation pack base depends on dom, a domain pack"]);
    expect(f[0]!.path).toBe("__pack_meta.dependencies[0]");
  });
  it("reports a higher layer's band below a lower layer's", () => {
    const f = lint(layerInversion, { ...packFiles("base", { band: [500, 599] }), ...packFiles("dom", { layer: "domain", band: [300, 399] }) });
    expect(f.map((x) => `${x.file}: ${x.message}`)).toEqual(["packs/dom/metadata.yaml: band 300–399 of domain pack dom is below band 500–599 of foundation pack base"]);
  });
  it("passes layers in order", () => expect(lint(layerInversion, { ...STARTER, ...DOMAIN })).toEqual([]));
});

describe("dependency-missing", () => {
  it("reports an installed pack whose dependency is not installed", () => {
    const files = { ...GOOD };
    files[".edict/packs.yaml"] = files[".edict/packs.yaml"]!.replace(/ {2}starter:\n(?: {4}.*\n)+/, "");
    const f = lint(dependencyMissing, files);
    expect(f.map((x) => x.message)).toEqual(["installed pack domain_pack requires dependencies not installed: starter"]);
    expect(f[0]!.file).toBe(".edict/packs.yaml");
    expect(f[0]!.help).toContain("DependencyMissing");
  });
  it("reports a shipped dependency on a pack that does not exist, with a suggestion", () => {
    const f = lint(dependencyMissing, { ...STARTER, ...packFiles("dom", { layer: "domain", deps: ["stater"], band: [300, 399] }) });
    expect(f.map((x) => x.message)).toEqual(["pack dom depends on stater, which no pack source provides (packs/, packs.sources, the built-in library); did you mean starter?"]);
  });
  it("passes a dependency the built-in library or a configured source provides", () => {
    // hipaa ships in the library, not in this repository's packs/
    expect(lint(dependencyMissing, packFiles("dom", { layer: "domain", deps: ["hipaa"], band: [600, 699] }))).toEqual([]);
    const offers = new Map([["acme", [{ name: "payments", version: "1.0.0", layer: "domain" as const, dependencies: [], source: "acme" }]]]);
    const repo = repoOf(packFiles("dom", { layer: "domain", deps: ["payments"], band: [600, 699] }));
    expect(runLint(repo, { rules: [dependencyMissing], sourceOffers: offers }).findings).toEqual([]);
    expect(runLint(repo, { rules: [dependencyMissing] }).findings.map((x) => x.message)).toEqual([
      "pack dom depends on payments, which no pack source provides (packs/, packs.sources, the built-in library)",
    ]);
  });
  it("passes installed dependencies", () => expect(lint(dependencyMissing, GOOD)).toEqual([]));
});

describe("dependency-cycle", () => {
  it("reports each edge of the cycle", () => {
    const f = lint(dependencyCycle, { ...packFiles("a", { deps: ["b"] }), ...packFiles("b", { deps: ["a"], band: [200, 299] }) });
    expect(f.map((x) => `${x.file}: ${x.message}`)).toEqual(["packs/a/metadata.yaml: dependency cycle: a → b → a", "packs/b/metadata.yaml: dependency cycle: b → a → b"]);
  });
  it("passes a chain", () => expect(lint(dependencyCycle, { ...STARTER, ...DOMAIN })).toEqual([]));
});

describe("dependency-range-unmet", () => {
  it("reports a shipped dependency outside the range", () => {
    const f = lint(dependencyRangeUnmet, { ...STARTER, ...packFiles("dom", { layer: "domain", deps: ["starter@^2.0.0"], band: [300, 399] }) });
    expect(f.map((x) => x.message)).toEqual(["pack dom requires starter@^2.0.0, but packs/starter is v1.0.0"]);
  });
  it("reports an installed dependency outside the range", () => {
    const files = { ...GOOD, ...packFiles("starter", { version: "2.0.0" }) };
    files[".edict/packs.yaml"] = files[".edict/packs.yaml"]!.replace("version: 1.0.0\n    layer: foundation", "version: 2.0.0\n    layer: foundation");
    const f = lint(dependencyRangeUnmet, files).filter((x) => x.file === ".edict/packs.yaml");
    expect(f.map((x) => x.message)).toEqual(["installed pack domain_pack requires starter@^1.0.0, but starter v2.0.0 is installed"]);
  });
  it("passes ranges that are met", () => expect(lint(dependencyRangeUnmet, GOOD)).toEqual([]));
});

describe("installed-file-modified", () => {
  it("reports an installed file edited by hand", () => {
    const f = lint(installedFileModified, { ...GOOD, "policies/starter__01__first.yaml": policy("starter_first", 150) });
    expect(at(f)).toEqual(["policies/starter__01__first.yaml:1:1"]);
    expect(f[0]!.message).toMatch(/^policies\/starter__01__first\.yaml was edited by hand since pack starter installed it \(sha256 [0-9a-f]{12}… recorded, [0-9a-f]{12}… now\)$/);
  });
  it("passes a file with only CRLF line ends", () => {
    expect(lint(installedFileModified, { ...GOOD, "policies/starter__01__first.yaml": GOOD["policies/starter__01__first.yaml"]!.replace(/\n/g, "\r\n") })).toEqual([]);
  });
});

describe("installed-file-missing", () => {
  it("reports a tracked file that is gone, at its state entry", () => {
    const files = { ...GOOD };
    delete files["policies/starter__02__second.yaml"];
    const f = lint(installedFileMissing, files);
    expect(f.map((x) => `${x.file}: ${x.message}`)).toEqual([".edict/packs.yaml: policies/starter__02__second.yaml of pack starter is missing"]);
    expect(f[0]!.path).toBe("installed_packs.starter.files[1].path");
  });
  it("passes when every file is there", () => expect(lint(installedFileMissing, GOOD)).toEqual([]));
});

describe("pack-drift", () => {
  it("warns about an outdated pack", () => {
    const files = { ...GOOD, ...packFiles("starter", { version: "1.1.0" }) };
    const f = lint(packDrift, files);
    expect(f.map((x) => [x.severity, x.message, x.path])).toEqual([["warning", "pack starter is outdated (installed v1.0.0, available v1.1.0)", "installed_packs.starter.version"]]);
  });
  it("warns separately about the same version with different content", () => {
    const files = { ...GOOD, "packs/starter/policies/02_second.yaml": policy("starter_second", 150) };
    const f = lint(packDrift, files);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/^pack starter v1\.0\.0 differs from the shipped v1\.0\.0 \(checksum sha256:[0-9a-f]{12}… installed, sha256:[0-9a-f]{12}… shipped\)$/);
    expect(f[0]!.path).toBe("installed_packs.starter.pack_checksum");
  });
  it("passes packs that match", () => expect(lint(packDrift, GOOD)).toEqual([]));
});

describe("file-not-named-after-pack", () => {
  it("reports a pack-named file no pack owns", () => {
    const f = lint(fileNotNamedAfterPack, { ...GOOD, "policies/ghost__01__x.yaml": policy("ghost", 1) });
    expect(f.map((x) => `${x.file}: ${x.message}`)).toEqual(["policies/ghost__01__x.yaml: policies/ghost__01__x.yaml is named like a file of pack ghost, but no installed pack owns it"]);
  });
  it("reports a state entry under a foreign name", () => {
    const files: Files = { ...GOOD, "policies/custom.yaml": GOOD["policies/starter__02__second.yaml"]! };
    delete files["policies/starter__02__second.yaml"];
    files[".edict/packs.yaml"] = files[".edict/packs.yaml"]!.replace("path: policies/starter__02__second.yaml", "path: policies/custom.yaml");
    const f = lint(fileNotNamedAfterPack, files);
    expect(f.map((x) => x.message)).toEqual(["policies/custom.yaml is recorded for pack starter but is not named policies/starter__NN__<slug>.yaml"]);
  });
  it("passes installed files and custom files", () => expect(lint(fileNotNamedAfterPack, { ...GOOD, "policies/custom.yaml": policy("c", 1) })).toEqual([]));
});

describe("pack-changed-without-version-bump", () => {
  const enc = new TextEncoder();
  const base = basePacksOf(Object.entries(STARTER).map(([p, t]) => ({ path: p.slice("packs/".length), bytes: enc.encode(t) })));
  const changed: Files = { ...STARTER, "packs/starter/policies/02_second.yaml": policy("starter_second", 150) };

  it("reports content changed under the same version", () => {
    const f = lint(packChangedWithoutVersionBump, changed, { base: "origin/main", basePacks: base });
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/^pack starter changed since origin\/main but its version is still 1\.0\.0 \(checksum sha256:[0-9a-f]{12}… → sha256:[0-9a-f]{12}…\)$/);
    expect(f[0]!.path).toBe("__pack_meta.version");
  });
  it("passes a bumped version", () => {
    expect(lint(packChangedWithoutVersionBump, { ...changed, "packs/starter/metadata.yaml": changed["packs/starter/metadata.yaml"]!.replace('"1.0.0"', '"1.0.1"') }, { base: "main", basePacks: base })).toEqual([]);
  });
  it("reads the base packs from a repository model the same way", () => {
    expect(basePacksOfRepository(repoOf(STARTER))).toEqual(base);
  });
  it("does nothing without a base", () => {
    expect(lint(packChangedWithoutVersionBump, changed)).toEqual([]);
    expect(lint(packChangedWithoutVersionBump, changed, { basePacks: base })).toEqual([]);
  });
});

describe("invalid-pack", () => {
  it("reports a metadata name that differs from the folder", () => {
    const f = lint(invalidPack, { ...STARTER, "packs/starter/metadata.yaml": STARTER["packs/starter/metadata.yaml"]!.replace("name: starter", "name: other") });
    expect(f.map((x) => x.message)).toEqual(['__pack_meta.name is "other" but the folder is packs/starter; they must be the same']);
    expect(f[0]!.path).toBe("__pack_meta.name");
  });
  it("reports policy files not named NN_<slug>.yaml and bad dependencies", () => {
    const f = lint(invalidPack, { ...packFiles("p", { deps: ["q@>>1"], policies: { "first.yaml": policy("p1", 100) } }) });
    expect(f.map((x) => `${x.file}: ${x.message}`)).toEqual([
      'packs/p/metadata.yaml: dependency "q@>>1": ">>1" is not a semver range (expected e.g. "q@^1.0.0")',
      "packs/p/policies/first.yaml: pack policy files are named NN_<slug>.yaml (two digits, then a lowercase slug), e.g. 01_mask_pii.yaml",
    ]);
  });
  it("reports a folder name that could escape policies/", () => {
    const f = lint(invalidPack, { "packs/Bad__Name/metadata.yaml": "__pack_meta: {name: x, version: 1.0.0, layer: domain}\n" });
    expect(f[0]!.message).toMatch(/^pack name "Bad__Name" must match/);
  });
  it("passes a valid pack", () => expect(lint(invalidPack, STARTER)).toEqual([]));
});
