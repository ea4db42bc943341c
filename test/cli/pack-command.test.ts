import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { registerPack } from "../../src/cli/commands/pack.js";
import type { PackCommandDeps } from "../../src/cli/commands/pack.js";
import type { CliIO } from "../../src/cli/io.js";
import { exitCodeOf, isEdictError } from "../../src/errors.js";
import type { Repository } from "../../src/model/repository.js";
import { builtinSource } from "../../src/pack/sources/builtin.js";
import { repositorySource } from "../../src/pack/sources/repository-source.js";
import type { PackSource } from "../../src/pack/sources/types.js";
import { runIn } from "../helpers/cli.js";
import { fakeSource, shippedPackFiles, unreachableSource } from "../pack/fake-source.js";
import type { FakeSource } from "../pack/fake-source.js";
import { snapshot } from "../pack/fixtures.js";

const repoRoot = join(import.meta.dirname, "..", "..");
const NOW = new Date("2026-02-15T15:00:00Z");

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs `edict pack …` in-process the way src/cli/main.ts runs a command. */
async function edict(cwd: string, argv: string[], deps: PackCommandDeps = { now: () => NOW }): Promise<Run> {
  const r: Run = { code: 0, out: "", err: "" };
  const io: CliIO = { stdout: (t) => void (r.out += t), stderr: (t) => void (r.err += t), isTTY: false, stderrIsTTY: false, env: {}, cwd };
  const program = new Command("edict").exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (s, w) => w(s) });
  registerPack(program, io, (c) => (r.code = c), deps);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) r.code = e.code === "commander.helpDisplayed" || e.code === "commander.help" ? 0 : 2;
    else if (isEdictError(e)) {
      r.err += `edict: ${e.toString()} [${e.code}]\n`;
      r.code = exitCodeOf(e);
    } else throw e;
  }
  return r;
}

/** A fresh repository from the template: edict.yaml and the shipped packs. */
function fresh(): string {
  const dir = mkdtempSync(join(tmpdir(), "edict-pack-cli-"));
  cpSync(join(repoRoot, "edict.yaml"), join(dir, "edict.yaml"));
  cpSync(join(repoRoot, "packs"), join(dir, "packs"), { recursive: true });
  return dir;
}

async function withStarter(): Promise<string> {
  const dir = fresh();
  expect((await edict(dir, ["pack", "install", "starter"])).code).toBe(0);
  return dir;
}

describe("edict pack list", () => {
  it("prints the contract JSON: every source's versions, the installed one and its source", async () => {
    const dir = await withStarter();
    const r = await edict(dir, ["pack", "list", "--format", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc)).toEqual(["packs"]);
    for (const p of doc.packs) expect(Object.keys(p)).toEqual(["name", "installed", "source", "available", "status"]);
    const both = (v: string) => [{ source: "repository", version: v }, { source: "builtin", version: v }];
    expect(doc.packs).toEqual([
      { name: "ai_safety", installed: null, source: "repository", available: both("1.1.0"), status: "not-installed" },
      { name: "financial_compliance", installed: null, source: "repository", available: both("1.0.0"), status: "not-installed" },
      { name: "hipaa", installed: null, source: "repository", available: both("1.0.0"), status: "not-installed" },
      { name: "posture", installed: null, source: "repository", available: both("1.0.0"), status: "not-installed" },
      { name: "starter", installed: "1.0.0", source: "repository", available: both("1.0.0"), status: "ok" },
    ]);
  });

  it("shows drift lines in text", async () => {
    const dir = await withStarter();
    const meta = join(dir, "packs/starter/metadata.yaml");
    writeFileSync(meta, readFileSync(meta, "utf8").replace('version: "1.0.0"', 'version: "1.1.0"'));
    const r = await edict(dir, ["pack", "list"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^starter\s+foundation\s+repository\s+1\.1\.0\s+1\.0\.0\s+outdated$/m);
    expect(r.out).toContain("⚠ starter (installed v1.0.0, available v1.1.0)");
    const json = JSON.parse((await edict(dir, ["pack", "list", "-f", "json"])).out);
    expect(json.packs.find((p: { name: string }) => p.name === "starter").status).toBe("outdated");
  });

  it("exits 2 with a suggestion on a bad --format", async () => {
    const r = await edict(fresh(), ["pack", "list", "--format", "jsn"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('did you mean "json"?');
  });
});

describe("edict pack install / upgrade / remove", () => {
  it("installs with the injected clock, files byte for byte but the modeline, and records the source", async () => {
    const dir = await withStarter();
    const installed = readFileSync(join(dir, "policies/starter__01__mask_pii_by_default.yaml"), "utf8");
    const shipped = readFileSync(join(dir, "packs/starter/policies/01_mask_pii_by_default.yaml"), "utf8");
    // no schema folder in this repository: the pack's modeline, which would point nowhere, is dropped
    expect(shipped.split("\n")[0]).toBe("# yaml-language-server: $schema=../../../schemas/DataPolicy.json");
    expect(installed).toBe(shipped.slice(shipped.indexOf("\n") + 1));
    const state = readFileSync(join(dir, ".edict/packs.yaml"), "utf8");
    expect(state).toContain("installed_at: 2026-02-15T15:00:00Z");
    expect(state).toMatch(/source: repository\n    resolved: sha256:[0-9a-f]{64}\n/);
  });

  it("installs missing dependencies first, in layer order", async () => {
    const dir = fresh();
    const r = await edict(dir, ["pack", "install", "ai_safety"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^install starter v1\.0\.0\ninstall ai_safety v1\.1\.0\n/);
    expect(readFileSync(join(dir, ".edict/packs.yaml"), "utf8")).toMatch(/ai_safety:[\s\S]*starter:/);
  });

  it("--no-deps refuses missing dependencies with exit 2 and says what to do", async () => {
    const dir = fresh();
    const before = snapshot(dir);
    const r = await edict(dir, ["pack", "install", "ai_safety", "--no-deps"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("DependencyMissing: Pack requires dependencies not installed: starter");
    expect(r.err).toContain("edict pack install starter");
    expect(r.err).toContain("without --no-deps");
    expect(snapshot(dir)).toEqual(before);
  });

  it.each(["../x", "/abs", "a/b", "starter@nope"])("refuses the name %j with exit 2", async (name) => {
    const dir = fresh();
    const before = snapshot(dir);
    const r = await edict(dir, ["pack", "install", name]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^edict: /);
    expect(snapshot(dir)).toEqual(before);
  });

  it("--dry-run prints the change and writes nothing (install, upgrade, remove)", async () => {
    const dir = fresh();
    let before = snapshot(dir);
    const install = await edict(dir, ["pack", "install", "starter", "--dry-run"]);
    expect(install.code).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    expect(install.out).toContain("dry run: nothing is written\nwould install starter v1.0.0\n  add      policies/starter__01__mask_pii_by_default.yaml\n");
    expect(install.out).toContain("  create   .edict/packs.yaml");
    expect(install.out).toContain("+++ .edict/packs.yaml");
    expect(install.out).toContain("+    installed_at: 2026-02-15T15:00:00Z");

    await edict(dir, ["pack", "install", "starter"]);
    const meta = join(dir, "packs/starter/metadata.yaml");
    writeFileSync(meta, readFileSync(meta, "utf8").replace('version: "1.0.0"', 'version: "1.0.1"'));
    writeFileSync(join(dir, "packs/starter/policies/04_audit_log.yaml"), readFileSync(join(dir, "packs/starter/policies/04_audit_log.yaml"), "utf8").replace("RetentionDays: 90", "RetentionDays: 120"));
    before = snapshot(dir);
    const upgrade = await edict(dir, ["pack", "upgrade", "--dry-run"]);
    expect(upgrade.code).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    expect(upgrade.out).toContain("would upgrade starter v1.0.0 → v1.0.1\n  replace  policies/starter__04__audit_log.yaml\n  update   .edict/packs.yaml\n");
    expect(upgrade.out).toMatch(/^-\s+version: 1\.0\.0$/m);
    expect(upgrade.out).toMatch(/^\+\s+version: 1\.0\.1$/m);

    const remove = await edict(dir, ["pack", "remove", "starter", "--dry-run"]);
    expect(remove.code).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    expect(remove.out).toContain("would remove starter v1.0.0\n  remove   policies/starter__01__mask_pii_by_default.yaml\n");
  });

  it("upgrades every outdated pack when no name is given", async () => {
    const dir = await withStarter();
    const meta = join(dir, "packs/starter/metadata.yaml");
    writeFileSync(meta, readFileSync(meta, "utf8").replace('version: "1.0.0"', 'version: "1.1.0"'));
    const r = await edict(dir, ["pack", "upgrade"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("upgrade starter v1.0.0 → v1.1.0");
    expect(readFileSync(join(dir, ".edict/packs.yaml"), "utf8")).toContain("version: 1.1.0");
    expect((await edict(dir, ["pack", "upgrade"])).out).toContain("every installed pack is up to date");
  });

  it("writes nothing when there is nothing to upgrade", async () => {
    const dir = fresh();
    const before = snapshot(dir);
    const r = await edict(dir, ["pack", "upgrade"]);
    expect(r).toEqual({ code: 0, out: "every installed pack is up to date\n", err: "" });
    expect(snapshot(dir)).toEqual(before);
  });

  it("refuses to upgrade over a hand-edited file without --force", async () => {
    const dir = await withStarter();
    const installed = join(dir, "policies/starter__04__audit_log.yaml");
    writeFileSync(installed, readFileSync(installed, "utf8").replace("RetentionDays: 90", "RetentionDays: 30"));
    const meta = join(dir, "packs/starter/metadata.yaml");
    writeFileSync(meta, readFileSync(meta, "utf8").replace('version: "1.0.0"', 'version: "1.1.0"'));
    const before = snapshot(dir);
    const r = await edict(dir, ["pack", "upgrade", "starter"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("policies/starter__04__audit_log.yaml was edited by hand");
    expect(r.err).toContain("--force");
    expect(snapshot(dir)).toEqual(before);
    expect((await edict(dir, ["pack", "upgrade", "starter", "--force"])).code).toBe(0);
    expect(readFileSync(installed, "utf8")).toContain("RetentionDays: 90");
  });

  it("refuses to remove a pack another installed pack depends on", async () => {
    const dir = await withStarter();
    expect((await edict(dir, ["pack", "install", "hipaa"])).code).toBe(0);
    const r = await edict(dir, ["pack", "remove", "starter"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("pack starter is needed by installed pack hipaa; remove it first");
    expect((await edict(dir, ["pack", "remove", "hipaa"])).code).toBe(0);
    expect((await edict(dir, ["pack", "remove", "starter"])).code).toBe(0);
    expect(Object.keys(snapshot(dir)).filter((k) => k.startsWith("policies/") && k !== "policies/")).toEqual([]);
  });
});

describe("edict pack verify", () => {
  it("exits 0 when every installed file matches, 1 when one was edited", async () => {
    const dir = await withStarter();
    const ok = await edict(dir, ["pack", "verify"]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^✓ starter v1\.0\.0 \(sha256:[0-9a-f]{64}\)$/m);
    writeFileSync(join(dir, "policies/starter__02__block_cross_region.yaml"), "tampered\n");
    const bad = await edict(dir, ["pack", "verify"]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain("✗ policies/starter__02__block_cross_region.yaml was edited by hand");
    const json = JSON.parse((await edict(dir, ["pack", "verify", "--format", "json"])).out);
    expect(json.ok).toBe(false);
    expect(json.packs[0].name).toBe("starter");
  });
});

describe("edict pack --help", () => {
  it.each([["pack"], ["pack", "list"], ["pack", "install"], ["pack", "upgrade"], ["pack", "remove"], ["pack", "verify"]])("%s %s shows examples", async (...args) => {
    const r = await edict(fresh(), [...args.filter(Boolean), "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Examples:");
    expect(r.out).toContain("edict pack");
  });
});

/** A repository made by `edict init` (no packs/ folder: packs come from the sources). */
async function initialised(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "edict-pack-init-"));
  const r = await runIn(dir, ["init"]);
  expect(r.code, r.err).toBe(0);
  return dir;
}

/** The first line of a file and whether its modeline's schema exists from where the file is. */
function modelineResolves(dir: string, path: string): boolean {
  const first = readFileSync(join(dir, path), "utf8").split("\n")[0]!;
  const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
  return m !== null && existsSync(join(dir, dirname(path), m[1]!));
}

describe("packs from the sources in a repository made by edict init", () => {
  it("installs hipaa from the built-in library with starter pulled in; modelines resolve and lint is clean", async () => {
    const dir = await initialised();
    const r = await runIn(dir, ["pack", "install", "hipaa"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^install starter v1\.0\.0\ninstall hipaa v1\.0\.0\n/);
    const state = readFileSync(join(dir, ".edict/packs.yaml"), "utf8");
    expect(state.match(/source: builtin/g)).toHaveLength(2);
    const installed = ["policies/hipaa__01__phi_encrypted_access.yaml", "policies/starter__02__block_cross_region.yaml"];
    for (const p of installed) expect(modelineResolves(dir, p), p).toBe(true);
    expect(readFileSync(join(dir, installed[0]!), "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=../.edict/schemas/AccessPolicy.json");
    const lint = await runIn(dir, ["lint"]);
    expect(lint.code, lint.out + lint.err).toBe(0);
    expect(lint.out).toContain("no problems");
    const verify = await runIn(dir, ["pack", "verify"]);
    expect(verify.code, verify.out).toBe(0);
    expect(verify.out).not.toContain("⚠");
  });

  it("points modelines at schemas/ at the root when that holds the kind's schema and .edict/schemas/ does not", async () => {
    const dir = await initialised();
    rmSync(join(dir, ".edict/schemas"), { recursive: true });
    writeFileSync(join(dir, "edict.yaml"), readFileSync(join(dir, "edict.yaml"), "utf8").replace(/^# yaml-language-server.*\n/, ""));
    cpSync(join(repoRoot, "schemas"), join(dir, "schemas"), { recursive: true });
    expect((await runIn(dir, ["pack", "install", "starter"])).code).toBe(0);
    expect(readFileSync(join(dir, "policies/starter__01__mask_pii_by_default.yaml"), "utf8").split("\n")[0]).toBe("# yaml-language-server: $schema=../schemas/DataPolicy.json");
    expect(modelineResolves(dir, "policies/starter__01__mask_pii_by_default.yaml")).toBe(true);
  });

  it("`pack install` without a name reinstalls what the state lists: a no-op, then it restores a deleted file", async () => {
    const dir = await initialised();
    expect((await runIn(dir, ["pack", "install", "hipaa"])).code).toBe(0);
    const before = snapshot(dir);
    const again = await runIn(dir, ["pack", "install"]);
    expect(again.code, again.err).toBe(0);
    expect(again.out).toBe("hipaa v1.0.0 is in place\nstarter v1.0.0 is in place\n");
    expect(snapshot(dir)).toEqual(before);
    rmSync(join(dir, "policies/starter__04__audit_log.yaml"));
    const restore = await runIn(dir, ["pack", "install"]);
    expect(restore.code, restore.err).toBe(0);
    expect(restore.out).toContain("reinstall starter v1.0.0\n  add      policies/starter__04__audit_log.yaml\n");
    expect(snapshot(dir)).toEqual(before);
  });
});

/** hipaa as edict ships it, at another version; 1.1.0 narrows the resource its Allow grants. */
function hipaaAt(version: string, deps = "[starter]"): Record<string, string> {
  return shippedPackFiles("hipaa", (path, text) => {
    if (path === "metadata.yaml") return text.replace('version: "1.0.0"', `version: "${version}"`).replace("dependencies: [starter]", `dependencies: ${deps}`);
    return version === "1.0.0" ? text : text.replace("Resource: db://healthcare/*", "Resource: db://healthcare/records/*");
  });
}

describe("packs from a second source (outdated, upgrade, conflicts, downgrades)", () => {
  async function withAcme(): Promise<{ dir: string; acme: FakeSource; run: (argv: string[]) => Promise<Run> }> {
    const dir = await initialised();
    const acme = fakeSource("acme");
    acme.add("hipaa", hipaaAt("1.0.0"));
    const sources = (repo: Repository, root: string): PackSource[] => [repositorySource(root, repo), acme, builtinSource()];
    const run = (argv: string[]) => edict(dir, argv, { now: () => NOW, sources });
    const r = await run(["pack", "install", "hipaa"]);
    expect(r.code, r.err).toBe(0);
    return { dir, acme, run };
  }

  it("takes hipaa from the first source that offers it, and its dependency from the next", async () => {
    const { dir } = await withAcme();
    const state = readFileSync(join(dir, ".edict/packs.yaml"), "utf8");
    expect(state).toMatch(/hipaa:[\s\S]*source: acme\n    resolved: fake:\/\/acme\/hipaa-1\.0\.0\.pack\.json#sha256:[0-9a-f]{64}\n/);
    expect(state).toMatch(/starter:[\s\S]*source: builtin\n/);
  });

  it("outdated lists wanted (within ^installed) and latest from the pack's own source", async () => {
    const { acme, run } = await withAcme();
    acme.add("hipaa", hipaaAt("1.1.0"));
    acme.add("hipaa", hipaaAt("2.0.0"));
    const r = await run(["pack", "outdated", "--format", "json"]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      packs: [
        { name: "hipaa", installed: "1.0.0", wanted: "1.1.0", latest: "2.0.0", source: "acme" },
        { name: "starter", installed: "1.0.0", wanted: "1.0.0", latest: "1.0.0", source: "builtin" },
      ],
    });
    const text = await run(["pack", "outdated"]);
    expect(text.out).toMatch(/^hipaa\s+1\.0\.0\s+1\.1\.0\s+2\.0\.0\s+acme$/m);
    const list = JSON.parse((await run(["pack", "list", "--format", "json"])).out);
    expect(list.packs.find((p: { name: string }) => p.name === "hipaa")).toEqual({
      name: "hipaa",
      installed: "1.0.0",
      source: "acme",
      available: [
        { source: "acme", version: "1.0.0" },
        { source: "acme", version: "1.1.0" },
        { source: "acme", version: "2.0.0" },
        { source: "builtin", version: "1.0.0" },
      ],
      status: "outdated",
    });
  });

  it("upgrade --dry-run prints the effective-policy diff and writes nothing; upgrade applies it; --latest goes beyond", async () => {
    const { dir, acme, run } = await withAcme();
    acme.add("hipaa", hipaaAt("1.1.0"));
    acme.add("hipaa", hipaaAt("2.0.0"));
    const before = snapshot(dir);
    const dry = await run(["pack", "upgrade", "--dry-run"]);
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toMatch(/^edict diff installed\.\.upgraded: /);
    expect(dry.out).toContain("db://healthcare/records/*");
    expect(dry.out).toContain("would upgrade hipaa v1.0.0 → v1.1.0\n  replace  policies/hipaa__01__phi_encrypted_access.yaml\n");
    expect(snapshot(dir)).toEqual(before);

    const up = await run(["pack", "upgrade"]);
    expect(up.code, up.err).toBe(0);
    expect(up.out).toContain("upgrade hipaa v1.0.0 → v1.1.0");
    expect(readFileSync(join(dir, "policies/hipaa__01__phi_encrypted_access.yaml"), "utf8")).toContain("db://healthcare/records/*");
    expect(readFileSync(join(dir, ".edict/packs.yaml"), "utf8")).toContain("resolved: fake://acme/hipaa-1.1.0.pack.json#");
    expect((await run(["pack", "upgrade"])).out).toBe("every installed pack is up to date\n");

    const latest = await run(["pack", "upgrade", "hipaa", "--latest"]);
    expect(latest.code, latest.err).toBe(0);
    expect(latest.out).toContain("upgrade hipaa v1.1.0 → v2.0.0");
    expect((await runIn(dir, ["lint"])).code).toBe(0);
    expect((await run(["pack", "verify"])).code).toBe(0);
  });

  it("refuses a dependency conflict with exit 1, showing the chain, and writes nothing", async () => {
    const { dir, acme, run } = await withAcme();
    acme.add("hipaa", hipaaAt("3.0.0", '["starter@^2.0.0"]'));
    const before = snapshot(dir);
    const r = await run(["pack", "install", "hipaa@^3.0.0"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("PACK_CONFLICT");
    expect(r.err).toContain("hipaa@3.0.0 requires starter@^2.0.0, but starter 1.0.0 is installed");
    expect(snapshot(dir)).toEqual(before);
  });

  it("refuses a downgrade with exit 1 unless --allow-downgrade", async () => {
    const { dir, acme, run } = await withAcme();
    acme.add("hipaa", hipaaAt("2.0.0"));
    expect((await run(["pack", "upgrade", "hipaa", "--latest"])).code).toBe(0);
    const before = snapshot(dir);
    const refused = await run(["pack", "install", "hipaa@^1.0.0"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("PACK_DOWNGRADE");
    expect(snapshot(dir)).toEqual(before);
    const allowed = await run(["pack", "install", "hipaa@^1.0.0", "--allow-downgrade"]);
    expect(allowed.code, allowed.err).toBe(0);
    expect(allowed.out).toContain("downgrade hipaa v2.0.0 → v1.0.0");
    expect(readFileSync(join(dir, ".edict/packs.yaml"), "utf8")).toContain("range: ^1.0.0");
  });

  it("reinstalls each pack from its recorded source at its recorded pin", async () => {
    const { acme, run } = await withAcme();
    acme.fetches.length = 0;
    const r = await run(["pack", "install"]);
    expect(r.code, r.err).toBe(0);
    expect(acme.fetches).toEqual([{ name: "hipaa", version: "1.0.0", pin: expect.stringMatching(/^fake:\/\/acme\/hipaa-1\.0\.0\.pack\.json#sha256:/) }]);
  });

  it("lists with a warning when a source cannot be read, but refuses to install past it", async () => {
    const dir = await initialised();
    const sources = (repo: Repository, root: string): PackSource[] => [repositorySource(root, repo), unreachableSource("down"), builtinSource()];
    const list = await edict(dir, ["pack", "list"], { now: () => NOW, sources });
    expect(list.code).toBe(0);
    expect(list.err).toContain("warning: pack source down cannot be read");
    const before = snapshot(dir);
    const install = await edict(dir, ["pack", "install", "starter"], { now: () => NOW, sources });
    expect(install.code).toBe(2);
    expect(install.err).toContain("PACK_SOURCE_ERROR");
    expect(snapshot(dir)).toEqual(before);
  });
});
