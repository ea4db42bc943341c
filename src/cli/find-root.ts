/**
 * Finding folders upward from where edict runs: the policy repository's root (the nearest folder
 * holding edict.yaml, the way git finds `.git`) and the git work tree a path lies in.
 */
import { statSync } from "node:fs";
import type { Stats } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { CONFIG_FILE } from "../model/repository.js";

/** What the walk needs to know about the file system; tests may pass their own. */
export interface FolderProbe {
  /** Whether `path` is a regular file (links followed). */
  isFile(path: string): boolean;
  /** Whether anything exists at `path` (a `.git` may be a folder, or a file in worktrees and submodules). */
  exists(path: string): boolean;
}

/** Stats of `path`, or undefined when there is nothing there or it cannot be looked at (ENOTDIR, EACCES). */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

export const nodeFolderProbe: FolderProbe = {
  isFile: (path) => statOf(path)?.isFile() ?? false,
  exists: (path) => statOf(path) !== undefined,
};

const GIT_DIR = ".git";

/** `start` (made absolute) and each of its parents up to the file system's root, nearest first. */
function* upward(start: string): Generator<string> {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    yield dir;
    if (dirname(dir) === dir) return;
  }
}

/**
 * The nearest folder from `cwd` upward that holds edict.yaml, or undefined. The search ends at
 * the top of the git work tree holding `cwd`: an edict.yaml above it belongs to another project.
 *
 * @example findRoot("/src/acme-policies/policies/access") // "/src/acme-policies"
 */
export function findRoot(cwd: string, probe: FolderProbe = nodeFolderProbe): string | undefined {
  for (const dir of upward(cwd)) {
    if (probe.isFile(join(dir, CONFIG_FILE))) return dir;
    if (probe.exists(join(dir, GIT_DIR))) return undefined;
  }
  return undefined;
}

/** The top of the git work tree that holds `path` (which need not exist yet), or undefined. */
export function findGitWorkTree(path: string, probe: FolderProbe = nodeFolderProbe): string | undefined {
  for (const dir of upward(path)) {
    if (probe.exists(join(dir, GIT_DIR))) return dir;
  }
  return undefined;
}
