import { parse as parseYaml } from "yaml";
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildBundle, parseExpires, parseSourceDateEpoch } from "../../src/bundle/build.js";
import type { BuildBundleOptions } from "../../src/bundle/build.js";
import { utf8Decode } from "../../src/bundle/bytes.js";
import { sha256Hex } from "../../src/bundle/digest.js";
import { BundleError } from "../../src/bundle/errors.js";
import { parseSha256sum } from "../../src/bundle/digest.js";
import { verifyBundle } from "../../src/bundle/verify.js";
import { EdictError } from "../../src/errors.js";
import { readRepositoryAtRevision } from "../../src/io/git.js";
import { ACCESS, caughtAsync, commitAll, exampleGitRepo, git, gitRepoWith, KEY, KEY2, MAIN, OUTSIDER, SMALL_CONFIG } from "./fixtures.js";

const VALID_NOW = new Date("2026-01-02T04:00:00Z");

function build(root: string, extra: Partial<BuildBundleOptions> = {}) {
  return buildBundle({ root, privateKeys: [KEY], now: VALID_NOW, ...extra });
}

function outDir(): string {
  return mkdtempSync(join(tmpdir(), "edict-out-"));
}

describe("buildBundle on the example repository", () => {
  const { dir, revision } = exampleGitRepo();

  it("builds the bundle payload from the commit", async () => {
    const built = await build(dir);
    const p = built.payload;
    expect(p).toMatchObject({
      format: "edict.bundle/v1",
      name: "acme-policies",
      version: "0.1.0",
      serial: 1,
      revision,
      created_at: "2026-01-02T03:04:05Z",
      expires_at: "2026-02-01T03:04:05Z",
    });
    const state = parseYaml(readFileSync(join(dir, ".edict", "packs.yaml"), "utf8")) as { installed_packs: Record<string, { version: string; layer: string; pack_checksum: string }> };
    expect(p.installed_packs).toEqual(Object.entries(state.installed_packs).map(([name, pk]) => ({ name, version: pk.version, layer: pk.layer, checksum: pk.pack_checksum })).sort((a, b) => (a.name < b.name ? -1 : 1)));
    expect(p.installed_packs.map((pk) => pk.name)).toEqual(["ai_safety", "posture", "starter"]);
    expect(Object.keys(p.targets)).toEqual(["production", "staging", "development"]);
    expect(p.sources.map((s) => s.path)).toEqual(execFileSync("git", ["ls-files"], { cwd: dir, encoding: "utf8" }).trim().split("\n").sort());
    for (const s of p.sources) expect(s.sha256, s.path).toBe(sha256Hex(readFileSync(join(dir, s.path))));
    expect(built.tag).toBe("policy-v0.1.0");
    expect(built.fileNames).toEqual({ bundle: "acme-policies.bundle.json", checksum: "acme-policies.bundle.json.sha256" });
    expect(built.written).toBeUndefined();
    expect(built.warnings).toEqual([]);
    const verified = verifyBundle(built.bundleBytes, { trustedKeys: [KEY.publicKey], now: VALID_NOW, target: "production", expectedName: "acme-policies" });
    expect(verified.sha256).toBe(built.sha256);
    expect(verified.payload).toEqual(p);
  });

  it("writes canonical envelope bytes (no trailing newline) and a sha256sum file", async () => {
    const out = outDir();
    const built = await build(dir, { outDir: out });
    expect(built.written).toEqual({ bundle: join(out, "acme-policies.bundle.json"), checksum: join(out, "acme-policies.bundle.json.sha256") });
    const bytes = readFileSync(built.written!.bundle);
    expect(new Uint8Array(bytes)).toEqual(built.bundleBytes);
    expect(bytes.at(-1)).toBe(0x7d); // "}"
    const text = utf8Decode(bytes);
    expect(text).toBe(JSON.stringify(JSON.parse(text)));
    expect(Object.keys(JSON.parse(text))).toEqual(["payload", "payloadType", "signatures"]);
    const sums = readFileSync(built.written!.checksum, "utf8");
    expect(sums).toBe(`${built.sha256}  acme-policies.bundle.json\n`);
    expect(parseSha256sum(sums)).toEqual([{ sha256: sha256Hex(bytes), filename: "acme-policies.bundle.json", binary: false }]);
    if (spawnSync("sha256sum", ["--version"]).status === 0) {
      expect(execFileSync("sha256sum", ["-c", "acme-policies.bundle.json.sha256"], { cwd: out, encoding: "utf8" })).toBe("acme-policies.bundle.json: OK\n");
    }
  });

  it("is byte-for-byte reproducible: same commit, twice and from a clone elsewhere", async () => {
    const [a, b] = [outDir(), outDir()];
    await build(dir, { outDir: a });
    await build(dir, { outDir: b });
    const clone = mkdtempSync(join(tmpdir(), "edict-clone-"));
    execFileSync("git", ["clone", "-q", dir, clone]);
    const c = outDir();
    await build(clone, { outDir: c, now: new Date("2026-01-20T00:00:00Z") });
    for (const name of ["acme-policies.bundle.json", "acme-policies.bundle.json.sha256"]) {
      const first = readFileSync(join(a, name));
      expect(readFileSync(join(b, name)).equals(first), name).toBe(true);
      expect(readFileSync(join(c, name)).equals(first), name).toBe(true);
    }
  });

  it("reads the commit, not the checkout: CRLF line endings in the work tree change nothing", async () => {
    const clone = mkdtempSync(join(tmpdir(), "edict-crlf-"));
    execFileSync("git", ["-c", "core.autocrlf=true", "clone", "-q", dir, clone]);
    git(clone, ["config", "core.autocrlf", "true"]);
    expect(readFileSync(join(clone, "edict.yaml"), "utf8")).toContain("\r\n");
    expect((await build(clone)).bundleBytes).toEqual((await build(dir)).bundleBytes);
  });

  it("uses SOURCE_DATE_EPOCH for created_at and --expires for the lifetime", async () => {
    const built = await build(dir, { sourceDateEpoch: "1767323045", expires: "12h" });
    expect(built.payload.created_at).toBe("2026-01-02T03:04:05Z");
    const later = await build(dir, { sourceDateEpoch: "1767409445", expires: "2w" });
    expect(later.payload.created_at).toBe("2026-01-03T03:04:05Z");
    expect(later.payload.expires_at).toBe("2026-01-17T03:04:05Z");
    expect(built.payload.expires_at).toBe("2026-01-02T15:04:05Z");
  });

  it("refuses a bundle that would be expired on arrival (an old commit), saying how to sign it now", async () => {
    const out = outDir();
    const e = await caughtAsync(() => build(dir, { now: new Date("2027-01-01T00:00:00Z"), outDir: out }));
    expect(e).toBeInstanceOf(BundleError);
    expect(e.code).toBe("EXPIRED");
    expect(e.message).toMatch(/already expired: it expires at 2026-02-01T03:04:05Z, 30d after created_at 2026-01-02T03:04:05Z \(the commit time\)\. Sign it with the current time \(SOURCE_DATE_EPOCH=\$\(date \+%s\)/);
    expect(e.message).toMatch(/refresh mode/);
    expect(readdirSync(out)).toEqual([]);
    const now = new Date("2027-01-01T00:00:00Z");
    const fresh = await build(dir, { now, sourceDateEpoch: String(now.getTime() / 1000) });
    expect(fresh.payload.expires_at).toBe("2027-01-31T00:00:00Z");
    expect(fresh.warnings).toEqual([]);
  });

  it("signs with every key given", async () => {
    const built = await build(dir, { privateKeys: [KEY, KEY2] });
    expect(built.keyids).toEqual([KEY.keyid, KEY2.keyid]);
    expect(verifyBundle(built.bundleBytes, { trustedKeys: [KEY.publicKey, KEY2.publicKey], threshold: 2, now: VALID_NOW }).keyids).toHaveLength(2);
  });
});

describe("buildBundle refuses", () => {
  it("uncommitted or untracked changes to files edict reads, unless allowDirty", async () => {
    const { dir } = exampleGitRepo();
    writeFileSync(join(dir, "README.md"), "not a policy\n");
    await build(dir); // files edict does not read do not count
    appendFileSync(join(dir, "policies", "access", "production.yaml"), "# edited\n");
    writeFileSync(join(dir, "policies", "new.yaml"), readFileSync(join(MAIN, "policies", "runtime", "production-pinning.yaml"), "utf8").replace(/id: \S+/, "id: brand_new"));
    const e = await caughtAsync(() => build(dir));
    expect(e).toBeInstanceOf(EdictError);
    expect(e.code).toBe("GIT_ERROR");
    expect(e.message).toMatch(/uncommitted changes to policies\/access\/production\.yaml, policies\/new\.yaml; .*--allow-dirty/);

    const dirty = await build(dir, { allowDirty: true });
    expect(dirty.dirty).toEqual(["policies/access/production.yaml", "policies/new.yaml"]);
    expect(dirty.warnings[0]).toMatch(/built from uncommitted changes/);
    const source = dirty.payload.sources.find((s) => s.path === "policies/access/production.yaml")!;
    expect(source.sha256).toBe(sha256Hex(readFileSync(join(dir, "policies", "access", "production.yaml"))));
    expect(dirty.payload.sources.map((s) => s.path)).toContain("policies/new.yaml");
  });

  it("a repository with lint errors", async () => {
    const { dir } = gitRepoWith({ "edict.yaml": SMALL_CONFIG, "policies/a.yaml": "apiVersion: edict/v1\nkind: RuntimePolicy\nmetadata: { id: a, priority: 1 }\nspec:\n  tenant: 5\n" });
    const e = await caughtAsync(() => build(dir));
    expect(e).toBeInstanceOf(EdictError);
    expect(e.code).toBe("CONFIG_ERROR");
    expect(e.message).toMatch(/1 lint error; run `edict lint`/);
  });

  it("a folder that is not a git repository, or one without commits", async () => {
    const plain = mkdtempSync(join(tmpdir(), "edict-nogit-"));
    writeFileSync(join(plain, "edict.yaml"), SMALL_CONFIG);
    // GIT_CEILING_DIRECTORIES is not needed: tmpdir is outside any repository here
    const e = await caughtAsync(() => build(plain));
    expect(e.code).toBe("GIT_ERROR");
    expect(e.message).toMatch(/not a git repository/);
    git(plain, ["init", "-q"]);
    const empty = await caughtAsync(() => build(plain));
    expect(empty.message).toMatch(/no commits yet/);
  });

  it("no signing key, a bad expires, a bad SOURCE_DATE_EPOCH", async () => {
    const { dir } = gitRepoWith({ "edict.yaml": SMALL_CONFIG });
    expect((await caughtAsync(() => build(dir, { privateKeys: [] }))).code).toBe("KEY_ERROR");
    expect((await caughtAsync(() => build(dir, { expires: "soon" }))).message).toMatch(/--expires: bad duration "soon"/);
    expect((await caughtAsync(() => build(dir, { sourceDateEpoch: "yesterday" }))).message).toMatch(/SOURCE_DATE_EPOCH must be a whole number/);
    expect(() => parseExpires("500ms", "--expires")).toThrow(/whole number of seconds/);
    expect(parseExpires("90m", "x")).toBe(5400);
    expect(parseExpires("3600s", "x")).toBe(3600);
    expect(parseSourceDateEpoch("0").toISOString()).toBe("1970-01-01T00:00:00.000Z");
  });
});

describe("buildBundle reads each file once", () => {
  it("builds from the repository the caller read at HEAD, and reads the commit itself when HEAD moved on", async () => {
    const { dir } = gitRepoWith({ "edict.yaml": SMALL_CONFIG, "policies/access.yaml": ACCESS });
    const atHead = await readRepositoryAtRevision(dir, "HEAD");
    const own = await build(dir);
    expect((await build(dir, { atHead })).bundleBytes).toEqual(own.bundleBytes);
    // the read is what is signed: a different read of the same commit shows in the sources
    const edited = [{ path: "edict.yaml", bytes: new TextEncoder().encode(`${SMALL_CONFIG}# read by the caller\n`) }, ...atHead.files.filter((f) => f.path !== "edict.yaml")];
    const given = await build(dir, { atHead: { ...atHead, files: edited } });
    expect(given.payload.sources.find((s) => s.path === "edict.yaml")!.sha256).toBe(sha256Hex(edited[0]!.bytes));
    // a read of another commit is not used
    expect((await build(dir, { atHead: { ...atHead, commit: "0".repeat(40), files: [] } })).bundleBytes).toEqual(own.bundleBytes);
  });

  it("a dirty build reads the checkout without the stray-key scan: only the files edict reads are sources", async () => {
    const { dir } = gitRepoWith({ "edict.yaml": SMALL_CONFIG, "policies/access.yaml": ACCESS });
    writeFileSync(join(dir, "policies", "access.yaml"), `${ACCESS}# edited\n`);
    mkdirSync(join(dir, "docs"));
    writeFileSync(join(dir, "docs", "notes.md"), "notes\n");
    const built = await build(dir, { allowDirty: true });
    expect(built.dirty).toEqual(["policies/access.yaml"]);
    expect(built.payload.sources.map((s) => s.path)).toEqual(["edict.yaml", "policies/access.yaml"]);
  });
});

describe("buildBundle with a previous release", () => {
  it("continues serial and version: unchanged / neutral by default, the caller's verdict otherwise", async () => {
    const { dir } = gitRepoWith({ "edict.yaml": SMALL_CONFIG, "policies/access.yaml": ACCESS });
    const first = await build(dir);
    expect(first.payload).toMatchObject({ version: "0.3.0", serial: 1, expires_at: "2026-01-02T15:04:05Z" });
    expect(first.verdict).toBeUndefined();

    commitAll(dir, "empty", "2026-01-03T00:00:00Z");
    const same = await build(dir, { previousBundle: first.bundleBytes });
    expect(same.payload).toMatchObject({ version: "0.3.1", serial: 2 });
    expect(same.verdict).toBe("unchanged");
    expect(same.previous).toEqual({ version: "0.3.0", serial: 1 });
    // no change can be claimed on identical targets
    const claimed = await caughtAsync(() => build(dir, { previousBundle: first.bundleBytes, verdict: "tightened" }));
    expect(claimed.code).toBe("USAGE");
    expect(claimed.message).toMatch(/^--verdict tightened claims a change, but the targets are identical to the previous bundle's \(0\.3\.0, digest [0-9a-f]{12}…\); drop --verdict/);
    expect((await build(dir, { previousBundle: first.bundleBytes, verdict: "unchanged" })).payload.version).toBe("0.3.1");

    writeFileSync(join(dir, "policies/access.yaml"), ACCESS.replace("db:Delete", "db:Drop"));
    commitAll(dir, "change", "2026-01-04T00:00:00Z");
    const changed = await build(dir, { previousBundle: same.bundleBytes });
    expect(changed.payload).toMatchObject({ version: "0.3.2", serial: 3 });
    expect(changed.verdict).toBe("neutral");
    const tightened = await build(dir, { previousBundle: same.bundleBytes, verdict: "tightened" });
    expect(tightened.payload).toMatchObject({ version: "1.0.0", serial: 3 });
    expect(tightened.tag).toBe("policy-v1.0.0");
    const loosened = await build(dir, { previousBundle: same.bundleBytes, verdict: "loosened" });
    expect(loosened.payload.version).toBe("0.4.0");
  });

  it("verifies the previous bundle: signer, name and integrity; an expired one still counts", async () => {
    const { dir } = gitRepoWith({ "edict.yaml": SMALL_CONFIG, "policies/access.yaml": ACCESS });
    const byOther = await buildBundle({ root: dir, privateKeys: [OUTSIDER], now: VALID_NOW });
    const e = await caughtAsync(() => build(dir, { previousBundle: byOther.bundleBytes }));
    expect(e).toBeInstanceOf(BundleError);
    expect(e.code).toBe("UNTRUSTED_KEY");
    const ok = await build(dir, { previousBundle: byOther.bundleBytes, previousTrustedKeys: [OUTSIDER.publicKey] });
    expect(ok.payload.serial).toBe(2);

    const other = gitRepoWith({ "edict.yaml": SMALL_CONFIG.replace("name: acme", "name: payroll") });
    const foreign = await build(other.dir);
    const mixed = await caughtAsync(() => build(dir, { previousBundle: foreign.bundleBytes }));
    expect(mixed.code).toBe("NAME_MISMATCH");
    expect(mixed.message).toBe('bundle is for "payroll", expected "acme"');

    const tampered = Uint8Array.from(ok.bundleBytes);
    tampered[40]! ^= 1;
    expect((await caughtAsync(() => build(dir, { previousBundle: tampered }))).code).toMatch(/SIGNATURE_ERROR|FORMAT_ERROR/);

    const expiredPrevious = await build(dir);
    const later = new Date("2030-01-01T00:00:00Z");
    expect((await build(dir, { previousBundle: expiredPrevious.bundleBytes, now: later, sourceDateEpoch: String(later.getTime() / 1000) })).payload.serial).toBe(2);
  });
});

describe("buildBundle in a subfolder of a git repository", () => {
  it("reads the policy root's files with paths relative to it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-mono-"));
    git(dir, ["init", "-q"]);
    mkdirSync(join(dir, "infra", "policy", "policies"), { recursive: true });
    writeFileSync(join(dir, "infra", "policy", "edict.yaml"), SMALL_CONFIG);
    writeFileSync(join(dir, "infra", "policy", "policies", "access.yaml"), ACCESS);
    writeFileSync(join(dir, "policies.yaml"), "outside the root\n");
    mkdirSync(join(dir, "policies"));
    writeFileSync(join(dir, "policies", "outside.yaml"), ACCESS);
    commitAll(dir);
    const built = await build(join(dir, "infra", "policy"));
    expect(built.payload.sources.map((s) => s.path)).toEqual(["edict.yaml", "policies/access.yaml"]);
    rmSync(join(dir, "infra", "policy", "policies", "access.yaml"));
    expect((await caughtAsync(() => build(join(dir, "infra", "policy")))).message).toMatch(/uncommitted changes to policies\/access\.yaml/);
    expect(existsSync(join(dir, "policies", "outside.yaml"))).toBe(true);
  });
});
