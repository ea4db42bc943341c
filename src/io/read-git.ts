/**
 * Reads a policy repository as it was at a git revision, straight from the object database:
 * no checkout, no temporary clone (SPEC §5). The I/O shell around repository.ts for `edict diff`.
 *
 * `git ls-tree` lists the tree once with blob ids and sizes; the blobs edict reads are then
 * streamed through one `git cat-file --batch` process as raw bytes, so a thousand files cost
 * two processes, and non-UTF-8 bytes reach the parser unchanged (which reports them).
 */
import { stat } from "node:fs/promises";
import { simpleGit } from "simple-git";
import type { SimpleGit } from "simple-git";
import { EdictError } from "../errors.js";
import { catFileBatch } from "./git-cat-file.js";
import { buildRepository, classifyPath } from "../model/repository.js";
import type { RawFile, Repository } from "../model/repository.js";
import { MAX_FILE_BYTES } from "../model/source.js";

export interface GitRevisionRepository {
  /** The full commit id the revision resolved to. */
  commit: string;
  repo: Repository;
}

interface TreeEntry {
  /** Path relative to the policy repository root. */
  path: string;
  blob: string;
  size: number;
}

const GIT_SYMLINK_MODE = "120000";

function gitError(message: string, cause?: unknown): EdictError {
  return new EdictError("GIT_ERROR", message, cause === undefined ? {} : { cause });
}

function messageOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim();
}

/** Option injection: a revision is never passed where git could read it as a flag. */
function checkRevision(revision: string): void {
  if (revision === "" || revision.startsWith("-") || /[\0\n\r]/.test(revision)) {
    throw new EdictError("USAGE", `invalid git revision ${JSON.stringify(revision)}: expected a commit, branch or tag name`);
  }
}

async function openGit(root: string): Promise<{ git: SimpleGit; prefix: string }> {
  try {
    if (!(await stat(root)).isDirectory()) throw new Error("not a directory");
  } catch {
    throw new EdictError("NOT_FOUND", `repository folder ${root} does not exist`);
  }
  const git = simpleGit({ baseDir: root });
  let prefix: string;
  try {
    prefix = (await git.raw(["rev-parse", "--show-prefix"])).trim();
  } catch (e) {
    const msg = messageOf(e);
    if (/ENOENT|spawn git/i.test(msg)) throw gitError("git is not installed or not on PATH; `edict diff` reads revisions with git", e);
    if (/not a git repository/i.test(msg)) {
      throw gitError(`${root} is not inside a git repository; \`edict diff\` reads the base revision from git (run it in a clone, or point -C at one)`, e);
    }
    throw gitError(`git could not open ${root}: ${msg}`, e);
  }
  return { git, prefix };
}

/** Resolves a revision to a full commit id, with a fetch hint when a shallow clone lacks it. */
async function resolveCommit(git: SimpleGit, revision: string): Promise<string> {
  checkRevision(revision);
  try {
    const out = (await git.raw(["rev-parse", "--verify", "--end-of-options", `${revision}^{commit}`])).trim();
    if (/^[0-9a-f]{40,64}$/.test(out)) return out;
  } catch {
    // fall through to the explanation below
  }
  let shallow = false;
  try {
    shallow = (await git.raw(["rev-parse", "--is-shallow-repository"])).trim() === "true";
  } catch {
    // an old git without --is-shallow-repository: say nothing about shallowness
  }
  if (shallow) {
    throw gitError(
      `revision ${revision} is not in this shallow clone; fetch it with \`git fetch --depth=1 origin ${revision}\` ` +
        "(or check out with `fetch-depth: 0` in actions/checkout) and run again",
    );
  }
  throw gitError(`unknown git revision ${JSON.stringify(revision)}: no such commit, branch or tag (try \`git fetch\` if it exists on the remote)`);
}

/** Resolves `revision` in the repository at `root` to a full commit id. */
export async function resolveRevision(root: string, revision: string): Promise<string> {
  const { git } = await openGit(root);
  return resolveCommit(git, revision);
}

/** The blobs edict reads at `commit`, under the policy repository's prefix inside the git tree. */
async function listTree(git: SimpleGit, commit: string, prefix: string): Promise<TreeEntry[]> {
  let out: string;
  try {
    out = await git.raw(["ls-tree", "-r", "-z", "--long", "--full-tree", commit]);
  } catch (e) {
    throw gitError(`git ls-tree ${commit} failed: ${messageOf(e)}`, e);
  }
  const entries: TreeEntry[] = [];
  for (const record of out.split("\0")) {
    if (record === "") continue;
    const tab = record.indexOf("\t");
    if (tab < 0) continue;
    const [mode, type, blob, size] = record.slice(0, tab).split(/ +/);
    const full = record.slice(tab + 1);
    // Symlinks are not followed, as on disk: a repository must not read outside itself.
    if (type !== "blob" || mode === GIT_SYMLINK_MODE || blob === undefined) continue;
    if (!full.startsWith(prefix)) continue;
    const path = full.slice(prefix.length);
    if (!classifyPath(path)) continue;
    entries.push({ path, blob, size: Number(size) });
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The bytes of blobs by id, through one `git cat-file --batch`. */
async function readBlobs(cwd: string, blobs: readonly string[]): Promise<Map<string, Uint8Array>> {
  const unique = [...new Set(blobs)];
  let results;
  try {
    results = await catFileBatch(cwd, unique);
  } catch (e) {
    throw gitError(messageOf(e), e);
  }
  const out = new Map<string, Uint8Array>();
  results.forEach((r, i) => {
    if ("missing" in r) throw gitError(`git cat-file could not read ${unique[i]}: ${r.missing}`);
    out.set(unique[i]!, r.bytes);
  });
  return out;
}

/**
 * Reads every file edict knows at `revision` of the git repository containing `root`, which
 * may be a sub-folder of the git work tree (the policy repository's root).
 *
 * @example
 * const { commit, repo } = await readRepositoryAtRevision(".", "origin/main");
 */
export async function readRepositoryAtRevision(
  root: string,
  revision: string,
  onProgress?: (done: number, total: number) => void,
): Promise<GitRevisionRepository> {
  const { git, prefix } = await openGit(root);
  const commit = await resolveCommit(git, revision);
  const entries = await listTree(git, commit, prefix);
  // Oversized blobs are not read: a placeholder one byte past the cap lets the parser report the size.
  const wanted = entries.filter((e) => !(e.size > MAX_FILE_BYTES)).map((e) => e.blob);
  const blobs = await readBlobs(root, wanted);
  const raw: RawFile[] = [];
  let done = 0;
  for (const e of entries) {
    const bytes = e.size > MAX_FILE_BYTES ? new Uint8Array(MAX_FILE_BYTES + 1) : blobs.get(e.blob);
    if (bytes === undefined) throw gitError(`git cat-file returned nothing for ${e.path} at ${commit}`);
    raw.push({ path: e.path, bytes });
    onProgress?.(++done, entries.length);
  }
  return { commit, repo: buildRepository(raw) };
}
