/**
 * The library of packs edict ships (named "builtin"): the packs/ folder of edict's own package,
 * searched last. It is found by walking up from this module to the package root (the folder
 * nearest one holding a package.json), which is src/pack/sources/ in a checkout and dist/ in the
 * bundled CLI (one file, so this module's URL is dist/cli.js there).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EdictError } from "../../errors.js";
import { validatePackMeta } from "../../model/documents/index.js";
import { parseSource } from "../../model/source.js";
import { readShippedPacks } from "../read-packs.js";
import { folderSource } from "./folder-source.js";
import { BUILTIN_SOURCE } from "./types.js";
import type { PackSource } from "./types.js";

const BUILTIN_DIR = "packs";

function isPackageRoot(dir: string): boolean {
  return existsSync(join(dir, "package.json"));
}

/**
 * The built-in packs folder: packs/ beside the nearest package.json above `from`. The package
 * root is recognised by its package.json, not by a packs/ folder: a project that installs edict
 * has a packs/ folder of its own above node_modules/edict/, which must never be taken for the
 * library, so the search stops at edict's own package root either way.
 */
export function findBuiltinPacksDir(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (isPackageRoot(dir)) {
      const packs = join(dir, BUILTIN_DIR);
      if (existsSync(packs) && statSync(packs).isDirectory()) return packs;
      throw new EdictError("NOT_FOUND", `edict's package at ${dir} has no ${BUILTIN_DIR}/ folder; reinstall edict (the built-in packs ship in its package)`);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new EdictError("NOT_FOUND", `cannot find edict's package (a package.json) above ${from}; is the edict package complete?`);
    dir = parent;
  }
}

/**
 * The built-in library. The folder is looked for on first use, so a broken installation fails
 * only the commands that need the library (PACK_SOURCE_ERROR). `dir` replaces the search (tests).
 */
export function builtinSource(options: { dir?: string } = {}): PackSource {
  return folderSource({
    name: BUILTIN_SOURCE,
    kind: "builtin",
    where: "the built-in library",
    read: async () => {
      let dir: string;
      try {
        dir = options.dir ?? findBuiltinPacksDir();
      } catch (e) {
        throw new EdictError("PACK_SOURCE_ERROR", e instanceof Error ? e.message : String(e), { cause: e });
      }
      return readShippedPacks(dirname(dir), basename(dir));
    },
  });
}

let versions: ReadonlyMap<string, string> | undefined;

/**
 * Name → version of every pack in the built-in library, read once and synchronously (for lint,
 * which is synchronous: a dependency the library provides is not missing). Empty when the library
 * cannot be found or read; never throws.
 */
export function builtinPackVersions(): ReadonlyMap<string, string> {
  if (versions) return versions;
  const out = new Map<string, string>();
  try {
    const dir = findBuiltinPacksDir();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const path = join(dir, entry.name, "metadata.yaml");
      if (!existsSync(path)) continue;
      const meta = validatePackMeta(parseSource(path, readFileSync(path)).value).value;
      if (meta?.name === entry.name && meta.version !== undefined) out.set(meta.name, meta.version);
    }
  } catch {
    // no library: nothing it provides
  }
  versions = out;
  return out;
}
