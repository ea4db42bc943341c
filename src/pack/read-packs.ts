/** Reads the shipped packs from disk (the I/O shell around model.ts). */
import { lstat, readdir } from "node:fs/promises";
import { isAbsolute, join, normalize, sep } from "node:path";
import { EdictError } from "../errors.js";
import { PACKS_DIR } from "../model/repository.js";
import type { Repository } from "../model/repository.js";
import { resolvesInside } from "../io/inside-root.js";
import { isPackContentPath, toShippedPacks } from "./model.js";
import type { ShippedPacks } from "./model.js";
import { readCapped } from "../io/read-repository.js";

/** The packs folder: edict.yaml's `packs.source`, else `packs`; it must lie inside the repository. */
export function packsSourceOf(repo: Repository): string {
  const source = repo.config?.value.packs?.source;
  if (source === undefined || source.trim() === "") return PACKS_DIR;
  const clean = normalize(source).split(sep).join("/").replace(/\/+$/, "");
  if (isAbsolute(source) || clean === ".." || clean.startsWith("../") || clean === "" || clean === ".") {
    throw new EdictError("CONFIG_ERROR", `packs.source "${source}" must be a folder inside the repository, e.g. packs`, { position: { file: "edict.yaml" } });
  }
  return clean;
}

async function* walk(root: string, rel: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    // Symlinks are not followed: a pack must not read outside its folder.
    if (e.isDirectory()) yield* walk(root, child);
    else if (e.isFile()) yield child;
  }
}

/**
 * Reads every pack under `<root>/<source>/`. A missing folder means no shipped packs; a
 * symlinked source folder is not followed.
 */
export async function readShippedPacks(root: string, source: string = PACKS_DIR): Promise<ShippedPacks> {
  const dir = join(root, ...source.split("/"));
  // A link anywhere on the way (vendor/link/nest) must not lead outside the repository.
  if (!(await resolvesInside(root, source))) {
    const exists = await lstat(dir).then(() => true, () => false);
    if (exists) throw new EdictError("CONFIG_ERROR", `packs.source "${source}" leads outside the repository through a symbolic link; point it at a real folder inside the repository`, { position: { file: "edict.yaml" } });
    return { packs: new Map(), problems: [], source };
  }
  try {
    const st = await lstat(dir);
    if (!st.isDirectory()) return { packs: new Map(), problems: [], source };
  } catch {
    return { packs: new Map(), problems: [], source };
  }
  const files: Array<{ path: string; bytes: Uint8Array }> = [];
  for await (const path of walk(dir, "")) {
    const slash = path.indexOf("/");
    if (slash <= 0 || !isPackContentPath(path.slice(slash + 1))) continue;
    files.push({ path, bytes: await readCapped(dir, path) });
  }
  return { ...toShippedPacks(files), source };
}
