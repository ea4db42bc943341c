/** Reading a repository from git (for the diff and for bundles), on real temporary git repositories. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EdictError } from "../../src/errors.js";
import { listTree, listUncommittedPaths, openGit, readFilesAt, readHead, readRepositoryAtRevision, resolveCommit, resolveRevision } from "../../src/io/git.js";
import { MAX_FILE_BYTES } from "../../src/model/source.js";

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "edict test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "edict test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_AUTHOR_DATE: "2025-01-01T00:00:00Z",
  GIT_COMMITTER_DATE: "2025-01-01T00:00:00Z",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args], { cwd, env: GIT_ENV, encoding: "utf8" }).trim();
}

function write(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

function commitAll(dir: string, message: string): string {
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", message);
  return git(dir, "rev-parse", "HEAD");
}

const policy = (id: string, tokens: number) =>
  `apiVersion: edict/v1\nkind: AccessPolicy\nmetadata: { id: ${id}, priority: 100 }\nspec:\n  Version: "2024-12-02"\n  ResourceLimits: { MaxTokens: ${tokens} }\n`;
const CONFIG = "name: t\nversion: 0.1.0\ntargets: { production: {} }\n";

async function gitError(p: Promise<unknown>): Promise<EdictError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(EdictError);
    return e as EdictError;
  }
  throw new Error("expected an error");
}

describe("readRepositoryAtRevision", () => {
  let dir: string;
  let first: string;
  let second: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "edict-git-"));
    git(dir, "init", "-q");
    write(dir, { "edict.yaml": CONFIG, "policies/a.yaml": policy("a", 1000), "README.md": "not read\n" });
    first = commitAll(dir, "first");
    write(dir, {
      "policies/a.yaml": policy("a", 2000),
      "policies/b.yaml": policy("b", 3000),
      // non-UTF-8 and CRLF bytes must reach the parser unchanged
      "policies/latin1.yaml": new Uint8Array([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0d, 0x0a]),
      "policies/big.yaml": "#".repeat(MAX_FILE_BYTES + 10),
    });
    second = commitAll(dir, "second");
    // uncommitted work must not leak into a revision read
    write(dir, { "policies/a.yaml": policy("a", 9999), "policies/c.yaml": policy("c", 1) });
  });

  it("reads the files edict knows as they were at the revision, without a checkout", async () => {
    const old = await readRepositoryAtRevision(dir, "HEAD~1");
    expect(old.commit).toBe(first);
    expect(old.repo.files.map((f) => f.path)).toEqual(["edict.yaml", "policies/a.yaml"]);
    expect(old.repo.byPath.get("policies/a.yaml")!.source.text).toBe(policy("a", 1000));
    const head = await readRepositoryAtRevision(dir, "main");
    expect(head.commit).toBe(second);
    expect(head.repo.files.map((f) => f.path)).toEqual(["edict.yaml", "policies/a.yaml", "policies/b.yaml", "policies/big.yaml", "policies/latin1.yaml"]);
    expect(head.repo.byPath.get("policies/a.yaml")!.source.text).toBe(policy("a", 2000));
    expect(head.files.map((f) => f.path)).toEqual(head.repo.files.map((f) => f.path));
    expect(await resolveRevision(dir, first.slice(0, 10))).toBe(first);
  });

  it("hands the parser the exact bytes (encoding problems and size caps are reported, not hidden)", async () => {
    const { repo } = await readRepositoryAtRevision(dir, second);
    expect(repo.byPath.get("policies/latin1.yaml")!.source.problems.map((p) => p.code)).toContain("invalid-encoding");
    expect(repo.byPath.get("policies/big.yaml")!.source.problems.map((p) => p.code)).toContain("file-too-large");
  });

  it("reads a policy repository kept in a sub-folder of the git work tree", async () => {
    const mono = mkdtempSync(join(tmpdir(), "edict-mono-"));
    git(mono, "init", "-q");
    write(mono, { "infra/policy/edict.yaml": CONFIG, "infra/policy/policies/a.yaml": policy("a", 5), "policies/outside.yaml": policy("o", 1) });
    commitAll(mono, "mono");
    const { repo } = await readRepositoryAtRevision(join(mono, "infra", "policy"), "HEAD");
    expect(repo.files.map((f) => f.path)).toEqual(["edict.yaml", "policies/a.yaml"]);
  });

  it("refuses an unknown revision and one that looks like an option", async () => {
    const e = await gitError(readRepositoryAtRevision(dir, "no-such-branch"));
    expect(e.code).toBe("GIT_ERROR");
    expect(e.message).toMatch(/^unknown git revision "no-such-branch"/);
    const opt = await gitError(readRepositoryAtRevision(dir, "--output=/tmp/x"));
    expect(opt.code).toBe("USAGE");
  });

  it("says clearly when the folder is not in a git repository", async () => {
    const plain = mkdtempSync(join(tmpdir(), "edict-plain-"));
    const e = await gitError(readRepositoryAtRevision(plain, "HEAD"));
    expect(e.code).toBe("GIT_ERROR");
    expect(e.message).toContain("is not inside a git repository");
    const missing = await gitError(readRepositoryAtRevision(join(plain, "nope"), "HEAD"));
    expect(missing.code).toBe("NOT_FOUND");
  });

  it("tells how to fetch a base commit a shallow clone lacks", async () => {
    const clone = join(mkdtempSync(join(tmpdir(), "edict-shallow-")), "clone");
    git(tmpdir(), "clone", "-q", "--depth", "1", `file://${dir}`, clone);
    const e = await gitError(readRepositoryAtRevision(clone, first));
    expect(e.code).toBe("GIT_ERROR");
    expect(e.message).toContain(`git fetch --depth=1 origin ${first}`);
    expect(e.message).toContain("fetch-depth: 0");
    // the head commit is there
    expect((await readRepositoryAtRevision(clone, "HEAD")).commit).toBe(second);
  });

  it("reads 1,000 files quickly (two git processes, not one per file)", async () => {
    const big = mkdtempSync(join(tmpdir(), "edict-many-"));
    git(big, "init", "-q");
    const files: Record<string, string> = { "edict.yaml": CONFIG };
    for (let i = 0; i < 1000; i++) files[`policies/p${String(i).padStart(4, "0")}.yaml`] = policy(`p${i}`, i);
    write(big, files);
    commitAll(big, "many");
    const start = performance.now();
    const { repo } = await readRepositoryAtRevision(big, "HEAD");
    const ms = performance.now() - start;
    expect(repo.policies).toHaveLength(1000);
    expect(repo.byPath.get("policies/p0999.yaml")!.source.text).toBe(policy("p999", 999));
    expect(ms).toBeLessThan(5000);
  });
});

describe("git for bundles", () => {
  let dir: string;
  let commit: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "edict-bundle-git-"));
    git(dir, "init", "-q");
    write(dir, {
      "policy/edict.yaml": CONFIG,
      "policy/policies/a.yaml": policy("a", 1),
      "policy/policies/big.yaml": "#".repeat(MAX_FILE_BYTES + 10),
      "policy/notes.md": "not read\n",
      "outside.yaml": "not read\n",
    });
    symlinkSync("a.yaml", join(dir, "policy", "policies", "link.yaml"));
    commit = commitAll(dir, "bundle");
  });

  it("lists the files edict reads at a commit with their sizes, links skipped, relative to the policy root", async () => {
    const repo = await openGit(join(dir, "policy"), "bundle");
    expect(repo.prefix).toBe("policy/");
    expect((await listTree(repo, commit)).map((e) => [e.path, e.size])).toEqual([
      ["edict.yaml", CONFIG.length],
      ["policies/a.yaml", policy("a", 1).length],
      ["policies/big.yaml", MAX_FILE_BYTES + 10],
    ]);
    expect(await readHead(repo)).toEqual({ revision: commit, commitTime: Date.parse("2025-01-01T00:00:00Z") / 1000 });
  });

  it("caps blobs as the diff does: an oversized one is a placeholder one byte past the cap, never read", async () => {
    const files = await readFilesAt(await openGit(join(dir, "policy"), "bundle"), commit);
    expect(files.map((f) => [f.path, f.bytes.length])).toEqual([
      ["edict.yaml", CONFIG.length],
      ["policies/a.yaml", policy("a", 1).length],
      ["policies/big.yaml", MAX_FILE_BYTES + 1],
    ]);
    expect(files[2]!.bytes.every((b) => b === 0)).toBe(true);
  });

  it("lists uncommitted changes to files edict reads, and nothing else", async () => {
    const clone = mkdtempSync(join(tmpdir(), "edict-dirty-"));
    git(tmpdir(), "clone", "-q", dir, clone);
    write(clone, { "policy/policies/a.yaml": policy("a", 2), "policy/policies/new.yaml": policy("n", 1), "policy/notes.md": "edited\n", "outside.yaml": "edited\n" });
    expect(await listUncommittedPaths(await openGit(join(clone, "policy"), "bundle"))).toEqual(["policies/a.yaml", "policies/new.yaml"]);
  });

  it("words errors for a bundle, pointing at the root", async () => {
    const plain = mkdtempSync(join(tmpdir(), "edict-plain-"));
    const notRepo = await gitError(openGit(plain, "bundle"));
    expect(notRepo.code).toBe("GIT_ERROR");
    expect(notRepo.position).toEqual({ file: plain });
    expect(notRepo.message).toMatch(/^not a git repository \(.*\); a bundle's revision is a commit, so run `git init` and commit the policies first$/);
    const missing = await gitError(openGit(join(plain, "nope"), "bundle"));
    expect(missing.code).toBe("GIT_ERROR");
    expect(missing.message).toMatch(/^not a git repository \(cannot run git here: /);
    git(plain, "init", "-q");
    const empty = await gitError(readHead(await openGit(plain, "bundle")));
    expect(empty.message).toBe("the git repository has no commits yet; commit the policies first");

    const repo = await openGit(dir, "bundle");
    const unknown = await gitError(resolveCommit(repo, "f".repeat(40)));
    expect(unknown.message).toBe(`commit ${"f".repeat(40)} is not in this repository; fetch it first (a shallow clone lacks history: git fetch --unshallow)`);
    const bad = await gitError(resolveCommit(repo, "HEAD; rm -rf /"));
    expect(bad.code).toBe("GIT_ERROR");
    expect(bad.message).toBe('bad revision "HEAD; rm -rf /"');
    // the diff's wording for the same mistakes: no position, and the folder missing is NOT_FOUND
    const diffUnknown = await gitError(resolveCommit(await openGit(dir, "diff"), "f".repeat(40)));
    expect(diffUnknown.position).toBeUndefined();
    expect(diffUnknown.message).toMatch(/^unknown git revision "f{40}"/);
    expect((await gitError(openGit(join(plain, "nope"), "diff"))).code).toBe("NOT_FOUND");
  });
});
