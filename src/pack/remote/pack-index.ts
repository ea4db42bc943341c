/**
 * The pack index `edict pack publish` writes beside the envelopes and a url source reads:
 * `{"format": "edict.pack-index/v1", "packs": [{name, version, layer, description, dependencies,
 * url, sha256}]}`, entries sorted by name then version, `url` relative to the index. The index is
 * not signed: it only says what exists and which bytes to expect (`sha256` of the envelope file);
 * every envelope is verified on its own. Pure.
 */
import semver from "semver";
import { parseStrictJson } from "../../bundle/strict-json.js";
import { isRecord } from "../../engine/record.js";
import { LAYERS } from "../../engine/vocabulary.js";
import type { Layer } from "../../engine/vocabulary.js";
import { packNameProblem } from "../names.js";

export const PACK_INDEX_FORMAT = "edict.pack-index/v1";
export const PACK_INDEX_FILE = "index.json";

export interface PackIndexEntry {
  name: string;
  version: string;
  layer: Layer;
  description?: string;
  dependencies: string[];
  /** The envelope, relative to the index (an absolute URL is read too). */
  url: string;
  /** Lowercase hex SHA-256 of the envelope file. */
  sha256: string;
}

export interface PackIndex {
  format: typeof PACK_INDEX_FORMAT;
  packs: PackIndexEntry[];
}

/** The envelope file name of one pack version: `<name>-<version>.pack.json`. */
export function envelopeFileName(name: string, version: string): string {
  return `${name}-${version}.pack.json`;
}

/** Name, then semantic version (ascending); entries with equal name and version keep their order. */
export function compareEntries(a: { name: string; version: string }, b: { name: string; version: string }): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  const va = semver.valid(a.version);
  const vb = semver.valid(b.version);
  if (va !== null && vb !== null) return semver.compareBuild(va, vb);
  return a.version < b.version ? -1 : a.version > b.version ? 1 : 0;
}

/**
 * Parses index bytes strictly (UTF-8, no duplicate keys). Returns the index or what is wrong
 * with it, never throws; each caller words the refusal (publish: PACK_ERROR, a source:
 * PACK_SOURCE_ERROR). Unknown fields are ignored.
 */
export function parsePackIndex(bytes: Uint8Array): { ok: true; index: PackIndex } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = parseStrictJson(new TextDecoder("utf-8", { fatal: true }).decode(bytes), { maxDepth: 16 });
  } catch (e) {
    return { ok: false, problem: `not strict JSON (${(e as Error).message})` };
  }
  if (!isRecord(value)) return { ok: false, problem: "expected an object {format, packs}" };
  if (value.format !== PACK_INDEX_FORMAT) return { ok: false, problem: `format is ${JSON.stringify(value.format)?.slice(0, 80)}, expected "${PACK_INDEX_FORMAT}"` };
  if (!Array.isArray(value.packs)) return { ok: false, problem: "packs must be a list" };
  const packs: PackIndexEntry[] = [];
  const seen = new Set<string>();
  for (const [i, e] of value.packs.entries()) {
    const at = `packs[${i}]`;
    if (!isRecord(e)) return { ok: false, problem: `${at} must be an object` };
    const { name, version, layer, description, dependencies, url, sha256 } = e;
    if (typeof name !== "string" || packNameProblem(name) !== undefined) return { ok: false, problem: `${at}.name must be a valid pack name` };
    if (typeof version !== "string" || semver.valid(version) === null || semver.valid(version) !== version) return { ok: false, problem: `${at}.version must be a semantic version (e.g. "1.0.0")` };
    if (typeof layer !== "string" || !(LAYERS as readonly string[]).includes(layer)) return { ok: false, problem: `${at}.layer must be one of ${LAYERS.join(", ")}` };
    if (description !== undefined && typeof description !== "string") return { ok: false, problem: `${at}.description must be a string` };
    if (!Array.isArray(dependencies) || !dependencies.every((d) => typeof d === "string")) return { ok: false, problem: `${at}.dependencies must be a list of strings` };
    if (typeof url !== "string" || url === "") return { ok: false, problem: `${at}.url must be the envelope's URL` };
    if (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256)) return { ok: false, problem: `${at}.sha256 must be 64 lowercase hex characters` };
    const key = `${name}@${version}`;
    // ambiguity: two entries for one version would let the index choose between two contents
    if (seen.has(key)) return { ok: false, problem: `${at}: ${key} is listed twice` };
    seen.add(key);
    packs.push({ name, version, layer: layer as Layer, ...(description !== undefined ? { description } : {}), dependencies: [...dependencies] as string[], url, sha256 });
  }
  return { ok: true, index: { format: PACK_INDEX_FORMAT, packs: packs.sort(compareEntries) } };
}

/** The index file's bytes: entries sorted, fields in a fixed order, two-space indent, final newline. */
export function toPackIndexBytes(packs: readonly PackIndexEntry[]): Uint8Array {
  const sorted = [...packs].sort(compareEntries).map((p) => ({
    name: p.name,
    version: p.version,
    layer: p.layer,
    ...(p.description !== undefined ? { description: p.description } : {}),
    dependencies: [...p.dependencies],
    url: p.url,
    sha256: p.sha256,
  }));
  return new TextEncoder().encode(JSON.stringify({ format: PACK_INDEX_FORMAT, packs: sorted }, null, 2) + "\n");
}
