/**
 * The I/O of a git source: git run without a shell, never prompting, with only ordinary
 * transports, on a bare repository that caches fetched commits under
 * `<root>/.edict/cache/git/<hash of the url>`. A commit is fetched once (`--depth=1`) and kept
 * under `refs/edict/<commit>`; its content never changes, so a cached commit needs no network.
 * The cache keeps itself out of git (`.edict/cache/.gitignore`) and out of edict's reader, which
 * reads only edict.yaml, .edict/packs.yaml, policies/ and packs/.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { catFileBatch } from "../../io/git-cat-file.js";
import { MAX_FILE_BYTES } from "../../model/source.js";
import { isPackContentPath } from "../model.js";
import { ALLOWED_SCHEMES } from "./git-refs.js";

/** The cache folder, relative to the repository root (kept out of git by `edict init`'s .gitignore). */
export const GIT_CACHE_DIR = ".edict/cache/git";

const NETWORK_TIMEOUT_MS = 120_000;
const LOCAL_TIMEOUT_MS = 30_000;

/** Variables that would point git at another repository than the one asked for. */
const REPOSITORY_VARIABLES = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE"];

function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of REPOSITORY_VARIABLES) delete env[name];
  // a missing credential fails instead of waiting for someone to type it
  env.GIT_TERMINAL_PROMPT = "0";
  env.GIT_SSH_COMMAND ??= "ssh -o BatchMode=yes";
  env.GIT_ALLOW_PROTOCOL = ALLOWED_SCHEMES.join(":");
  return env;
}

/** git's failure: its first line of stderr, or how it ended. */
export class GitFailure extends Error {}

/** Runs git; resolves with stdout, rejects with a GitFailure carrying git's message. */
export function runGit(args: readonly string[], options: { timeout?: number } = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      args,
      { env: gitEnv(), encoding: "buffer", maxBuffer: 256 * 1024 * 1024, timeout: options.timeout ?? LOCAL_TIMEOUT_MS, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const lines = stderr.toString("utf8").split("\n").map((l) => l.trim()).filter((l) => l !== "");
        const said = lines.find((l) => /^(fatal|error):/.test(l)) ?? lines[0];
        const how = (error as NodeJS.ErrnoException).code === "ENOENT" ? "git is not installed or not on PATH" : error.killed ? "git took too long and was stopped" : `git exited with ${String(error.code)}`;
        reject(new GitFailure(said ?? how));
      },
    );
  });
}

/** `git ls-remote` of `url` for `patterns` (none: every ref), with `--symref` when asked. */
export async function lsRemote(url: string, patterns: readonly string[], symref = false): Promise<string> {
  const args = ["ls-remote", ...(symref ? ["--symref"] : []), "--end-of-options", url, ...patterns];
  return (await runGit(args, { timeout: NETWORK_TIMEOUT_MS })).toString("utf8");
}

/** Written as `.edict/cache/.gitignore`. */
export const CACHE_GITIGNORE = "# edict's cache of fetched pack sources: never committed\n*\n";

export class GitCache {
  /** `<root>/.edict/cache`. */
  private readonly cacheRoot: string;
  readonly dir: string;

  constructor(root: string, url: string) {
    this.cacheRoot = join(root, ".edict", "cache");
    this.dir = join(root, ...GIT_CACHE_DIR.split("/"), createHash("sha256").update(url).digest("hex").slice(0, 16));
  }

  private git(args: readonly string[], timeout?: number): Promise<Buffer> {
    return runGit([`--git-dir=${this.dir}`, ...args], timeout !== undefined ? { timeout } : {});
  }

  private async ensure(): Promise<void> {
    if (existsSync(join(this.dir, "HEAD"))) return;
    await mkdir(this.dir, { recursive: true });
    // git would commit a bare repository's files like any others: the cache ignores itself,
    // whatever the repository's own .gitignore says
    const ignore = join(this.cacheRoot, ".gitignore");
    if (!existsSync(ignore)) await writeFile(ignore, CACHE_GITIGNORE);
    await runGit(["init", "--bare", "--quiet", "--", this.dir]);
  }

  /** Whether the commit is here already (the object itself, not a tag that points at it). */
  async has(commit: string): Promise<boolean> {
    if (!existsSync(join(this.dir, "HEAD"))) return false;
    return this.git(["cat-file", "-t", commit]).then(
      (type) => type.toString("utf8").trim() === "commit",
      () => false,
    );
  }

  /** Makes `commit` (a full id) available, fetching it from `url` when it is not cached. */
  async obtain(url: string, commit: string): Promise<void> {
    if (await this.has(commit)) return;
    await this.ensure();
    await this.git(["fetch", "--quiet", "--depth=1", "--no-tags", "--end-of-options", url, `+${commit}:refs/edict/${commit}`], NETWORK_TIMEOUT_MS);
    if (!(await this.has(commit))) throw new GitFailure(`${commit} is not a commit`);
  }

  /**
   * The files under `packs/` at `commit`, relative to it (`<name>/metadata.yaml`, …): only the
   * files a pack is made of; links are not followed, and a file over the size cap reads as too
   * large, as from disk.
   */
  async packFiles(commit: string): Promise<Array<{ path: string; bytes: Uint8Array }>> {
    const listing = (await this.git(["ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--", "packs"])).toString("utf8");
    const entries: Array<{ path: string; id: string; size: number }> = [];
    for (const record of listing.split("\0")) {
      const m = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t(.+)$/s.exec(record);
      if (!m || m[2] !== "blob" || (m[1] !== "100644" && m[1] !== "100755")) continue;
      const path = m[5]!.slice("packs/".length);
      const slash = path.indexOf("/");
      if (!m[5]!.startsWith("packs/") || slash <= 0 || !isPackContentPath(path.slice(slash + 1))) continue;
      entries.push({ path, id: m[3]!, size: Number(m[4]) });
    }
    const small = entries.filter((e) => e.size <= MAX_FILE_BYTES);
    const read = await catFileBatch(this.dir, small.map((e) => e.id));
    const bytes = new Map<string, Uint8Array>();
    small.forEach((e, i) => {
      const r = read[i]!;
      if ("bytes" in r) bytes.set(e.path, r.bytes);
    });
    return entries.map((e) => ({ path: e.path, bytes: bytes.get(e.path) ?? new Uint8Array(MAX_FILE_BYTES + 1) }));
  }
}
