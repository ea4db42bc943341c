import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { isEdictError } from "../../../src/errors.js";
import { packChecksum } from "../../../src/pack/checksum.js";
import { readWorkingTreeFiles } from "../../../src/io/read-repository.js";
import { CACHE_GITIGNORE, GIT_CACHE_DIR } from "../../../src/pack/sources/git-cache.js";
import {
  commitOfRef,
  formatGitPin,
  gitLocationOf,
  parseGitPin,
  parseLsRemote,
  refProblem,
  withoutCredentials,
} from "../../../src/pack/sources/git-refs.js";
import { gitSource } from "../../../src/pack/sources/git-source.js";
import { packFiles, writeTree } from "../fixtures.js";
import { git, makeRemote } from "./git-remote.js";

const A = "a".repeat(40);
const B = "b".repeat(40);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    if (isEdictError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error("expected a refusal");
}

function project(): string {
  return mkdtempSync(join(tmpdir(), "edict-project-"));
}

/** Two packs, `base` at `version` and `extra` depending on it. */
function library(version: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...packFiles("base", { version }), ...packFiles("extra", { version: "2.0.0", deps: ["base@^1.0.0"], layer: "domain", band: [500, 599] }), ...extra };
}

describe("git refs (pure)", () => {
  it("reads ls-remote output, peeling annotated tags and preferring a branch over a tag of the same name", () => {
    const remote = parseLsRemote(`ref: refs/heads/main\tHEAD\n${A}\tHEAD\n${A}\trefs/heads/main\n${B}\trefs/tags/v1\n${A}\trefs/tags/v1^{}\n${B}\trefs/tags/main\n`);
    expect(remote.headTarget).toBe("refs/heads/main");
    expect(commitOfRef(remote, "v1")).toEqual({ ref: "refs/tags/v1", commit: A });
    expect(commitOfRef(remote, "main")).toEqual({ ref: "refs/heads/main", commit: A });
    expect(commitOfRef(remote, "refs/tags/main")).toEqual({ ref: "refs/tags/main", commit: B });
    expect(commitOfRef(remote, "nope")).toBeUndefined();
  });

  it("round-trips pins, also for scp-like URLs that hold an @", () => {
    const pin = formatGitPin("git@github.com:acme/packs.git", A, "hipaa");
    expect(pin).toBe(`git+git@github.com:acme/packs.git@${A}#packs/hipaa`);
    expect(parseGitPin(pin)).toEqual({ url: "git@github.com:acme/packs.git", commit: A, name: "hipaa" });
    expect(parseGitPin("sha256:" + "0".repeat(64))).toBeUndefined();
    expect(parseGitPin(`git+x@${A.slice(1)}#packs/hipaa`)).toBeUndefined();
  });

  it("keeps credentials out of pins and messages", () => {
    expect(withoutCredentials("https://x-access-token:s3cret@github.com/acme/p.git")).toBe("https://github.com/acme/p.git");
    expect(withoutCredentials("ssh://git@host/p.git")).toBe("ssh://git@host/p.git");
  });

  it("accepts ordinary transports and local paths, and refuses what git could read as an option or a helper", () => {
    expect(gitLocationOf("https://github.com/acme/p.git", "/r")).toEqual({ ok: true, url: "https://github.com/acme/p.git" });
    expect(gitLocationOf("git@github.com:acme/p.git", "/r")).toEqual({ ok: true, url: "git@github.com:acme/p.git" });
    expect(gitLocationOf("../shared.git", "/r/policies")).toEqual({ ok: true, url: "/r/shared.git" });
    expect(gitLocationOf("--upload-pack=touch /tmp/pwned", "/r").ok).toBe(false);
    expect(gitLocationOf("ext::sh -c touch% /tmp/pwned", "/r").ok).toBe(false);
    expect(gitLocationOf("fd::3", "/r").ok).toBe(false);
    expect(gitLocationOf("ftp://host/p.git", "/r").ok).toBe(false);
    for (const ok of ["main", "v1.2.0", "release/2026-02", "refs/tags/v1"]) expect(refProblem(ok)).toBeUndefined();
    for (const bad of ["--upload-pack=x", "-main", "a..b", "main@{1}", "HEAD~1", "x.lock", "a//b", "main:evil", ".hidden", ""]) expect(refProblem(bad), bad).toBeDefined();
  });
});

describe("gitSource", () => {
  it("offers one version per pack at the ref's commit and fetches it pinned by commit, from a file:// URL", async () => {
    const remote = makeRemote();
    const commit = remote.push(library("1.0.0"));
    const root = project();
    const source = gitSource({ name: "shared", git: remote.url, ref: "main" }, { root });
    expect(source.kind).toBe("git");
    const offers = await source.offers();
    expect(offers).toEqual([
      { name: "base", version: "1.0.0", layer: "foundation", description: "test pack base", dependencies: [], source: "shared" },
      { name: "extra", version: "2.0.0", layer: "domain", description: "test pack extra", dependencies: ["base@^1.0.0"], source: "shared" },
    ]);
    const fetched = await source.fetch("extra", "2.0.0");
    expect(fetched.origin).toEqual({ source: "shared", resolved: `git+${remote.url}@${commit}#packs/extra` });
    expect(fetched.pack.policies.map((p) => p.installPath)).toEqual(["policies/extra__01__first.yaml", "policies/extra__02__second.yaml"]);
    // the same files give the same checksum as from a folder on disk
    const enc = new TextEncoder();
    const onDisk = Object.entries(packFiles("extra", { version: "2.0.0", deps: ["base@^1.0.0"], layer: "domain", band: [500, 599] })).map(([p, t]) => ({ path: p.slice("packs/extra/".length), bytes: enc.encode(t) }));
    expect(fetched.pack.checksum).toBe(packChecksum(onDisk));
    expect(fetched.pack.problems).toEqual([]);
    // the commit is cached in a bare repository under .edict/cache/git/
    const cached = readdirSync(join(root, ...GIT_CACHE_DIR.split("/")));
    expect(cached).toHaveLength(1);
    expect(git(join(root, GIT_CACHE_DIR, cached[0]!), "rev-parse", `refs/edict/${commit}`)).toBe(commit);
  });

  it("keeps the cache out of git and out of what edict reads from the repository", async () => {
    const remote = makeRemote();
    remote.push(library("1.0.0"));
    const root = project();
    writeTree(root, { "edict.yaml": "name: acme\ntargets:\n  production: {}\n" });
    git(root, "init", "--quiet");
    const before = await readWorkingTreeFiles(root, { keys: true });
    await gitSource({ name: "shared", git: remote.url }, { root }).fetch("base", "1.0.0");
    expect(readFileSync(join(root, ".edict/cache/.gitignore"), "utf8")).toBe(CACHE_GITIGNORE);
    expect(git(root, "status", "--porcelain", "--untracked-files=all")).toBe("?? edict.yaml");
    expect((await readWorkingTreeFiles(root, { keys: true })).map((f) => f.path)).toEqual(before.map((f) => f.path));
  });

  it("reads a local path relative to the repository root, at the remote's default branch when no ref is given", async () => {
    const remote = makeRemote();
    remote.push(library("1.0.0"));
    const trunk = remote.push(library("1.1.0"), { branch: "trunk" });
    git(remote.dir, "symbolic-ref", "HEAD", "refs/heads/trunk");
    const root = project();
    const source = gitSource({ name: "shared", git: relative(root, remote.dir) }, { root });
    expect((await source.offers()).map((o) => `${o.name}@${o.version}`)).toEqual(["base@1.1.0", "extra@2.0.0"]);
    expect((await source.fetch("base", "1.1.0")).origin.resolved).toBe(`git+${relative(root, remote.dir)}@${trunk}#packs/base`);
  });

  it("resolves an annotated tag to the commit it points at", async () => {
    const remote = makeRemote();
    const first = remote.push(library("1.0.0"));
    remote.push(library("1.1.0"));
    remote.tag("v1", first);
    const source = gitSource({ name: "shared", git: remote.url, ref: "v1" }, { root: project() });
    expect((await source.offers()).find((o) => o.name === "base")?.version).toBe("1.0.0");
    expect((await source.fetch("base", "1.0.0")).origin.resolved).toBe(`git+${remote.url}@${first}#packs/base`);
  });

  it("ignores files that are not part of a pack and folders without metadata", async () => {
    const remote = makeRemote();
    remote.push({ ...library("1.0.0"), "README.md": "# packs\n", "packs/base/NOTES.md": "notes\n", "packs/empty/policies/01_x.yaml": "x: 1\n" });
    const source = gitSource({ name: "shared", git: remote.url }, { root: project() });
    expect((await source.offers()).map((o) => o.name)).toEqual(["base", "extra"]);
    expect((await source.fetch("base", "1.0.0")).pack.files.map((f) => f.path)).toEqual(["metadata.yaml", "policies/01_first.yaml", "policies/02_second.yaml"]);
  });

  it("sees one commit per run: offers and a later fetch agree even when the branch moves in between", async () => {
    const remote = makeRemote();
    const first = remote.push(library("1.0.0"));
    const source = gitSource({ name: "shared", git: remote.url }, { root: project() });
    await source.offers();
    remote.push(library("1.1.0"));
    expect((await source.fetch("base", "1.0.0")).origin.resolved).toBe(`git+${remote.url}@${first}#packs/base`);
  });

  it("fetches exactly the pinned commit after the tag moved, from the cache and from the remote", async () => {
    const remote = makeRemote();
    const first = remote.push(library("1.0.0"));
    remote.tag("stable", first);
    const root = project();
    const installed = await gitSource({ name: "shared", git: remote.url, ref: "stable" }, { root }).fetch("base", "1.0.0");
    const pin = installed.origin.resolved;

    // the tag moves to new content of the same version: a new run offers the new commit ...
    const second = remote.push(library("1.0.0", { "packs/base/policies/03_third.yaml": "apiVersion: edict/v1\nkind: RuntimePolicy\nmetadata:\n  id: base_third\n  priority: 102\nspec:\n  security_level: high\n" }));
    remote.tag("stable", second);
    const moved = gitSource({ name: "shared", git: remote.url, ref: "stable" }, { root });
    expect((await moved.fetch("base", "1.0.0")).origin.resolved).toBe(`git+${remote.url}@${second}#packs/base`);
    // ... but the pin still gives what was installed
    const again = await gitSource({ name: "shared", git: remote.url, ref: "stable" }, { root }).fetch("base", "1.0.0", pin);
    expect(again.origin.resolved).toBe(pin);
    expect(again.pack.checksum).toBe(installed.pack.checksum);
    expect(again.pack.files).toHaveLength(3);

    // on a fresh machine (no cache) the pinned commit is fetched from the remote
    rmSync(join(root, ".edict"), { recursive: true, force: true });
    const fresh = await gitSource({ name: "shared", git: remote.url, ref: "stable" }, { root }).fetch("base", "1.0.0", pin);
    expect(fresh.pack.checksum).toBe(installed.pack.checksum);
  });

  it("reinstalls a cached pin without reaching the remote", async () => {
    const remote = makeRemote();
    remote.push(library("1.0.0"));
    const root = project();
    const { origin, pack } = await gitSource({ name: "shared", git: remote.url }, { root }).fetch("base", "1.0.0");
    rmSync(remote.dir, { recursive: true, force: true });
    const again = await gitSource({ name: "shared", git: remote.url }, { root }).fetch("base", "1.0.0", origin.resolved);
    expect(again.pack.checksum).toBe(pack.checksum);
  });

  it("refuses a pin whose commit the remote no longer has (force-pushed away) with PACK_PIN_MISMATCH", async () => {
    const parent = mkdtempSync(join(tmpdir(), "edict-git-"));
    const remote = makeRemote(parent);
    remote.push(library("1.0.0"));
    const root = project();
    const { origin } = await gitSource({ name: "shared", git: remote.url }, { root }).fetch("base", "1.0.0");
    // history rewritten: the pinned commit is unreachable and collected
    const work = join(parent, "work");
    git(work, "checkout", "--quiet", "--orphan", "rewritten");
    writeTree(work, library("1.0.0", { "packs/base/README.md": "rewritten\n" }));
    git(work, "add", "--all");
    git(work, "commit", "--quiet", "-m", "rewritten");
    git(work, "push", "--quiet", "--force", remote.dir, "HEAD:refs/heads/main");
    git(remote.dir, "reflog", "expire", "--expire=now", "--all");
    git(remote.dir, "gc", "--quiet", "--prune=now");
    rmSync(join(root, ".edict"), { recursive: true, force: true });
    expect(await codeOf(gitSource({ name: "shared", git: remote.url }, { root }).fetch("base", "1.0.0", origin.resolved))).toMatch(
      /^PACK_PIN_MISMATCH: base 1\.0\.0 was installed from git\+file:.*, but commit [0-9a-f]{40} cannot be fetched from file:.* any more \(.*\)\. Run `edict pack install base`/,
    );
  });

  it("refuses a pin for another version, another URL, another pack or of another kind with PACK_PIN_MISMATCH", async () => {
    const remote = makeRemote();
    const commit = remote.push(library("1.0.0"));
    const root = project();
    const source = gitSource({ name: "shared", git: remote.url }, { root });
    const pin = formatGitPin(remote.url, commit, "base");
    expect(await codeOf(source.fetch("base", "1.1.0", pin))).toMatch(/^PACK_PIN_MISMATCH: base 1\.1\.0 was installed from .*, but packs\/base at commit [0-9a-f]{40} is version 1\.0\.0\./);
    expect(await codeOf(source.fetch("base", "1.0.0", formatGitPin("https://elsewhere.example/p.git", commit, "base")))).toMatch(/^PACK_PIN_MISMATCH: .*git source shared now reads file:/);
    expect(await codeOf(source.fetch("base", "1.0.0", formatGitPin(remote.url, commit, "extra")))).toMatch(/^PACK_PIN_MISMATCH: .*the pin names packs\/extra/);
    expect(await codeOf(source.fetch("base", "1.0.0", "sha256:" + "0".repeat(64)))).toMatch(/^PACK_PIN_MISMATCH: .*not a git pin/);
    expect(await codeOf(source.fetch("nope", "1.0.0", formatGitPin(remote.url, commit, "nope")))).toMatch(/^PACK_PIN_MISMATCH: .*commit [0-9a-f]{40} has no packs\/nope/);
  });

  it("reports an unreachable remote, a missing ref, an empty repository and an unknown pack as PACK_SOURCE_ERROR", async () => {
    const root = project();
    const missing = join(root, "no-such-repo.git");
    expect(await codeOf(gitSource({ name: "shared", git: missing }, { root }).offers())).toMatch(/^PACK_SOURCE_ERROR: git source shared \(.*no-such-repo\.git\): cannot list its branches and tags: .*Check the URL/);
    const remote = makeRemote();
    expect(await codeOf(gitSource({ name: "shared", git: remote.url }, { root }).offers())).toMatch(/^PACK_SOURCE_ERROR: .*has no default branch/);
    remote.push(library("1.0.0"));
    expect(await codeOf(gitSource({ name: "shared", git: remote.url, ref: "v9" }, { root }).offers())).toMatch(/^PACK_SOURCE_ERROR: .*has no branch or tag named v9; fix ref: in edict\.yaml$/);
    const source = gitSource({ name: "shared", git: remote.url }, { root });
    expect(await codeOf(source.fetch("nope", "1.0.0"))).toMatch(/^PACK_SOURCE_ERROR: .*has no pack named nope \(it has: base, extra\)$/);
    expect(await codeOf(source.fetch("base", "9.0.0"))).toMatch(/^PACK_SOURCE_ERROR: .*has base 1\.0\.0, not 9\.0\.0/);
    // a cached pin with the remote gone but the commit never fetched: the source cannot be reached
    rmSync(remote.dir, { recursive: true, force: true });
    expect(await codeOf(gitSource({ name: "shared", git: remote.url }, { root: project() }).fetch("base", "1.0.0", formatGitPin(remote.url, A, "base")))).toMatch(/^PACK_SOURCE_ERROR: .*cannot reach it/);
  });

  it("refuses a git value or ref that git could read as an option, without running git", async () => {
    const root = project();
    const marker = join(root, "pwned");
    for (const config of [
      { name: "evil", git: `--upload-pack=touch ${marker}` },
      { name: "evil", git: `ext::sh -c touch% ${marker}` },
      { name: "evil", git: "file:///nowhere.git", ref: `--upload-pack=touch ${marker}` },
    ]) {
      const source = gitSource(config, { root });
      expect(await codeOf(source.offers())).toMatch(/^CONFIG_ERROR: packs\.sources "evil": /);
      expect(await codeOf(source.fetch("base", "1.0.0"))).toMatch(/^CONFIG_ERROR: /);
    }
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(root, ".edict"))).toBe(false);
  });

  it("keeps a token written in an https URL out of the pin", async () => {
    const source = gitSource({ name: "shared", git: "https://x-access-token:s3cret@127.0.0.1:9/acme/packs.git" }, { root: project() });
    const refusal = await codeOf(source.fetch("base", "1.0.0", formatGitPin("https://127.0.0.1:9/acme/packs.git", A, "other")));
    expect(refusal).toMatch(/^PACK_PIN_MISMATCH: .*the pin names packs\/other/);
    expect(refusal).not.toContain("s3cret");
  });
});
