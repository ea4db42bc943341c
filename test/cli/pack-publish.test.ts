import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { toPrivateKeyPem } from "../../src/bundle/keys.js";
import { sha256Hex } from "../../src/bundle/digest.js";
import { registerPackPublish } from "../../src/cli/commands/pack-publish.js";
import type { CliIO } from "../../src/cli/io.js";
import { keyPair, publisherRepo, tempDir } from "../pack/remote/helpers.js";

const key = keyPair("publisher");

interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs `edict pack publish …` in-process, the command registered under `pack` as the CLI does. */
async function edict(cwd: string, argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const r: Run = { code: 0, out: "", err: "" };
  const io: CliIO = { stdout: (t) => void (r.out += t), stderr: (t) => void (r.err += t), isTTY: false, stderrIsTTY: false, env, cwd };
  const program = new Command("edict").exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (s, w) => w(s) });
  const pack = program.command("pack").exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerPackPublish(pack, io, (c) => (r.code = c));
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    r.code = e.code === "commander.helpDisplayed" || e.code === "commander.help" ? 0 : 2;
  }
  return r;
}

/** A publisher repository with its private key at keys/publisher.key (outside what edict reads). */
function repoWithKey(): { root: string; keyFile: string } {
  const root = publisherRepo();
  const dir = tempDir("keys");
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, "publisher.key");
  writeFileSync(keyFile, toPrivateKeyPem(key));
  return { root, keyFile };
}

describe("edict pack publish", () => {
  it("writes each envelope and the index, printing each file and its sha256", async () => {
    const { root, keyFile } = repoWithKey();
    const r = await edict(root, ["pack", "publish", "starter", "hipaa", "--key", keyFile, "--out", "site"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const site = join(root, "site");
    expect(readdirSync(site).sort()).toEqual(["hipaa-1.0.0.pack.json", "index.json", "starter-1.0.0.pack.json"]);
    const sha = sha256Hex(readFileSync(join(site, "starter-1.0.0.pack.json")));
    expect(r.out).toContain(`wrote     site/starter-1.0.0.pack.json  sha256:${sha}  (starter 1.0.0)`);
    expect(r.out).toContain("wrote     site/index.json");
    expect(r.out).toContain(`signed by ${key.keyid}`);
  });

  it("prints JSON with --format json", async () => {
    const { root, keyFile } = repoWithKey();
    const r = await edict(root, ["pack", "publish", "starter", "--key", keyFile, "--out", "site", "--format", "json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ ok: true, index: join(root, "site", "index.json"), keyids: [key.keyid] });
    expect(doc.packs).toEqual([{ name: "starter", version: "1.0.0", file: join(root, "site", "starter-1.0.0.pack.json"), sha256: sha256Hex(readFileSync(join(root, "site", "starter-1.0.0.pack.json"))), unchanged: false }]);
  });

  it("reads the key from --key-env, and -C names the repository", async () => {
    const { root } = repoWithKey();
    const elsewhere = tempDir("cwd");
    const r = await edict(elsewhere, ["pack", "publish", "starter", "-C", root, "--key-env", "PACKS_KEY", "--out", "site"], { PACKS_KEY: toPrivateKeyPem(key) });
    expect(r.code).toBe(0);
    expect(existsSync(join(elsewhere, "site", "starter-1.0.0.pack.json"))).toBe(true);
  });

  it("reports the same content again as unchanged", async () => {
    const { root, keyFile } = repoWithKey();
    await edict(root, ["pack", "publish", "starter", "--key", keyFile, "--out", "site"]);
    const r = await edict(root, ["pack", "publish", "starter", "--key", keyFile, "--out", "site"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^unchanged site\/starter-1\.0\.0\.pack\.json/m);
    expect(r.out).toMatch(/^unchanged site\/index\.json/m);
  });

  it("exits 2 when an existing version would change, writing nothing", async () => {
    const { root, keyFile } = repoWithKey();
    await edict(root, ["pack", "publish", "starter", "--key", keyFile, "--out", "site"]);
    const before = readFileSync(join(root, "site", "index.json"));
    const meta = join(root, "packs", "starter", "metadata.yaml");
    writeFileSync(meta, readFileSync(meta, "utf8").replace(/description: "[^"]*"/, 'description: "changed"'));
    const r = await edict(root, ["pack", "publish", "starter", "--key", keyFile, "--out", "site"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/starter 1\.0\.0 is already published .* bump the version/);
    expect(readFileSync(join(root, "site", "index.json"))).toEqual(before);
  });

  it("exits 2 with a JSON refusal for an unknown pack", async () => {
    const { root, keyFile } = repoWithKey();
    const r = await edict(root, ["pack", "publish", "nope", "--key", keyFile, "--out", "site", "--format", "json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, code: "PACK_ERROR" });
    expect(existsSync(join(root, "site"))).toBe(false);
  });

  it("exits 2 without a signing key", async () => {
    const { root } = repoWithKey();
    const r = await edict(root, ["pack", "publish", "--out", "site"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no signing key: pass --key FILE/);
  });

  it("exits 2 without --out", async () => {
    const { root, keyFile } = repoWithKey();
    const r = await edict(root, ["pack", "publish", "--key", keyFile]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out/);
  });

  it("has help with examples", async () => {
    const r = await edict(tempDir("help"), ["pack", "publish", "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Usage: edict pack publish \[options\] \[names\.\.\.\]/);
    expect(r.out).toMatch(/Examples:\n {2}edict keygen/);
    expect(r.out).toContain("edict pack publish --key");
  });
});
