/** Reads a policy repository from the file system (the I/O shell around repository.ts). */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { EdictError } from "../errors.js";
import { buildRepository, classifyPath, CONFIG_FILE, KEY_FILE_NAME, KEY_SCAN_NAME, PACKS_DIR, PACK_STATE_FILE, POLICIES_DIR } from "../model/repository.js";
import type { RawFile, Repository } from "../model/repository.js";
import { MAX_FILE_BYTES } from "../model/source.js";
import { resolvesInside } from "./inside-root.js";

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function* walk(root: string, dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    // Symlinks are not followed: a policy repository must not read outside itself.
    if (e.isDirectory()) yield* walk(root, rel);
    else if (e.isFile()) yield rel;
  }
}

/** Folders never searched for stray private keys. */
const SKIP_DIRS = new Set([".git", "node_modules"]);

/** Paths anywhere in the repository whose names suggest a private key (checked by content later). */
async function keyCandidates(root: string, dir = ""): Promise<string[]> {
  const out: string[] = [];
  let entries;
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.isDirectory() && !SKIP_DIRS.has(e.name)) out.push(...(await keyCandidates(root, rel)));
    else if (e.isFile() && (KEY_FILE_NAME.test(rel) || KEY_SCAN_NAME.test(rel)) && !classifyPath(rel)) out.push(rel);
  }
  return out;
}

/** Lists the repository paths edict reads (forward slashes), sorted. */
export async function listRepositoryPaths(root: string, options: { keys?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  // Links that lead outside the repository are not followed (links inside folders are never followed).
  for (const top of [CONFIG_FILE, PACK_STATE_FILE]) if ((await exists(join(root, top))) && (await resolvesInside(root, top))) out.push(top);
  for (const dir of [POLICIES_DIR, PACKS_DIR]) {
    if (!(await resolvesInside(root, dir))) continue;
    for await (const p of walk(root, dir)) if (classifyPath(p)) out.push(p);
  }
  if (options.keys) out.push(...(await keyCandidates(root)));
  return out.sort();
}

async function readCapped(path: string): Promise<Uint8Array> {
  const st = await stat(path);
  // Read at most one byte past the cap: enough for the parser to report the size.
  if (st.size > MAX_FILE_BYTES) return new Uint8Array(MAX_FILE_BYTES + 1);
  return readFile(path);
}

/** Reads and parses every file edict knows under `root`. */
export async function readRepository(root: string, onProgress?: (done: number, total: number) => void): Promise<Repository> {
  if (!(await exists(root))) throw new EdictError("NOT_FOUND", `repository folder ${root} does not exist`);
  const paths = await listRepositoryPaths(root, { keys: true });
  const raw: RawFile[] = [];
  let done = 0;
  for (const path of paths) {
    raw.push({ path, bytes: await readCapped(join(root, ...path.split("/"))) });
    onProgress?.(++done, paths.length);
  }
  return buildRepository(raw);
}

/** Turns a user-given path (relative to cwd) into a repository path with forward slashes. */
export function toRepoPath(root: string, p: string): string {
  return relative(root, p).split(sep).join("/");
}
