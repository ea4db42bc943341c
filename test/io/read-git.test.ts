/** Reading a repository at a git revision, on real temporary git repositories. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { EdictError } from "../../src/errors.js";
import { readRepositoryAtRevision, resolveRevision } from "../../src/io/read-git.js";
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
