/** Small pack fixtures and temporary repositories for the pack tests. */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildRepository } from "../../src/model/repository.js";
import type { Repository } from "../../src/model/repository.js";
import { toShippedPacks } from "../../src/pack/index.js";
import type { ShippedPacks } from "../../src/pack/index.js";

export const CONFIG = "name: acme\ntargets:\n  production: { default_action: deny }\n  staging: {}\n  development: {}\n";
export const NOW = new Date("2026-02-15T15:00:00Z");

export interface MetaOptions {
  version?: string;
  layer?: string;
  deps?: string[];
  band?: [number, number];
}

export function meta(name: string, o: MetaOptions = {}): string {
  const deps = o.deps ?? [];
  const band = o.band ?? [100, 199];
  return (
    `__pack_meta:\n  name: ${name}\n  version: "${o.version ?? "1.0.0"}"\n  layer: ${o.layer ?? "foundation"}\n` +
    `  description: test pack ${name}\n  dependencies: [${deps.map((d) => JSON.stringify(d)).join(", ")}]\n` +
    `  priority_band: { min: ${band[0]}, max: ${band[1]} }\n`
  );
}

/** A valid RuntimePolicy with the given id and priority. */
export function policy(id: string, priority: number, extra = ""): string {
  return `apiVersion: edict/v1\nkind: RuntimePolicy\nmetadata:\n  id: ${id}\n  priority: ${priority}\nspec:\n  security_level: high${extra}\n`;
}

/** Files of one pack under `packs/<name>/`. */
export function packFiles(name: string, o: MetaOptions & { policies?: Record<string, string> } = {}): Record<string, string> {
  const band = o.band ?? [100, 199];
  const policies = o.policies ?? { "01_first.yaml": policy(`${name}_first`, band[0]), "02_second.yaml": policy(`${name}_second`, band[0] + 1) };
  const out: Record<string, string> = { [`packs/${name}/metadata.yaml`]: meta(name, o) };
  for (const [file, text] of Object.entries(policies)) out[`packs/${name}/policies/${file}`] = text;
  return out;
}

export function repoOf(files: Record<string, string | Uint8Array>): Repository {
  const all = "edict.yaml" in files ? files : { "edict.yaml": CONFIG, ...files };
  return buildRepository(Object.entries(all).map(([path, bytes]) => ({ path, bytes })));
}

/** The shipped packs among `files` (paths under packs/). */
export function shippedOf(files: Record<string, string | Uint8Array>): ShippedPacks {
  const enc = new TextEncoder();
  const list = Object.entries(files)
    .filter(([p]) => p.startsWith("packs/"))
    .map(([p, b]) => ({ path: p.slice("packs/".length), bytes: typeof b === "string" ? enc.encode(b) : b }));
  return { ...toShippedPacks(list), source: "packs" };
}

export function writeTree(root: string, files: Record<string, string | Uint8Array>): void {
  for (const [path, bytes] of Object.entries(files)) {
    const full = join(root, ...path.split("/"));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, bytes);
  }
}

export function tempRepo(files: Record<string, string | Uint8Array>, prefix = "edict-pack-"): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  writeTree(root, "edict.yaml" in files ? files : { "edict.yaml": CONFIG, ...files });
  return root;
}

/** Every folder, file (with bytes, hex) and link under `root`: two equal snapshots mean byte-identical trees. */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const full = join(root, r);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out[r] = `link:${readlinkSync(full)}`;
      else if (st.isDirectory()) {
        out[`${r}/`] = "dir";
        walk(r);
      } else out[r] = readFileSync(full).toString("hex");
    }
  };
  walk("");
  return out;
}
