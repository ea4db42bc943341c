/** Bare git repositories made by the tests, with packs pushed into them. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTree } from "../fixtures.js";

const IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"];

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", [...IDENTITY, ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

export interface TestRemote {
  /** The bare repository's folder. */
  dir: string;
  /** file:// URL of it. */
  url: string;
  /** Commits `files` (replacing the whole tree) on `branch` and pushes; returns the commit. */
  push(files: Record<string, string>, options?: { branch?: string; force?: boolean }): string;
  /** An annotated tag at `commit`, pushed (moved when it exists). */
  tag(name: string, commit: string): void;
}

export function makeRemote(parent: string = mkdtempSync(join(tmpdir(), "edict-git-"))): TestRemote {
  const dir = join(parent, "remote.git");
  const work = join(parent, "work");
  execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", dir]);
  execFileSync("git", ["init", "--quiet", "--initial-branch=main", work]);
  return {
    dir,
    url: `file://${dir}`,
    push(files, options = {}) {
      const branch = options.branch ?? "main";
      git(work, "checkout", "--quiet", "-B", branch);
      for (const entry of ["packs", "README.md"]) rmSync(join(work, entry), { recursive: true, force: true });
      writeTree(work, files);
      git(work, "add", "--all");
      git(work, "commit", "--quiet", "--allow-empty", "-m", `update ${branch}`);
      git(work, "push", "--quiet", ...(options.force ? ["--force"] : []), dir, `HEAD:refs/heads/${branch}`);
      return git(work, "rev-parse", "HEAD");
    },
    tag(name, commit) {
      git(work, "tag", "--force", "--annotate", "-m", name, name, commit);
      git(work, "push", "--quiet", "--force", dir, `refs/tags/${name}`);
    },
  };
}
