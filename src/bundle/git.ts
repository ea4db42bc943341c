/**
 * Git I/O for bundle builds and `--rebuild` checks (Node only; the loader never imports this):
 * the commit a bundle describes, its time, uncommitted changes, and the exact bytes of the
 * repository's files at a revision. The policy root may be a subfolder of the git repository.
 *
 * Files are read from the commit (not the checkout) so that line-ending conversion, clean/smudge
 * filters and untracked files cannot make one commit build two different bundles.
 */
import { simpleGit } from "simple-git";
import type { SimpleGit } from "simple-git";
import { EdictError } from "../errors.js";
import { catFileBatch } from "../io/git-cat-file.js";
import { classifyPath } from "../model/repository.js";
import type { RawFile } from "../model/repository.js";

export interface GitHead {
  /** `git rev-parse HEAD`. */
  revision: string;
  /** `git show -s --format=%ct HEAD` (signature output suppressed): the committer time, in Unix seconds. */
  commitTime: number;
}

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim().split("\n")[0] ?? "";
}

function gitError(root: string, message: string, cause?: unknown): EdictError {
  return new EdictError("GIT_ERROR", message, { position: { file: root }, ...(cause === undefined ? {} : { cause }) });
}

function open(root: string): SimpleGit {
  try {
    return simpleGit({ baseDir: root });
  } catch (e) {
    throw gitError(root, `cannot run git here: ${errorText(e)}`, e);
  }
}

/** The path of `root` inside its git work tree: "" at the top, else "sub/dir/". */
export async function gitPrefix(root: string): Promise<string> {
  try {
    return (await open(root).revparse(["--show-prefix"])).trim();
  } catch (e) {
    throw gitError(root, `not a git repository (${errorText(e)}); a bundle's revision is a commit, so run \`git init\` and commit the policies first`, e);
  }
}

/** Resolves `rev` to a full commit id, or throws GIT_ERROR saying how to get it. */
export async function resolveCommit(root: string, rev: string): Promise<string> {
  await gitPrefix(root);
  if (!/^[0-9A-Za-z._/@^~{}-]+$/.test(rev) || rev.startsWith("-")) throw gitError(root, `bad revision ${JSON.stringify(rev)}`);
  try {
    const id = (await open(root).revparse(["--verify", "--end-of-options", `${rev}^{commit}`])).trim();
    if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(id)) throw new Error(`unexpected rev-parse output ${JSON.stringify(id.slice(0, 80))}`);
    return id;
  } catch (e) {
    throw gitError(
      root,
      rev === "HEAD"
        ? "the git repository has no commits yet; commit the policies first"
        : `commit ${rev} is not in this repository; fetch it first (a shallow clone lacks history: git fetch --unshallow)`,
      e,
    );
  }
}

/** HEAD's commit id and committer time. */
export async function readHead(root: string): Promise<GitHead> {
  const revision = await resolveCommit(root, "HEAD");
  let text: string;
  try {
    text = (await open(root).raw(["show", "-s", "--no-show-signature", "--format=%ct", revision])).trim();
  } catch (e) {
    throw gitError(root, `cannot read the time of commit ${revision}: ${errorText(e)}`, e);
  }
  if (!/^\d+$/.test(text)) throw gitError(root, `git gave commit time ${JSON.stringify(text)} for ${revision}, expected Unix seconds`);
  return { revision, commitTime: Number(text) };
}

/**
 * Repository files edict reads (edict.yaml, .edict/packs.yaml, policies/, packs/) that differ
 * from HEAD: modified, staged, deleted, renamed or untracked. Paths are relative to `root`.
 */
export async function listUncommittedPaths(root: string): Promise<string[]> {
  const prefix = await gitPrefix(root);
  let text: string;
  try {
    text = await open(root).raw(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."]);
  } catch (e) {
    throw gitError(root, `git status failed: ${errorText(e)}`, e);
  }
  const tokens = text.split("\0");
  const paths = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const entry = tokens[i]!;
    if (entry.length < 4) continue;
    const status = entry.slice(0, 2);
    const candidates = [entry.slice(3)];
    // renames and copies carry the original path as the next token
    if (/[RC]/.test(status)) candidates.push(tokens[++i] ?? "");
    for (const full of candidates) {
      if (!full.startsWith(prefix)) continue;
      const rel = full.slice(prefix.length);
      if (classifyPath(rel)) paths.add(rel);
    }
  }
  return [...paths].sort();
}

/** Regular files edict reads at `revision` (symlinks and submodules skipped, as on disk), relative to `root`. */
export async function listFilesAt(root: string, revision: string): Promise<string[]> {
  const prefix = await gitPrefix(root);
  let text: string;
  try {
    text = await open(root).raw(["ls-tree", "-r", "-z", "--full-tree", revision]);
  } catch (e) {
    throw gitError(root, `cannot list the files of ${revision}: ${errorText(e)}`, e);
  }
  const out: string[] = [];
  for (const line of text.split("\0")) {
    const m = /^(\d+) (\w+) [0-9a-f]+\t(.*)$/s.exec(line);
    if (!m || m[2] !== "blob" || m[1] === "120000") continue;
    const full = m[3]!;
    if (!full.startsWith(prefix)) continue;
    const rel = full.slice(prefix.length);
    if (classifyPath(rel)) out.push(rel);
  }
  return out.sort();
}

/**
 * The raw bytes of `paths` (relative to `root`) at `revision`, through one `git cat-file --batch`
 * process so thousands of files do not cost thousands of processes.
 */
export async function readBlobsAt(root: string, revision: string, paths: readonly string[]): Promise<Map<string, Uint8Array>> {
  const prefix = await gitPrefix(root);
  let results;
  try {
    results = await catFileBatch(root, paths.map((p) => `${revision}:${prefix}${p}`));
  } catch (e) {
    throw gitError(root, errorText(e), e);
  }
  const out = new Map<string, Uint8Array>();
  results.forEach((r, i) => {
    const p = paths[i]!;
    if ("missing" in r) throw gitError(root, `${p} is not in commit ${revision} (${r.missing.slice(r.missing.lastIndexOf(" ") + 1)})`);
    if (r.type !== "blob") throw gitError(root, `${p} at ${revision} is a ${r.type}, not a file`);
    out.set(p, r.bytes);
  });
  return out;
}

/** Every file edict reads, as it is in commit `revision`, sorted by path. */
export async function readFilesAt(root: string, revision: string): Promise<RawFile[]> {
  const paths = await listFilesAt(root, revision);
  const blobs = await readBlobsAt(root, revision, paths);
  return paths.map((path) => ({ path, bytes: blobs.get(path)! }));
}
