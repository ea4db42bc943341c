/**
 * Drift between what is installed and what is shipped: an outdated version, the same
 * version with different content, and installed files edited by hand or deleted. Drift is
 * reported, never repaired on its own: upgrades are explicit (VaultKit §6).
 */
import type { PackState } from "../model/types.js";
import type { Layer } from "../engine/vocabulary.js";
import semver from "semver";
import { fileSha256 } from "./checksum.js";
import type { ShippedPack } from "./model.js";
import type { SourceOffers } from "./resolve.js";
import { sourceOfEntry } from "./state.js";

export type DriftKind = "outdated" | "checksum" | "modified" | "missing";

export interface DriftFinding {
  pack: string;
  kind: DriftKind;
  /** The installed file concerned (modified, missing). */
  path?: string;
  message: string;
}

export type PackStatus = "ok" | "outdated" | "modified" | "not-installed";

/** One row of `edict pack list` (Appendix A). */
export interface PackListEntry {
  name: string;
  layer: Layer;
  shipped: string | null;
  installed: string | null;
  status: PackStatus;
}

/** VaultKit's drift line: `⚠ starter (installed v1.0.0, available v1.1.0)`. */
export function formatOutdated(name: string, installed: string, shipped: string): string {
  return `⚠ ${name} (installed v${installed}, available v${shipped})`;
}

function shortChecksum(c: string | undefined): string {
  return c ? `${c.slice(0, "sha256:".length + 12)}…` : "none";
}

/**
 * Every drift of the installed packs. `files` holds the repository's files under policies/
 * (path → bytes); a tracked path absent from it is missing.
 */
export function computeDrift(state: PackState, shipped: ReadonlyMap<string, ShippedPack>, files: ReadonlyMap<string, Uint8Array>): DriftFinding[] {
  const out: DriftFinding[] = [];
  for (const name of Object.keys(state.installed_packs ?? {}).sort()) {
    const entry = state.installed_packs![name]!;
    const pack = shipped.get(name);
    if (pack && pack.version !== entry.version) {
      out.push({ pack: name, kind: "outdated", message: formatOutdated(name, entry.version, pack.version) });
    } else if (pack && pack.checksum !== entry.pack_checksum) {
      out.push({
        pack: name,
        kind: "checksum",
        message: `⚠ ${name} (installed v${entry.version} ${shortChecksum(entry.pack_checksum)}, shipped v${pack.version} has different content ${shortChecksum(pack.checksum)})`,
      });
    }
    for (const f of entry.files) {
      const bytes = files.get(f.path);
      if (bytes === undefined) out.push({ pack: name, kind: "missing", path: f.path, message: `⚠ ${f.path} of ${name} is missing` });
      else if (f.sha256 === undefined || fileSha256(bytes) !== f.sha256) {
        out.push({ pack: name, kind: "modified", path: f.path, message: `⚠ ${f.path} of ${name} was edited by hand` });
      }
    }
  }
  return out;
}

/**
 * The rows of `edict pack list`: every shipped pack and every installed one, by name. A pack
 * whose files were edited or deleted is `modified`; otherwise one whose shipped version or
 * content differs is `outdated`.
 */
export function listPacks(state: PackState, shipped: ReadonlyMap<string, ShippedPack>, files: ReadonlyMap<string, Uint8Array>): PackListEntry[] {
  const drift = computeDrift(state, shipped, files);
  const installed = state.installed_packs ?? {};
  const names = [...new Set([...shipped.keys(), ...Object.keys(installed)])].sort();
  return names.map((name): PackListEntry => {
    const pack = shipped.get(name);
    const entry = installed[name];
    const kinds = new Set(drift.filter((d) => d.pack === name).map((d) => d.kind));
    const status: PackStatus = !entry
      ? "not-installed"
      : kinds.has("modified") || kinds.has("missing")
        ? "modified"
        : kinds.has("outdated") || kinds.has("checksum")
          ? "outdated"
          : "ok";
    return { name, layer: entry?.layer ?? pack!.layer, shipped: pack?.version ?? null, installed: entry?.version ?? null, status };
  });
}

/** One row of `edict pack list` over the pack sources (the JSON contract). */
export interface SourcedListEntry {
  name: string;
  installed: string | null;
  /** The source it was installed from; for a pack not installed, the first source offering it (where install takes it from). */
  source: string;
  /** Every version every source offers, in search order. */
  available: Array<{ source: string; version: string }>;
  status: PackStatus;
}

/**
 * The rows of `edict pack list` over the sources: every offered and every installed pack, by
 * name. `modified`: an installed file was edited or deleted; `outdated`: its source offers a
 * newer version, or (`changed`) the pack at the installed version no longer has the installed
 * content.
 */
export function listSourcedPacks(
  state: PackState,
  offers: readonly SourceOffers[],
  files: ReadonlyMap<string, Uint8Array>,
  changed: ReadonlySet<string> = new Set(),
): SourcedListEntry[] {
  const installed = state.installed_packs ?? {};
  const names = [...new Set([...offers.flatMap((s) => s.offers.map((o) => o.name)), ...Object.keys(installed)])].sort();
  return names.map((name): SourcedListEntry => {
    const entry = installed[name];
    const available = offers.flatMap((s) => s.offers.filter((o) => o.name === name).map((o) => ({ source: s.source, version: o.version })));
    const source = entry ? sourceOfEntry(entry) : available[0]!.source;
    let status: PackStatus = "not-installed";
    if (entry) {
      const edited = entry.files.some((f) => {
        const bytes = files.get(f.path);
        return bytes === undefined || f.sha256 === undefined || fileSha256(bytes) !== f.sha256;
      });
      const newer = available.some((a) => a.source === source && semver.valid(a.version) && semver.valid(entry.version) && semver.gt(a.version, entry.version));
      status = edited ? "modified" : newer || changed.has(name) ? "outdated" : "ok";
    }
    return { name, installed: entry?.version ?? null, source, available, status };
  });
}
