import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { registerPack } from "../../src/cli/commands/pack.js";
import type { PackCommandDeps } from "../../src/cli/commands/pack.js";
import type { CliIO } from "../../src/cli/io.js";
import { isEdictError } from "../../src/errors.js";
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
      r.err += `edict: ${e.toString()}\n`;
      r.code = e.code === "INTERNAL" ? 1 : 2;
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
  it("prints Appendix A JSON", async () => {
    const dir = await withStarter();
    const r = await edict(dir, ["pack", "list", "--format", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(Object.keys(doc)).toEqual(["packs"]);
    for (const p of doc.packs) expect(Object.keys(p)).toEqual(["name", "layer", "shipped", "installed", "status"]);
    expect(doc.packs).toEqual([
      { name: "ai_safety", layer: "domain", shipped: "1.1.0", installed: null, status: "not-installed" },
      { name: "financial_compliance", layer: "domain", shipped: "1.0.0", installed: null, status: "not-installed" },
      { name: "hipaa", layer: "domain", shipped: "1.0.0", installed: null, status: "not-installed" },
      { name: "posture", layer: "foundation", shipped: "1.0.0", installed: null, status: "not-installed" },
      { name: "starter", layer: "foundation", shipped: "1.0.0", installed: "1.0.0", status: "ok" },
    ]);
  });

  it("shows drift lines in text", async () => {
    const dir = await withStarter();
    const meta = join(dir, "packs/starter/metadata.yaml");
    writeFileSync(meta, readFileSync(meta, "utf8").replace('version: "1.0.0"', 'version: "1.1.0"'));
    const r = await edict(dir, ["pack", "list"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^starter\s+foundation\s+1\.1\.0\s+1\.0\.0\s+outdated$/m);
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
  it("installs with the injected clock and files byte for byte", async () => {
    const dir = await withStarter();
    expect(readFileSync(join(dir, "policies/starter__01__mask_pii_by_default.yaml"))).toEqual(readFileSync(join(dir, "packs/starter/policies/01_mask_pii_by_default.yaml")));
    expect(readFileSync(join(dir, ".edict/packs.yaml"), "utf8")).toContain("installed_at: 2026-02-15T15:00:00Z");
  });

  it("refuses missing dependencies with exit 2 and says what to do", async () => {
    const r = await edict(fresh(), ["pack", "install", "ai_safety"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("DependencyMissing: Pack requires dependencies not installed: starter");
    expect(r.err).toContain("edict pack install starter");
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
