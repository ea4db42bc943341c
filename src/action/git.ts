/**
 * The one git operation the Action adds to edict's readers: fetching a commit that a shallow
 * checkout lacks (the pull request's base), with depth 1 so it costs one commit's objects.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { EdictError } from "../errors.js";
import { resolveRevision } from "../io/git.js";

const run = promisify(execFile);

const COMMIT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Makes sure `sha` is in the repository at `root`: resolves it, or runs
 * `git fetch --no-tags --depth=1 origin <sha>` and resolves again. Returns whether it fetched.
 */
export async function ensureCommit(root: string, sha: string, log: (line: string) => void): Promise<boolean> {
  // option injection: only a full commit id reaches the git command line
  if (!COMMIT_ID.test(sha)) throw new EdictError("USAGE", `expected a full commit id, got ${JSON.stringify(sha.slice(0, 80))}`);
  try {
    await resolveRevision(root, sha);
    return false;
  } catch {
    // not here: a shallow checkout; fetch it below
  }
  log(`fetching commit ${sha.slice(0, 12)} (not in this checkout): git fetch --no-tags --depth=1 origin ${sha}`);
  try {
    await run("git", ["fetch", "--no-tags", "--no-recurse-submodules", "--depth=1", "origin", sha], { cwd: root, timeout: 120_000, maxBuffer: 4 * 1024 * 1024 });
  } catch (e) {
    const stderr = String((e as { stderr?: unknown }).stderr ?? (e as Error).message).trim().split("\n").slice(-1)[0] ?? "";
    throw new EdictError(
      "GIT_ERROR",
      `cannot fetch commit ${sha} from origin: ${stderr}; check out with \`fetch-depth: 0\` in actions/checkout (and keep its credentials) so the commit is there`,
      { cause: e },
    );
  }
  await resolveRevision(root, sha);
  return true;
}
