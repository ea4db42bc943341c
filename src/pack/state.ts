/**
 * The installed-pack state file `.edict/packs.yaml`: parsing it strictly for
 * operations, and writing it as stable YAML (sorted packs and files, fixed key order) so two
 * installs of the same packs at the same time give the same bytes.
 */
import { Document } from "yaml";
import { validatePackState } from "../model/documents/index.js";
import { PACK_STATE_FORMAT_VERSION } from "../model/schemas/repository.js";
import { parseSource } from "../model/source.js";
import type { InstalledPack, InstalledPackFile, PackState } from "../model/types.js";
import { REPOSITORY_SOURCE } from "./sources/types.js";

export const STATE_FORMAT_VERSION = PACK_STATE_FORMAT_VERSION;

export function emptyState(): PackState {
  return { format_version: STATE_FORMAT_VERSION, installed_packs: {} };
}

export type StateParse = { ok: true; state: PackState } | { ok: false; problems: string[] };

/** Validates a parsed state value against the schema; keys of installed_packs must match `name`. */
export function toPackState(value: unknown): StateParse {
  const { value: state, issues } = validatePackState(value);
  // any issue refuses: an operation rewrites the whole state, and the view leaves out what is wrong
  if (!state || issues.length > 0) return { ok: false, problems: issues.map((i) => `${i.pointer || "/"}: ${i.message}`) };
  const problems: string[] = [];
  for (const [key, entry] of Object.entries(state.installed_packs ?? {})) {
    if (entry.name !== key) problems.push(`/installed_packs/${key}/name: "${entry.name}" does not match its key "${key}"`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, state: { format_version: STATE_FORMAT_VERSION, installed_packs: { ...(state.installed_packs ?? {}) } } };
}

/** Parses the state file's text; problems include YAML errors. */
export function parseState(text: string | Uint8Array): StateParse {
  const source = parseSource(".edict/packs.yaml", text);
  const fatal = source.problems.filter((p) => p.code !== "byte-order-mark");
  if (fatal.length > 0) return { ok: false, problems: fatal.map((p) => p.message) };
  return toPackState(source.value);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function orderedFile(f: InstalledPackFile): InstalledPackFile {
  return {
    path: f.path,
    ...(f.policy_id !== undefined ? { policy_id: f.policy_id } : {}),
    ...(f.sha256 !== undefined ? { sha256: f.sha256 } : {}),
  };
}

function orderedPack(p: InstalledPack): InstalledPack {
  return {
    name: p.name,
    version: p.version,
    layer: p.layer,
    ...(p.installed_at !== undefined ? { installed_at: p.installed_at } : {}),
    ...(p.pack_checksum !== undefined ? { pack_checksum: p.pack_checksum } : {}),
    ...(p.source !== undefined ? { source: p.source } : {}),
    ...(p.resolved !== undefined ? { resolved: p.resolved } : {}),
    ...(p.range !== undefined ? { range: p.range } : {}),
    files: [...p.files].sort((a, b) => compareStrings(a.path, b.path)).map(orderedFile),
  };
}

/** The source an installed pack came from; a state written before sources existed means the repository's own folder. */
export function sourceOfEntry(entry: Pick<InstalledPack, "source">): string {
  return entry.source ?? REPOSITORY_SOURCE;
}

/** Stable YAML of the state: packs sorted by name, files by path, keys in the documented order. */
export function toStateYaml(state: PackState): string {
  const packs: Record<string, InstalledPack> = {};
  for (const name of Object.keys(state.installed_packs ?? {}).sort(compareStrings)) packs[name] = orderedPack(state.installed_packs![name]!);
  const doc = new Document({ format_version: STATE_FORMAT_VERSION, installed_packs: packs });
  doc.commentBefore = " Installed policy packs. Written by `edict pack`; edit with `edict pack install|upgrade|remove`.";
  return doc.toString({ lineWidth: 0 });
}

/** `2026-02-15T15:00:00Z`: the state's timestamps, to the second, in UTC. */
export function toTimestamp(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new TypeError("invalid date");
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
