/**
 * The one git operation the Action adds to edict's readers: fetching a commit that a shallow
 * checkout lacks (the pull request's base), with depth 1 so it costs one commit's objects.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { EdictError } from "../errors.js";
import { resolveRevision } from "../io/git.js";
import { retriesOf, withRetries } from "./github-retry.js";
import type { RetryOptions } from "./github-retry.js";
import type { RetryableFailure } from "./retry-policy.js";

/** Runs git with `args`; rejects as `execFile` does (with `stderr`, and `killed` on a timeout). */
export type GitRunner = (args: string[], options: { cwd: string; timeout: number; maxBuffer: number }) => Promise<unknown>;

const execGit: GitRunner = (args, options) => promisify(execFile)("git", args, options);

/**
 * A failed fetch worth retrying: GitHub answered 5xx or 429, or the connection broke. Not a
 * timeout (already two minutes), a commit origin lacks, or refused credentials.
 */
export function classifyGitFailure(error: unknown): RetryableFailure | undefined {
  const e = (typeof error === "object" && error !== null ? error : {}) as { killed?: unknown; stderr?: unknown; message?: unknown };
  if (e.killed === true) return undefined;
  const text = String(e.stderr ?? e.message ?? error);
  const http = /(?:The requested URL returned error:|RPC failed; HTTP) (5\d\d|429)\b/.exec(text);
  if (http) {
    const status = Number(http[1]);
    return { kind: status === 429 ? "secondary rate limit" : "server error", status };
  }
  if (/Connection reset|Connection timed out|Operation timed out|Failed to connect|Could not resolve host|early EOF|unexpected disconnect/i.test(text)) {
    return { kind: "connection failure", status: 500 };
  }
  return undefined;
}

const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Makes sure `sha` is in the repository at `root`: resolves it, or runs
 * `git fetch --no-tags --depth=1 origin <sha>` (retried as GitHub's API calls are) and resolves
 * again. Returns whether it fetched.
 */
export async function ensureCommit(
  root: string,
  sha: string,
  log: (line: string) => void,
  options: RetryOptions & { git?: GitRunner } = {},
): Promise<boolean> {
  // option injection: only a full commit id reaches the git command line
  if (!COMMIT_ID.test(sha)) throw new EdictError("USAGE", `expected a full commit id, got ${JSON.stringify(sha.slice(0, 80))}`);
  try {
    await resolveRevision(root, sha);
    return false;
  } catch {
    // not here: a shallow checkout; fetch it below
  }
  log(`fetching commit ${sha.slice(0, 12)} (not in this checkout): git fetch --no-tags --depth=1 origin ${sha}`);
  const { git = execGit, ...retry } = options;
  const args = ["fetch", "--no-tags", "--no-recurse-submodules", "--depth=1", "origin", sha];
  try {
    await withRetries(() => git(args, { cwd: root, timeout: 120_000, maxBuffer: 4 * 1024 * 1024 }), { what: `git fetch origin ${sha.slice(0, 12)}`, classify: classifyGitFailure }, { onRetry: log, ...retry });
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? (e as Error).message).trim().split("\n").slice(-1)[0] ?? "";
    const attempts = retriesOf(e)?.attempts ?? 1;
    throw new EdictError(
      "GIT_ERROR",
      `cannot fetch commit ${sha} from origin: ${stderr}${attempts > 1 ? ` (after ${attempts} attempts)` : ""}; ` +
        "check out with `fetch-depth: 0` in actions/checkout (and keep its credentials) so the commit is there",
      { cause: e },
    );
  }
  await resolveRevision(root, sha);
  return true;
}
