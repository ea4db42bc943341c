/**
 * ensureCommit's fetch of a commit a shallow checkout lacks, on real git repositories, with
 * GitHub's git host failing through an injected runner: a 502 is retried, a missing commit is not.
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { classifyGitFailure, ensureCommit } from "../../src/action/git.js";
import type { GitRunner } from "../../src/action/git.js";

const realGit: GitRunner = (args, options) => promisify(execFile)("git", args, options);
const BAD_GATEWAY = "fatal: unable to access 'https://github.com/acme/policies/': The requested URL returned error: 502";

/** A git that fails its first `failures` runs with `stderr`, then is the real one; it counts its runs. */
function flakyGit(failures: number, stderr = BAD_GATEWAY): GitRunner & { runs: number } {
  const runner = Object.assign(
    async (args: string[], options: Parameters<GitRunner>[1]) => {
      runner.runs++;
      if (runner.runs <= failures) throw Object.assign(new Error("Command failed: git fetch"), { code: 128, stderr: `${stderr}\n` });
      return realGit(args, options);
    },
    { runs: 0 },
  );
  return runner;
}

let checkout = "";
let base = "";

beforeAll(() => {
  const tmp = mkdtempSync(join(tmpdir(), "edict-ensure-commit-"));
  const origin = join(tmp, "origin");
  const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd, encoding: "utf8" }).trim();
  execFileSync("git", ["init", "--quiet", "--initial-branch=main", origin]);
  writeFileSync(join(origin, "a.txt"), "1");
  git(origin, "add", "-A");
  git(origin, "commit", "--quiet", "-m", "base");
  base = git(origin, "rev-parse", "HEAD");
  writeFileSync(join(origin, "a.txt"), "2");
  git(origin, "commit", "--quiet", "-am", "head");
  // allow fetching a commit by id, as GitHub does
  git(origin, "config", "uploadpack.allowAnySHA1InWant", "true");
  checkout = join(tmp, "checkout");
  git(tmp, "clone", "--quiet", "--depth=1", `file://${origin}`, checkout);
});

describe("ensureCommit", () => {
  it("retries a fetch GitHub answers with 502, and logs it", async () => {
    const git = flakyGit(1);
    const lines: string[] = [];
    const waits: number[] = [];
    expect(await ensureCommit(checkout, base, (l) => lines.push(l), { git, sleep: async (ms) => void waits.push(ms) })).toBe(true);
    expect(git.runs).toBe(2);
    expect(waits).toEqual([2000]);
    expect(lines).toContain(`GitHub answered HTTP 502 (server error) to git fetch origin ${base.slice(0, 12)}: retrying in 2 s (attempt 2 of 4)`);
  });

  it("gives up after four attempts when GitHub stays down, saying so", async () => {
    const git = flakyGit(Infinity);
    const error = await ensureCommit(checkout, "e".repeat(40), () => undefined, { git, sleep: async () => undefined }).then(() => new Error("expected a failure"), (e: unknown) => e as Error);
    expect(error).toMatchObject({ code: "GIT_ERROR" });
    expect(error.message).toMatch(/^cannot fetch commit e{40} from origin: fatal: unable to access .* returned error: 502 \(after 4 attempts\); check out with `fetch-depth: 0`/);
    expect(git.runs).toBe(4);
  });

  it("does not retry a commit origin lacks", async () => {
    const git = flakyGit(0);
    const error = await ensureCommit(checkout, "f".repeat(40), () => undefined, { git, sleep: async () => undefined }).then(() => new Error("expected a failure"), (e: unknown) => e as Error);
    expect(error).toMatchObject({ code: "GIT_ERROR" });
    expect(error.message).not.toContain("attempts");
    expect(git.runs).toBe(1);
  });
});

describe("classifyGitFailure", () => {
  it("retries 5xx, 429 and broken connections; not timeouts, missing commits or refused credentials", () => {
    const failed = (stderr: string, extra: object = {}) => Object.assign(new Error("Command failed"), { stderr, ...extra });
    expect(classifyGitFailure(failed(BAD_GATEWAY))).toEqual({ kind: "server error", status: 502 });
    expect(classifyGitFailure(failed("error: RPC failed; HTTP 429 curl 22 The requested URL returned error: 429"))).toEqual({ kind: "secondary rate limit", status: 429 });
    expect(classifyGitFailure(failed("fatal: unable to access 'https://github.com/a/b/': Could not resolve host: github.com"))).toEqual({ kind: "connection failure", status: 500 });
    expect(classifyGitFailure(failed("fetch-pack: unexpected disconnect while reading sideband packet"))).toEqual({ kind: "connection failure", status: 500 });
    expect(classifyGitFailure(failed(BAD_GATEWAY, { killed: true }))).toBeUndefined();
    expect(classifyGitFailure(failed("fatal: remote error: upload-pack: not our ref ffffffff"))).toBeUndefined();
    expect(classifyGitFailure(failed("fatal: Authentication failed for 'https://github.com/a/b/'"))).toBeUndefined();
    expect(classifyGitFailure(failed("fatal: unable to access 'https://github.com/a/b/': The requested URL returned error: 403"))).toBeUndefined();
  });
});
