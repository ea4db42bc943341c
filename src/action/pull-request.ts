/**
 * One pull request that carries files the Action proposes (pack upgrades): the files are
 * committed on their own branch on top of HEAD, pushed, and one pull request against the default
 * branch is opened, or the one already open is updated. Running it again with the same content
 * changes nothing.
 *
 * The commit is built from a temporary index (`git read-tree HEAD`, the new blobs, `git
 * write-tree`, `git commit-tree`), so the checkout, its index and its branches stay exactly as
 * they were. The commit is deterministic (fixed author, HEAD's commit time as its date): the same
 * files on the same HEAD give the same commit id, which is how an unchanged proposal is seen
 * without fetching the branch. git runs through execFile, never a shell; the token reaches git
 * only through the environment (GIT_CONFIG_COUNT), never its arguments or `.git/config`.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { EdictError } from "../errors.js";
import { classifyGitFailure } from "./git.js";
import { describeGitHubFailure, failedAfterRetry, statusOf } from "./github.js";
import type { Octokit, RepoRef } from "./github.js";
import { retriesOf, withRetries } from "./github-retry.js";
import type { RetryOptions } from "./github-retry.js";

/** The branch the pack upgrades are proposed on. */
export const PACK_UPGRADE_BRANCH = "edict/pack-upgrades";

/** Who commits the proposal. */
export const BOT_AUTHOR = { name: "edict", email: "edict@users.noreply.github.com" } as const;

/** GitHub refuses a pull-request body longer than this many characters. */
export const PULL_REQUEST_BODY_MAX = 65_536;

/** A file to write (text or bytes) or delete, by path relative to the policy repository root. */
export type FileChange = { path: string; content: string | Uint8Array } | { path: string; delete: true };

export interface GitCall {
  cwd: string;
  /** Added to the process environment. */
  env?: Record<string, string>;
  /** Written to git's standard input. */
  input?: string | Uint8Array;
}

/** Runs git with `args` (no shell); resolves with its standard output, rejects with `stderr` on failure. */
export type GitExec = (args: string[], call: GitCall) => Promise<string>;

export const execGit: GitExec = (args, call) =>
  new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      args,
      { cwd: call.cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...call.env }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024, encoding: "buffer" },
      (error, stdout, stderr) => {
        if (error) {
          reject(Object.assign(error, { stderr: stderr.toString("utf8") }));
          return;
        }
        resolve(stdout.toString("utf8"));
      },
    );
    // a git that exits without reading its input (or fails early) closes the pipe: its exit status tells what happened
    child.stdin?.on("error", () => undefined);
    if (call.input === undefined) child.stdin?.end();
    else child.stdin?.end(call.input);
  });

export interface CommitSpec {
  /** The policy repository's root (anywhere inside the git work tree). */
  root: string;
  changes: readonly FileChange[];
  message: string;
}

export interface ProposedCommit {
  commit: string;
  /** HEAD, the commit's parent. */
  parent: string;
  tree: string;
}

const BRANCH_NAME = /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/;

/** A path relative to the root, made relative to the work tree's top; refuses anything that leaves the root. */
function topPath(prefix: string, path: string): string {
  const p = path.replace(/\\/g, "/");
  const normal = posix.normalize(p);
  if (p === "" || posix.isAbsolute(p) || normal !== p || normal.startsWith("../") || normal === ".." || /[\n\t\0]/.test(p)) {
    throw new EdictError("INTERNAL", `refusing to commit ${JSON.stringify(path)}: not a plain path inside the policy repository`);
  }
  return prefix + p;
}

async function gitLine(git: GitExec, args: string[], call: GitCall): Promise<string> {
  return (await git(args, call)).trim();
}

function gitError(what: string, e: unknown): EdictError {
  const lines = String((e as { stderr?: unknown }).stderr ?? (e as Error).message).split("\n").map((l) => l.trim()).filter((l) => l !== "");
  // a refused push says why on its " ! [rejected] … (stale info)" line, not on the last one
  const rejected = lines.filter((l) => /\[(remote )?rejected\]/.test(l));
  const stderr = rejected.length > 0 ? `${rejected.join("; ")}; the branch moved while this ran, run the job again` : (lines.slice(-1)[0] ?? "");
  const attempts = retriesOf(e)?.attempts ?? 1;
  return new EdictError("GIT_ERROR", `${what} failed: ${stderr}${attempts > 1 ? ` (after ${attempts} attempts)` : ""}`, { cause: e });
}

/**
 * Commits `changes` on top of HEAD without touching the checkout. Undefined when they change
 * nothing (the tree would be HEAD's).
 */
export async function commitChanges(spec: CommitSpec, git: GitExec = execGit): Promise<ProposedCommit | undefined> {
  const cwd = spec.root;
  let parent: string;
  let prefix: string;
  let time: string;
  try {
    parent = await gitLine(git, ["rev-parse", "--verify", "HEAD^{commit}"], { cwd });
    prefix = await gitLine(git, ["rev-parse", "--show-prefix"], { cwd });
    time = await gitLine(git, ["show", "-s", "--format=%ct", "HEAD"], { cwd });
  } catch (e) {
    throw gitError(`reading HEAD in ${spec.root}`, e);
  }
  const dir = await mkdtemp(join(tmpdir(), "edict-pr-"));
  const env = { GIT_INDEX_FILE: join(dir, "index") };
  try {
    await git(["read-tree", parent], { cwd, env });
    const lines: string[] = [];
    for (const change of spec.changes) {
      const path = topPath(prefix, change.path);
      if ("delete" in change) {
        lines.push(`0 ${"0".repeat(parent.length)}\t${path}`);
        continue;
      }
      // --stdin without --path: the bytes as they are, no line-ending or attribute filters
      const blob = await gitLine(git, ["hash-object", "-w", "--stdin"], { cwd, input: change.content });
      lines.push(`100644 ${blob}\t${path}`);
    }
    if (lines.length > 0) await git(["update-index", "--index-info"], { cwd, env, input: `${lines.join("\n")}\n` });
    const tree = await gitLine(git, ["write-tree"], { cwd, env });
    const headTree = await gitLine(git, ["rev-parse", `${parent}^{tree}`], { cwd });
    if (tree === headTree) return undefined;
    const date = `@${time} +0000`;
    const who = {
      GIT_AUTHOR_NAME: BOT_AUTHOR.name,
      GIT_AUTHOR_EMAIL: BOT_AUTHOR.email,
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_NAME: BOT_AUTHOR.name,
      GIT_COMMITTER_EMAIL: BOT_AUTHOR.email,
      GIT_COMMITTER_DATE: date,
    };
    const commit = await gitLine(git, ["commit-tree", "--no-gpg-sign", tree, "-p", parent, "-F", "-"], { cwd, env: who, input: spec.message.endsWith("\n") ? spec.message : `${spec.message}\n` });
    return { commit, parent, tree };
  } catch (e) {
    throw e instanceof EdictError ? e : gitError("making the commit", e);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The environment that gives git the token for origin's host: an `http.<origin>/.extraheader`,
 * reset first so a header actions/checkout persisted for the same host is not sent twice.
 * Empty for a non-HTTP origin or no token.
 */
export function authEnv(originUrl: string, token: string): Record<string, string> {
  if (token === "" || !/^https?:\/\//i.test(originUrl)) return {};
  const key = `http.${new URL(originUrl).origin}/.extraheader`;
  const basic = Buffer.from(`x-access-token:${token}`, "utf8").toString("base64");
  return {
    GIT_CONFIG_COUNT: "2",
    GIT_CONFIG_KEY_0: key,
    GIT_CONFIG_VALUE_0: "",
    GIT_CONFIG_KEY_1: key,
    GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${basic}`,
  };
}

/** The base64 form of the token that authEnv sends, to be masked in the log as the token is. */
export function authSecretOf(token: string): string {
  return Buffer.from(`x-access-token:${token}`, "utf8").toString("base64");
}

export interface PushSpec {
  root: string;
  branch: string;
  commit: string;
  token: string;
  log: (line: string) => void;
  retry?: RetryOptions;
}

/**
 * Points origin's `branch` at `commit`: nothing when it is there already, else a push with
 * `--force-with-lease` on that one branch (it must still be where it was just seen). Returns
 * whether it pushed.
 */
export async function pushBranch(spec: PushSpec, git: GitExec = execGit): Promise<boolean> {
  if (!BRANCH_NAME.test(spec.branch) || spec.branch.includes("..")) throw new EdictError("INTERNAL", `refusing to push to branch ${JSON.stringify(spec.branch)}`);
  const cwd = spec.root;
  const ref = `refs/heads/${spec.branch}`;
  let env: Record<string, string>;
  try {
    env = authEnv(await gitLine(git, ["remote", "get-url", "origin"], { cwd }), spec.token);
  } catch (e) {
    throw gitError("reading the origin remote", e);
  }
  const retried = <T>(what: string, attempt: () => Promise<T>) =>
    withRetries(attempt, { what, classify: classifyGitFailure }, { onRetry: spec.log, ...spec.retry }).catch((e: unknown) => {
      const error = gitError(what, e);
      if (!/Authentication failed|could not read Username|returned error: 40[13]|Permission to .* denied/i.test(error.message)) throw error;
      throw new EdictError("GIT_ERROR", `${error.message}; the github-token cannot push: give the job \`permissions: contents: write\` (and keep actions/checkout's credentials or pass a token that may push)`, { cause: e });
    });
  const listed = await retried(`git ls-remote origin ${ref}`, () => git(["ls-remote", "origin", ref], { cwd, env }));
  const current = listed.split("\n").map((l) => l.split("\t")).find((f) => f[1] === ref)?.[0] ?? "";
  if (current === spec.commit) {
    spec.log(`origin's ${spec.branch} is already at ${spec.commit.slice(0, 12)}: nothing to push`);
    return false;
  }
  // the lease: only if the branch is still where ls-remote saw it (absent: "" = must not exist)
  const args = ["push", "--no-verify", `--force-with-lease=${ref}:${current}`, "origin", `${spec.commit}:${ref}`];
  await retried(`git push origin ${spec.branch}`, () => git(args, { cwd, env }));
  spec.log(`pushed ${spec.commit.slice(0, 12)} to origin's ${spec.branch}${current ? ` (was ${current.slice(0, 12)})` : " (new branch)"}`);
  return true;
}

export interface PullRequestRef {
  number: number;
  url: string;
  title: string;
  body: string;
}

interface ApiPull {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
}

function toPull(p: ApiPull): PullRequestRef {
  return { number: p.number, url: p.html_url, title: p.title, body: p.body ?? "" };
}

function pullError(what: string, e: unknown): EdictError {
  let hint = "";
  if (statusOf(e) === 403) {
    hint =
      "; give the job `permissions: contents: write` and `pull-requests: write`, and allow GitHub Actions to create pull requests " +
      "(Settings → Actions → General → Workflow permissions)";
  }
  return new EdictError("IO_ERROR", `GitHub API: ${describeGitHubFailure(`${what} failed`, e)}${hint}`, { cause: e });
}

/** The open pull request whose head is `branch` of this repository, if any. */
export async function findOpenPullRequest(octokit: Octokit, ref: RepoRef, branch: string): Promise<PullRequestRef | undefined> {
  try {
    const { data } = await octokit.rest.pulls.list({ ...ref, head: `${ref.owner}:${branch}`, state: "open", per_page: 10 });
    const first = data[0];
    return first ? toPull(first as ApiPull) : undefined;
  } catch (e) {
    throw pullError(`listing the open pull requests of ${branch}`, e);
  }
}

/** The repository's default branch, asked of GitHub. */
export async function defaultBranchFromApi(octokit: Octokit, ref: RepoRef): Promise<string> {
  try {
    const { data } = await octokit.rest.repos.get({ ...ref });
    return data.default_branch;
  } catch (e) {
    throw pullError("reading the repository's default branch", e);
  }
}

export type PullRequestAction = "created" | "updated" | "unchanged";

export interface PullRequestSpec {
  branch: string;
  base: string;
  title: string;
  body: string;
}

/** Opens the pull request, or updates the open one's title and body when they differ. */
export async function upsertPullRequest(octokit: Octokit, ref: RepoRef, spec: PullRequestSpec): Promise<{ action: PullRequestAction; pull: PullRequestRef }> {
  const body = truncateBody(spec.body);
  const open = await findOpenPullRequest(octokit, ref, spec.branch);
  if (open) {
    if (open.title === spec.title && open.body === body) return { action: "unchanged", pull: open };
    try {
      const { data } = await octokit.rest.pulls.update({ ...ref, pull_number: open.number, title: spec.title, body });
      return { action: "updated", pull: toPull(data as ApiPull) };
    } catch (e) {
      throw pullError(`updating pull request #${open.number}`, e);
    }
  }
  try {
    const { data } = await octokit.rest.pulls.create({ ...ref, head: spec.branch, base: spec.base, title: spec.title, body });
    return { action: "created", pull: toPull(data as ApiPull) };
  } catch (e) {
    if (failedAfterRetry(e, 422)) {
      // an earlier attempt opened it and only its answer was lost
      const made = await findOpenPullRequest(octokit, ref, spec.branch);
      if (made) return { action: "created", pull: made };
    }
    throw pullError(`opening a pull request from ${spec.branch} into ${spec.base}`, e);
  }
}

/** The body as GitHub takes it: cut, with a note, when longer than it accepts. */
export function truncateBody(body: string): string {
  if (body.length <= PULL_REQUEST_BODY_MAX) return body;
  const note = "\n\n… (cut: the full diff is longer than a pull request body can be; run `edict pack upgrade --dry-run` to see it)\n";
  return body.slice(0, PULL_REQUEST_BODY_MAX - note.length) + note;
}

export interface ProposeSpec extends PullRequestSpec {
  root: string;
  changes: readonly FileChange[];
  message: string;
  token: string;
  octokit: Octokit;
  ref: RepoRef;
  log: (line: string) => void;
  git?: GitExec;
  retry?: RetryOptions;
}

export interface ProposeResult {
  commit: string;
  pushed: boolean;
  action: PullRequestAction;
  pull: PullRequestRef;
}

/**
 * Commits, pushes and opens or updates the pull request. Undefined when the changes change
 * nothing on HEAD (no branch, no pull request).
 */
export async function proposePullRequest(spec: ProposeSpec): Promise<ProposeResult | undefined> {
  const git = spec.git ?? execGit;
  const made = await commitChanges({ root: spec.root, changes: spec.changes, message: spec.message }, git);
  if (!made) return undefined;
  const pushed = await pushBranch({ root: spec.root, branch: spec.branch, commit: made.commit, token: spec.token, log: spec.log, ...(spec.retry ? { retry: spec.retry } : {}) }, git);
  const { action, pull } = await upsertPullRequest(spec.octokit, spec.ref, spec);
  spec.log(`pull request #${pull.number} ${action}: ${pull.url}`);
  return { commit: made.commit, pushed, action, pull };
}
