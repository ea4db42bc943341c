/**
 * Reads a policy repository straight from git's object database: no checkout, no temporary
 * clone. `edict diff` reads the revision it compares with; bundle builds and `--rebuild` read the
 * commit a bundle describes, its time and the uncommitted changes. The policy root may be a
 * sub-folder of the git work tree. Node only; the loader never imports this.
 *
 * `git ls-tree` lists the tree once with blob ids and sizes; the blobs edict reads are then
 * streamed through one `git cat-file --batch` process as raw bytes, so a thousand files cost two
 * processes, and line-ending conversion, clean/smudge filters and untracked files cannot make one
 * commit read two ways. A blob over the policy size cap is never read.
 */
import { simpleGit } from "simple-git";
import type { SimpleGit } from "simple-git";
import { EdictError } from "../errors.js";
import { buildRepository, classifyPath } from "../model/repository.js";
import type { RawFile, Repository } from "../model/repository.js";
import { MAX_FILE_BYTES } from "../model/source.js";
import { catFileBatch } from "./git-cat-file.js";

/**
 * Who reads, which picks the wording of errors: `edict diff` explains revisions to compare,
 * a bundle build explains the commit a bundle must describe (and points its errors at the root).
 */
export type GitPurpose = "diff" | "bundle";

/** An open git repository around a policy repository's root. */
export interface GitRepo {
  /** The policy repository's root folder. */
  root: string;
  /** Where `root` sits inside the git work tree: "" at the top, else "sub/dir/". */
  prefix: string;
  purpose: GitPurpose;
  git: SimpleGit;
}

/** A file edict reads, as listed in a commit's tree. */
export interface TreeEntry {
  /** Path relative to the policy repository root. */
  path: string;
  blob: string;
  /** Bytes, as git reports them. */
  size: number;
}

export interface GitHead {
  /** `git rev-parse HEAD`. */
  revision: string;
  /** `git show -s --format=%ct HEAD` (signature output suppressed): the committer time, in Unix seconds. */
  commitTime: number;
}

/** A file read from git: always bytes, never text. */
export interface GitFile extends RawFile {
  bytes: Uint8Array;
}

export interface GitRevisionRepository {
  /** The full commit id the revision resolved to. */
  commit: string;
  /** Every file edict reads at the commit, with its raw bytes (size-capped), sorted by path. */
  files: GitFile[];
  repo: Repository;
}

const GIT_SYMLINK_MODE = "120000";
const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim().split("\n")[0] ?? "";
}

function messageOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).trim();
}

/** A GIT_ERROR; a bundle's errors point at the root, as the CLI prints them "root: message". */
function gitError(purpose: GitPurpose, root: string, message: string, cause?: unknown): EdictError {
  return new EdictError("GIT_ERROR", message, { ...(purpose === "bundle" ? { position: { file: root } } : {}), ...(cause === undefined ? {} : { cause }) });
}

/** What each reader says about what the user can fix; git breaking later is worded once for both. */
interface Wording {
  missingFolder(root: string, e: unknown): EdictError;
  notARepository(root: string, e: unknown): EdictError;
  badRevision(root: string, revision: string): EdictError;
  unknownRevision(repo: GitRepo, revision: string, cause: unknown): Promise<EdictError>;
}

const SAY: Record<GitPurpose, Wording> = {
  diff: {
    missingFolder: (root) => new EdictError("NOT_FOUND", `repository folder ${root} does not exist`),
    notARepository(root, e) {
      const msg = messageOf(e);
      if (/ENOENT|spawn git/i.test(msg)) return gitError("diff", root, "git is not installed or not on PATH; `edict diff` reads revisions with git", e);
      if (/not a git repository/i.test(msg)) {
        return gitError("diff", root, `${root} is not inside a git repository; \`edict diff\` reads the base revision from git (run it in a clone, or point -C at one)`, e);
      }
      return gitError("diff", root, `git could not open ${root}: ${msg}`, e);
    },
    // option injection: a revision is never passed where git could read it as a flag
    badRevision: (_root, revision) => new EdictError("USAGE", `invalid git revision ${JSON.stringify(revision)}: expected a commit, branch or tag name`),
    async unknownRevision(repo, revision) {
      let shallow = false;
      try {
        shallow = (await repo.git.raw(["rev-parse", "--is-shallow-repository"])).trim() === "true";
      } catch {
        // an old git without --is-shallow-repository: say nothing about shallowness
      }
      if (shallow) {
        const fetch = await shallowFetchCommand(repo, revision);
        return gitError(
          "diff",
          repo.root,
          `revision ${revision}${fetch.commit ? ` (commit ${fetch.commit})` : ""} is not in this shallow clone; fetch it with \`${fetch.command}\` ` +
            "(or check out with `fetch-depth: 0` in actions/checkout) and run again",
        );
      }
      return gitError("diff", repo.root, `unknown git revision ${JSON.stringify(revision)}: no such commit, branch or tag (try \`git fetch\` if it exists on the remote)`);
    },
  },
  bundle: {
    missingFolder: (root, e) =>
      gitError("bundle", root, `not a git repository (cannot run git here: ${firstLine(e)}); a bundle's revision is a commit, so run \`git init\` and commit the policies first`, e),
    notARepository: (root, e) =>
      gitError("bundle", root, `not a git repository (${firstLine(e)}); a bundle's revision is a commit, so run \`git init\` and commit the policies first`, e),
    badRevision: (root, revision) => gitError("bundle", root, `bad revision ${JSON.stringify(revision)}`),
    unknownRevision: async (repo, revision, cause) =>
      gitError(
        "bundle",
        repo.root,
        revision === "HEAD"
          ? "the git repository has no commits yet; commit the policies first"
          : `commit ${revision} is not in this repository; fetch it first (a shallow clone lacks history: git fetch --unshallow)`,
        cause,
      ),
  },
};

/** `base` followed by first-parent steps (`HEAD~2`, `main^`, `HEAD^^`): the base and the number of generations. */
function ancestry(revision: string): { base: string; generations: number } | undefined {
  const m = /^(.+?)((?:~\d*|\^\d*)+)$/.exec(revision);
  if (!m) return undefined;
  let generations = 0;
  for (const step of m[2]!.match(/[~^]\d*/g) ?? []) {
    const n = step.length > 1 ? Number(step.slice(1)) : 1;
    // `^2` is the second parent: one generation; `~3` is three
    generations += step[0] === "~" ? n : Math.min(n, 1);
  }
  return { base: m[1]!, generations };
}

/** The commit's `parent` ids as its object records them (a shallow clone keeps them though it lacks the parents). */
async function recordedParents(repo: GitRepo, commit: string): Promise<string[]> {
  try {
    const text = await repo.git.raw(["cat-file", "commit", commit]);
    const header = text.split("\n\n", 1)[0] ?? "";
    return header.split("\n").filter((l) => l.startsWith("parent ")).map((l) => l.slice("parent ".length).trim());
  } catch {
    return [];
  }
}

/**
 * A `git fetch` that brings `revision` into a shallow clone and that git accepts, and the commit
 * the revision names when the clone can tell: a full commit id is fetched by id; an ancestor
 * (`HEAD~2`, `main^`) deepens the history by its generations (fetching the parent by id would
 * not do: the shallow boundary would still hide it from `HEAD~1`), and a one-step ancestor is
 * named by the parent id its child records; a branch or tag is fetched into its own name;
 * an abbreviated id needs the whole history.
 */
export async function shallowFetchCommand(repo: GitRepo, revision: string): Promise<{ command: string; commit?: string }> {
  if (COMMIT_ID.test(revision)) return { command: `git fetch --depth=1 origin ${revision}` };
  const up = ancestry(revision);
  if (up) {
    let base: string | undefined;
    try {
      base = (await repo.git.raw(["rev-parse", "--verify", "--end-of-options", `${up.base}^{commit}`])).trim();
    } catch {
      base = undefined;
    }
    if (base === undefined || !COMMIT_ID.test(base)) return { command: "git fetch --unshallow" };
    const step = /^(?:~1?|\^(\d*))$/.exec(revision.slice(up.base.length));
    const parent = step ? (await recordedParents(repo, base))[(step[1] ? Number(step[1]) : 1) - 1] : undefined;
    return { command: `git fetch --deepen=${up.generations}`, ...(parent && COMMIT_ID.test(parent) ? { commit: parent } : {}) };
  }
  if (/^[0-9a-f]{4,39}$/i.test(revision)) return { command: "git fetch --unshallow" };
  // fetch into the ref the revision names, so that it resolves afterwards (a shallow clone tracks one branch)
  const remote = /^(?:refs\/remotes\/)?origin\/(.+)$/.exec(revision);
  if (remote) return { command: `git fetch --depth=1 origin ${remote[1]}:refs/remotes/origin/${remote[1]}` };
  return { command: `git fetch --depth=1 origin ${revision}:${revision}` };
}

/** Whether git could be handed `revision` safely: a bundle's comes from a payload, so only revision characters pass. */
function isSafeRevision(purpose: GitPurpose, revision: string): boolean {
  if (revision === "" || revision.startsWith("-")) return false;
  return purpose === "bundle" ? /^[0-9A-Za-z._/@^~{}-]+$/.test(revision) : !/[\0\n\r]/.test(revision);
}

/**
 * Opens the git repository containing `root`. Throws NOT_FOUND (diff) or GIT_ERROR when the
 * folder is missing, git is missing, or the folder is not inside a git work tree.
 */
export async function openGit(root: string, purpose: GitPurpose): Promise<GitRepo> {
  let git: SimpleGit;
  try {
    // simple-git refuses a path that is not an existing folder
    git = simpleGit({ baseDir: root });
  } catch (e) {
    throw SAY[purpose].missingFolder(root, e);
  }
  let prefix: string;
  try {
    prefix = (await git.raw(["rev-parse", "--show-prefix"])).trim();
  } catch (e) {
    throw SAY[purpose].notARepository(root, e);
  }
  return { root, prefix, purpose, git };
}

/** Resolves a revision to a full commit id, or throws saying how to get it (a fetch hint for a shallow clone). */
export async function resolveCommit(repo: GitRepo, revision: string): Promise<string> {
  if (!isSafeRevision(repo.purpose, revision)) throw SAY[repo.purpose].badRevision(repo.root, revision);
  let cause: unknown;
  try {
    const id = (await repo.git.raw(["rev-parse", "--verify", "--end-of-options", `${revision}^{commit}`])).trim();
    if (COMMIT_ID.test(id)) return id;
    cause = new Error(`unexpected rev-parse output ${JSON.stringify(id.slice(0, 80))}`);
  } catch (e) {
    cause = e;
  }
  throw await SAY[repo.purpose].unknownRevision(repo, revision, cause);
}

/** HEAD's commit id and committer time. */
export async function readHead(repo: GitRepo): Promise<GitHead> {
  const revision = await resolveCommit(repo, "HEAD");
  let text: string;
  try {
    text = (await repo.git.raw(["show", "-s", "--no-show-signature", "--format=%ct", revision])).trim();
  } catch (e) {
    throw gitError(repo.purpose, repo.root, `cannot read the time of commit ${revision}: ${firstLine(e)}`, e);
  }
  if (!/^\d+$/.test(text)) throw gitError(repo.purpose, repo.root, `git gave commit time ${JSON.stringify(text)} for ${revision}, expected Unix seconds`);
  return { revision, commitTime: Number(text) };
}

/** A path of the git tree as a policy repository path, or undefined when edict does not read it. */
function policyPathOf(repo: GitRepo, full: string): string | undefined {
  if (!full.startsWith(repo.prefix)) return undefined;
  const path = full.slice(repo.prefix.length);
  return classifyPath(path) ? path : undefined;
}

/**
 * Repository files edict reads (edict.yaml, .edict/packs.yaml, policies/, packs/) that differ
 * from HEAD: modified, staged, deleted, renamed or untracked. Paths are relative to the root.
 */
export async function listUncommittedPaths(repo: GitRepo): Promise<string[]> {
  let text: string;
  try {
    text = await repo.git.raw(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", "."]);
  } catch (e) {
    throw gitError(repo.purpose, repo.root, `git status failed: ${firstLine(e)}`, e);
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
      const path = policyPathOf(repo, full);
      if (path !== undefined) paths.add(path);
    }
  }
  return [...paths].sort();
}

/** The regular files edict reads at `commit` (symlinks and submodules skipped, as on disk), sorted by path. */
export async function listTree(repo: GitRepo, commit: string): Promise<TreeEntry[]> {
  let out: string;
  try {
    out = await repo.git.raw(["ls-tree", "-r", "-z", "--long", "--full-tree", commit]);
  } catch (e) {
    throw gitError(repo.purpose, repo.root, `cannot list the files of ${commit}: ${firstLine(e)}`, e);
  }
  const entries: TreeEntry[] = [];
  for (const record of out.split("\0")) {
    const tab = record.indexOf("\t");
    if (tab < 0) continue;
    const [mode, type, blob, size] = record.slice(0, tab).split(/ +/);
    // Symlinks are not followed, as on disk: a repository must not read outside itself.
    if (type !== "blob" || mode === GIT_SYMLINK_MODE || blob === undefined) continue;
    const path = policyPathOf(repo, record.slice(tab + 1));
    if (path !== undefined) entries.push({ path, blob, size: Number(size) });
  }
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The raw bytes of `entries`, in order, through one `git cat-file --batch`. A blob over the
 * policy size cap is not read: a placeholder one byte past the cap lets the parser report it.
 */
export async function readTreeFiles(repo: GitRepo, entries: readonly TreeEntry[], onProgress?: (done: number, total: number) => void): Promise<GitFile[]> {
  const wanted = [...new Set(entries.filter((e) => !(e.size > MAX_FILE_BYTES)).map((e) => e.blob))];
  let results;
  try {
    results = await catFileBatch(repo.root, wanted);
  } catch (e) {
    throw gitError(repo.purpose, repo.root, messageOf(e), e);
  }
  const blobs = new Map<string, Uint8Array>();
  results.forEach((r, i) => {
    if ("missing" in r) throw gitError(repo.purpose, repo.root, `git cat-file could not read ${wanted[i]}: ${r.missing}`);
    blobs.set(wanted[i]!, r.bytes);
  });
  let done = 0;
  return entries.map((e) => {
    const bytes = e.size > MAX_FILE_BYTES ? new Uint8Array(MAX_FILE_BYTES + 1) : blobs.get(e.blob);
    if (bytes === undefined) throw gitError(repo.purpose, repo.root, `git cat-file returned nothing for ${e.path}`);
    onProgress?.(++done, entries.length);
    return { path: e.path, bytes };
  });
}

/** Every file edict reads, as it is in `commit`, sorted by path (size-capped). */
export async function readFilesAt(repo: GitRepo, commit: string, onProgress?: (done: number, total: number) => void): Promise<GitFile[]> {
  return readTreeFiles(repo, await listTree(repo, commit), onProgress);
}

/** Resolves `revision` in the repository at `root` to a full commit id (worded for `edict diff`). */
export async function resolveRevision(root: string, revision: string): Promise<string> {
  return resolveCommit(await openGit(root, "diff"), revision);
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
  const git = await openGit(root, "diff");
  const commit = await resolveCommit(git, revision);
  const files = await readFilesAt(git, commit, onProgress);
  return { commit, files, repo: buildRepository(files) };
}
