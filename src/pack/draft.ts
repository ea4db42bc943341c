/**
 * The working copy a pack plan is computed on: a mutable copy of the repository's policy files,
 * their policy identities and the installed-pack entries, with the small edits the planning
 * steps make to it. Pure: nothing here touches the disk or throws.
 */
import type { InstalledPack, InstalledPackFile } from "../model/types.js";
import type { PackOrigin } from "./sources/types.js";
import { fileSha256 } from "./checksum.js";
import type { ShippedPack } from "./model.js";
import { toTimestamp } from "./state.js";
import { identityOf } from "./view.js";
import type { PackWorld, PolicyIdentity } from "./view.js";

/** A mutable copy of the world that the planning steps change. */
export interface Draft {
  files: Map<string, Uint8Array>;
  ids: Map<string, PolicyIdentity>;
  packs: Record<string, InstalledPack>;
}

/** A fresh working copy of `world`, so planning never mutates the caller's maps. */
export function draftOf(world: PackWorld): Draft {
  return { files: new Map(world.policyFiles), ids: new Map(world.policyIds), packs: { ...(world.state.installed_packs ?? {}) } };
}

/** The names of the packs installed in the draft, sorted. */
export function installedNames(d: Draft): string[] {
  return Object.keys(d.packs).sort();
}

/** Whether two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A tracked file whose content no longer matches what the pack installed (or cannot be checked). */
export function editedByHand(file: InstalledPackFile, bytes: Uint8Array): boolean {
  return file.sha256 === undefined || fileSha256(bytes) !== file.sha256;
}

/** Writes `bytes` at `path` and keeps the policy identity of that path in step. */
export function setFile(d: Draft, path: string, bytes: Uint8Array): void {
  d.files.set(path, bytes);
  const ident = identityOf(path, bytes);
  if (ident) d.ids.set(path, ident);
  else d.ids.delete(path);
}

/** Deletes `path` and its policy identity. */
export function deleteFile(d: Draft, path: string): void {
  d.files.delete(path);
  d.ids.delete(path);
}

/** Where a pack came from and what was asked, as the state records them. */
export interface EntryOrigin {
  origin?: PackOrigin;
  /** The range asked for at install; kept only when one was asked. */
  range?: string;
}

/**
 * The state entry recording `pack` as installed at `now`, with the checksum of every file it
 * placed (`pack.policies` holds the bytes written, see installedForm), and its origin.
 */
export function entryOf(pack: ShippedPack, now: Date, extra: EntryOrigin = {}): InstalledPack {
  return {
    name: pack.name,
    version: pack.version,
    layer: pack.layer,
    installed_at: toTimestamp(now),
    pack_checksum: pack.checksum,
    ...(extra.origin ? { source: extra.origin.source, resolved: extra.origin.resolved } : {}),
    ...(extra.range !== undefined ? { range: extra.range } : {}),
    files: pack.policies.map((p) => ({ path: p.installPath, ...(p.id !== undefined ? { policy_id: p.id } : {}), sha256: p.sha256 })),
  };
}
