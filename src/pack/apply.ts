/**
 * Carries out a pack plan on disk, all or nothing.
 *
 * 1. Check: every path is one a pack may write (`policies/<pack>__NN__<slug>.yaml` or the state
 *    file), `policies/` and `.edict/` are real folders inside the repository, files to add do
 *    not exist, files to replace or remove are regular files (never symlinks).
 * 2. Stage every new file and the new state in a fresh folder inside `.edict/` (same file
 *    system, so renames are atomic).
 * 3. Move every file to be replaced or removed, and the old state, into the staging folder
 *    (the backups), then rename the staged files into place.
 * 4. On any failure, undo the steps done so far in reverse, so the files and
 *    `.edict/packs.yaml` are exactly as before. On success, delete the backups.
 *
 * The file system is an injectable adapter so tests can fail every step.
 */
import { constants } from "node:fs";
import * as fsp from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import { EdictError } from "../errors.js";
import { PACK_STATE_FILE, POLICIES_DIR } from "../model/repository.js";
import { isWritablePackPath } from "./names.js";
import { isNoopPlan } from "./plan.js";
import type { PackPlan } from "./plan.js";

export interface FileKind {
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

/** The file-system calls applyPlan makes; every one may fail. */
export interface PackFs {
  lstat(path: string): Promise<FileKind>;
  realpath(path: string): Promise<string>;
  mkdir(path: string): Promise<void>;
  mkdtemp(prefix: string): Promise<string>;
  /** Creates a new file; fails when it exists. */
  writeFile(path: string, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
}

export const nodeFs: PackFs = {
  lstat: (p) => fsp.lstat(p),
  realpath: (p) => fsp.realpath(p),
  mkdir: async (p) => void (await fsp.mkdir(p)),
  mkdtemp: (p) => fsp.mkdtemp(p),
  writeFile: (p, d) => fsp.writeFile(p, d, { flag: constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY }),
  rename: (a, b) => fsp.rename(a, b),
  unlink: (p) => fsp.unlink(p),
  rmdir: (p) => fsp.rmdir(p),
};

export interface ApplyOptions {
  fs?: PackFs;
}

export interface ApplyResult {
  added: string[];
  replaced: string[];
  removed: string[];
  /** Problems after the change was made (a leftover temporary folder); the change itself stands. */
  warnings: string[];
}

const STATE_DIR = ".edict";
export const STAGING_PREFIX = ".pack-tmp-";
const JOURNAL = "journal.json";

/** What an interrupted run needs to be rolled back: paths relative to the staging folder and the root. */
interface Journal {
  moves: Array<{ backup: string; original: string }>;
  writes: Array<{ staged: string; target: string }>;
  state: { staged: string; backup?: string } | null;
}

function packError(message: string, cause?: unknown): EdictError {
  return new EdictError("PACK_ERROR", message, cause === undefined ? {} : { cause });
}

function code(e: unknown): string | undefined {
  return typeof e === "object" && e !== null && "code" in e ? String((e as { code: unknown }).code) : undefined;
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function lstatOrNull(fs: PackFs, path: string): Promise<FileKind | null> {
  try {
    return await fs.lstat(path);
  } catch (e) {
    if (code(e) === "ENOENT") return null;
    throw e;
  }
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

function abs(root: string, repoPath: string): string {
  return join(root, ...repoPath.split("/"));
}

/**
 * Symlink escape: `policies/` and `.edict/` must be folders that resolve inside the repository.
 * Returns whether the folder exists.
 */
async function checkFolder(fs: PackFs, root: string, realRoot: string, name: string): Promise<boolean> {
  const path = join(root, name);
  const st = await lstatOrNull(fs, path);
  if (!st) return false;
  if (st.isSymbolicLink()) {
    const real = await fs.realpath(path);
    if (!isInside(realRoot, real)) throw packError(`${name}/ is a symbolic link to ${real}, outside the repository; edict pack writes only inside the repository. Replace the link with a folder`);
    const target = await fs.lstat(real);
    if (!target.isDirectory()) throw packError(`${name}/ is a link to something that is not a folder; replace it with a folder`);
    return true;
  }
  if (!st.isDirectory()) throw packError(`${name} exists but is not a folder; move it away and try again`);
  return true;
}

/** Path traversal: every path the plan touches must be one a pack may write, each at most once. */
function checkPlanPaths(plan: PackPlan): void {
  const seen = new Set<string>();
  for (const p of [...plan.add.map((f) => f.path), ...plan.replace.map((f) => f.path), ...plan.remove]) {
    if (!isWritablePackPath(p) || p === PACK_STATE_FILE) throw packError(`refusing to write ${JSON.stringify(p)}: packs only write policies/<pack>__NN__<slug>.yaml and ${PACK_STATE_FILE}`);
    if (seen.has(p)) throw packError(`the plan touches ${p} twice; this is a bug in edict`);
    seen.add(p);
  }
}

interface Step {
  undo: () => Promise<void>;
  describe: string;
}

/**
 * Applies `plan` to the repository at `root`. Throws PACK_ERROR when anything fails; then the
 * repository is as it was (or, if even the undo failed, the message says where the backups are).
 */
export async function applyPlan(root: string, plan: PackPlan, options: ApplyOptions = {}): Promise<ApplyResult> {
  const fs = options.fs ?? nodeFs;
  checkPlanPaths(plan);
  const stateChanges = plan.stateText !== plan.previousStateText;
  const writes = [...plan.add, ...plan.replace];
  if (isNoopPlan(plan) || (writes.length === 0 && plan.remove.length === 0 && !stateChanges)) return { added: [], replaced: [], removed: [], warnings: [] };

  // 1. Check (nothing written yet, so a failure here needs no undo).
  let realRoot: string;
  let hasPolicies: boolean;
  let hasStateDir: boolean;
  try {
    realRoot = await fs.realpath(root);
    hasPolicies = await checkFolder(fs, root, realRoot, POLICIES_DIR);
    hasStateDir = await checkFolder(fs, root, realRoot, STATE_DIR);
    for (const f of plan.add) {
      if (hasPolicies && (await lstatOrNull(fs, abs(root, f.path)))) throw packError(`${f.path} appeared since the plan was made; run the command again`);
    }
    for (const p of [...plan.replace.map((f) => f.path), ...plan.remove]) {
      const st = hasPolicies ? await lstatOrNull(fs, abs(root, p)) : null;
      if (!st) throw packError(`${p} disappeared since the plan was made; run the command again`);
      if (!st.isFile()) throw packError(`${p} is not a regular file (a symbolic link or folder); edict pack does not follow links. Remove it and try again`);
    }
    const stateStat = hasStateDir ? await lstatOrNull(fs, abs(root, PACK_STATE_FILE)) : null;
    if (stateStat && !stateStat.isFile()) throw packError(`${PACK_STATE_FILE} is not a regular file; edict pack does not follow links. Replace it with the file itself`);
    if (Boolean(stateStat) !== (plan.previousStateText !== undefined)) throw packError(`${PACK_STATE_FILE} changed since the plan was made; run the command again`);
  } catch (e) {
    if (e instanceof EdictError) throw e;
    throw packError(`cannot check the repository before changing packs: ${reason(e)}; nothing was changed`, e);
  }

  const done: Step[] = [];
  const run = async (describe: string, action: () => Promise<void>, undo: () => Promise<void>) => {
    await action();
    done.push({ undo, describe });
  };
  // A failed write may leave a partial file, so its undo is registered before the write.
  const stage = async (describe: string, at: string, content: Uint8Array) => {
    done.push({ undo: () => fs.unlink(at).catch((e: unknown) => (code(e) === "ENOENT" ? undefined : Promise.reject(e))), describe });
    await fs.writeFile(at, content);
  };
  let staging: string | undefined;
  const backups: string[] = [];
  try {
    // 2. Folders and staging.
    if (!hasPolicies && writes.length > 0) {
      const dir = join(root, POLICIES_DIR);
      await run(`create ${POLICIES_DIR}/`, () => fs.mkdir(dir), () => fs.rmdir(dir));
    }
    if (!hasStateDir) {
      const dir = join(root, STATE_DIR);
      await run(`create ${STATE_DIR}/`, () => fs.mkdir(dir), () => fs.rmdir(dir));
    }
    const tmp = await fs.mkdtemp(join(root, STATE_DIR, STAGING_PREFIX));
    staging = tmp;
    done.push({ undo: () => fs.rmdir(tmp), describe: `create ${tmp}` });

    const staged: Array<{ from: string; to: string }> = [];
    for (const [i, f] of writes.entries()) {
      const at = join(tmp, `new-${i}`);
      await stage(`stage ${f.path}`, at, f.content);
      staged.push({ from: at, to: abs(root, f.path) });
    }
    let newState: string | undefined;
    let oldState: string | undefined;
    if (stateChanges) {
      newState = join(tmp, "new-state");
      await stage(`stage ${PACK_STATE_FILE}`, newState, new TextEncoder().encode(plan.stateText));
      if (plan.previousStateText !== undefined) {
        // A copy, not a move: the state file itself is never absent, even if the process dies.
        oldState = join(tmp, "old-state");
        await stage(`copy ${PACK_STATE_FILE}`, oldState, new TextEncoder().encode(plan.previousStateText));
        backups.push(oldState);
      }
    }

    // 3. Backups: move away what is replaced or removed, then rename the new files in. A journal
    // written first lets the next pack command roll back a run that was killed in between.
    const moveAway = [...plan.replace.map((f) => f.path), ...plan.remove];
    const journal: Journal = {
      moves: moveAway.map((p, i) => ({ backup: `old-${i}`, original: p })),
      writes: staged.filter((x) => x.from !== newState).map((x) => ({ staged: relative(tmp, x.from), target: relative(root, x.to).split(sep).join("/") })),
      state: newState ? { staged: "new-state", ...(oldState ? { backup: "old-state" } : {}) } : null,
    };
    await stage("write the journal", join(tmp, JOURNAL), new TextEncoder().encode(JSON.stringify(journal)));
    backups.push(join(tmp, JOURNAL));
    for (const [i, p] of moveAway.entries()) {
      const from = abs(root, p);
      const backup = join(tmp, `old-${i}`);
      await run(`back up ${p}`, () => fs.rename(from, backup), () => fs.rename(backup, from));
      backups.push(backup);
    }
    for (const s of staged.filter((x) => x.from !== newState)) await run(`write ${relative(root, s.to)}`, () => fs.rename(s.from, s.to), () => fs.rename(s.to, s.from));

    // 4. The commit point: the new state replaces the old one in a single rename, last, so a
    // crash before it leaves the old state describing the pack (lint and verify see the files
    // that differ) and a crash after it leaves the new state.
    if (newState) {
      const state = abs(root, PACK_STATE_FILE);
      const restore = oldState;
      await run(`write ${PACK_STATE_FILE}`, () => fs.rename(newState!, state), () => (restore ? fs.rename(restore, state) : fs.unlink(state)));
    }
  } catch (e) {
    const failed: string[] = [];
    for (const step of done.reverse()) {
      try {
        await step.undo();
      } catch (u) {
        failed.push(`${step.describe} (${reason(u)})`);
      }
    }
    if (failed.length > 0) {
      throw packError(
        `pack ${plan.operation} failed (${reason(e)}) and could not be fully undone: ${failed.join("; ")}.` +
          (staging ? ` The previous files are kept in ${relative(root, staging)}; move them back by hand.` : ""),
        e,
      );
    }
    throw packError(`pack ${plan.operation} failed: ${reason(e)}. Nothing was changed`, e);
  }

  // 5. Committed: deleting the backups is housekeeping; a failure there is only a warning.
  const warnings: string[] = [];
  try {
    for (const b of backups) await fs.unlink(b);
    await fs.rmdir(staging);
  } catch (e) {
    warnings.push(`could not delete the temporary folder ${relative(root, staging)} (${reason(e)}); delete it by hand`);
  }
  return { added: plan.add.map((f) => f.path), replaced: plan.replace.map((f) => f.path), removed: [...plan.remove], warnings };
}


async function exists(fs: PackFs, path: string): Promise<boolean> {
  return (await lstatOrNull(fs, path)) !== null;
}

/**
 * Finishes what a killed pack operation left in `.edict/.pack-tmp-*` (a crash runs no undo):
 * before the state file was replaced, the run is rolled back with its journal (new files moved
 * out, backups moved back); after it, the run had committed and only the backups are deleted.
 * Returns one line per folder handled. Call it before any pack operation.
 */
export async function recoverInterrupted(root: string, fs: PackFs = nodeFs): Promise<string[]> {
  const dir = join(root, STATE_DIR);
  let names: string[];
  try {
    names = (await fsp.readdir(dir)).filter((n) => n.startsWith(STAGING_PREFIX)).sort();
  } catch {
    return [];
  }
  const done: string[] = [];
  for (const name of names) {
    const tmp = join(dir, name);
    let journal: Journal | undefined;
    try {
      journal = JSON.parse(await fsp.readFile(join(tmp, JOURNAL), "utf8")) as Journal;
    } catch {
      journal = undefined; // killed before the journal: nothing outside the folder was touched
    }
    const committed = journal?.state ? !(await exists(fs, join(tmp, journal.state.staged))) : false;
    if (journal && !committed) {
      for (const w of [...journal.writes].reverse()) {
        const target = abs(root, w.target);
        if (!(await exists(fs, join(tmp, w.staged))) && (await exists(fs, target))) await fs.rename(target, join(tmp, w.staged));
      }
      for (const m of journal.moves) {
        if (await exists(fs, join(tmp, m.backup))) await fs.rename(join(tmp, m.backup), abs(root, m.original));
      }
    }
    for (const entry of await fsp.readdir(tmp)) await fs.unlink(join(tmp, entry));
    await fs.rmdir(tmp);
    done.push(`${STATE_DIR}/${name}: ${journal && !committed ? "rolled back an interrupted pack operation" : "removed what an interrupted pack operation left"}`);
  }
  return done;
}
