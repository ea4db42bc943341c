/**
 * Reads a policy repository from the working tree (the I/O shell around repository.ts): the one
 * reader of the checkout's raw files, for lint, diff, bundle builds and the Action.
 */
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { EdictError } from "../errors.js";
import { buildRepository, classifyPath, CONFIG_FILE, KEY_FILE_NAME, KEY_SCAN_NAME, PACKS_DIR, PACK_STATE_FILE, POLICIES_DIR } from "../model/repository.js";
import type { RawFile, Repository } from "../model/repository.js";
import { MAX_FILE_BYTES } from "../model/source.js";
import { readBounded } from "./bounded-read.js";
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

function ioCode(e: unknown): string {
  return (e as NodeJS.ErrnoException | undefined)?.code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * A repository file's bytes (`path` relative to `root`); over the policy size cap, a placeholder
 * one byte past it, so the parser reports the size without the file being read whole.
 */
export async function readCapped(root: string, path: string): Promise<Uint8Array> {
  try {
    const read = await readBounded(join(root, ...path.split("/")), MAX_FILE_BYTES);
    return read.status === "ok" ? read.bytes : new Uint8Array(MAX_FILE_BYTES + 1);
  } catch (e) {
    throw new EdictError("IO_ERROR", `cannot read this file (${ioCode(e)})`, { position: { file: path }, cause: e });
  }
}

export interface ReadWorkingTreeOptions {
  /**
   * Also read the files anywhere in the repository whose names suggest a private key, so that
   * `buildRepository` reports a key among them; they are never policy sources.
   */
  keys?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Every file edict reads under `root`, with its raw bytes (size-capped), sorted by path. Throws
 * NOT_FOUND when `root` is missing and IO_ERROR when a file cannot be read.
 */
export async function readWorkingTreeFiles(root: string, options: ReadWorkingTreeOptions = {}): Promise<RawFile[]> {
  try {
    await stat(root);
  } catch (e) {
    throw new EdictError("NOT_FOUND", `repository folder ${root} does not exist`, { cause: e });
  }
  const paths = await listRepositoryPaths(root, { keys: options.keys ?? false });
  const raw: RawFile[] = [];
  for (const path of paths) {
    raw.push({ path, bytes: await readCapped(root, path) });
    options.onProgress?.(raw.length, paths.length);
  }
  return raw;
}

/** Reads and parses every file edict knows under `root`, with the scan for stray private keys. */
export async function readRepository(root: string, onProgress?: (done: number, total: number) => void): Promise<Repository> {
  return buildRepository(await readWorkingTreeFiles(root, { keys: true, ...(onProgress ? { onProgress } : {}) }));
}

/** Turns a user-given path (relative to cwd) into a repository path with forward slashes. */
export function toRepoPath(root: string, p: string): string {
  return relative(root, p).split(sep).join("/");
}
