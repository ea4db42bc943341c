/**
 * Building a bundle payload from merged targets: the digests of the canonical targets,
 * the installed packs and sorted sources, checked with `findPayloadProblem` before it is signed.
 * Pure; build side only (it hashes with SHA-256 by node:crypto and BLAKE3), never reached by the
 * runtime loader. The targets are serialised once: their canonical bytes are hashed and then
 * reused inside the payload's.
 */
import type { EffectiveTarget } from "../engine/effective.js";
import type { PackState } from "../model/types.js";
import { canonicalBytes, canonicalBytesReusing } from "./canonical-json.js";
import { blake3Hex } from "./digest-blake3.js";
import { sha256HexNative } from "./digest-node.js";
import { BUNDLE_FORMAT, compareStrings, findPayloadProblem, toIsoSeconds } from "./payload.js";
import type { BundleDigests, BundlePayload, InstalledPackRef, SourceRef } from "./payload.js";

export interface PayloadInput {
  name: string;
  version: string;
  serial: number;
  revision: string;
  createdAt: Date;
  expiresAt: Date;
  /** What `buildAllTargets(repo)` returns (only `target` and `effective` are read). */
  targets: ReadonlyArray<{ target: string; effective: EffectiveTarget }>;
  /** `.edict/packs.yaml`, when the repository has one. */
  packState?: PackState | undefined;
  sources: readonly SourceRef[];
}

export interface BuiltPayload {
  payload: BundlePayload;
  /** `canonicalBytes(payload)`: exactly what gets signed. */
  bytes: Uint8Array;
}

/** `{blake3, sha256}` of `canonicalBytes(targets)`. */
export function digestTargets(targets: Readonly<Record<string, EffectiveTarget>>): BundleDigests {
  return digestsOf(canonicalBytes(targets));
}

function digestsOf(targetBytes: Uint8Array): BundleDigests {
  return { blake3: blake3Hex(targetBytes), sha256: sha256HexNative(targetBytes) };
}

/** `{<target>: {access, runtime, data, posture, locks?}}` from a list of merged targets (`locks` only when some path is locked). */
export function toTargetsRecord(targets: ReadonlyArray<{ target: string; effective: EffectiveTarget }>): Record<string, EffectiveTarget> {
  const out: Record<string, EffectiveTarget> = {};
  for (const { target, effective } of targets) {
    if (Object.hasOwn(out, target)) throw new TypeError(`buildPayload: target ${JSON.stringify(target)} appears twice`);
    const { access, runtime, data, posture, locks } = effective;
    const value: EffectiveTarget = { access, runtime, data, posture };
    if (locks !== undefined && locks.length > 0) value.locks = locks;
    // defineProperty: a hostile target name can never reach the prototype
    Object.defineProperty(out, target, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The installed packs of `.edict/packs.yaml`, sorted by name. */
export function installedPacksOf(state: PackState | undefined): InstalledPackRef[] {
  return Object.values(state?.installed_packs ?? {})
    .map((p) => ({ name: p.name, version: p.version, layer: p.layer, checksum: p.pack_checksum ?? null }))
    .sort((a, b) => compareStrings(a.name, b.name));
}

/**
 * Builds the payload and its canonical bytes from plain values (no I/O). Sources are sorted by
 * path; the digests are computed here. Throws `TypeError` when an input would make a payload
 * that `verifyBundle` refuses.
 *
 * @example
 * const { bytes } = buildPayload({ name: "acme", version: "0.1.0", serial: 1, revision,
 *   createdAt, expiresAt, targets: buildAllTargets(repo), packState, sources });
 */
export function buildPayload(input: PayloadInput): BuiltPayload {
  const targets = toTargetsRecord(input.targets);
  const targetBytes = canonicalBytes(targets);
  const payload: BundlePayload = {
    format: BUNDLE_FORMAT,
    name: input.name,
    version: input.version,
    serial: input.serial,
    revision: input.revision,
    created_at: toIsoSeconds(input.createdAt),
    expires_at: toIsoSeconds(input.expiresAt),
    targets,
    installed_packs: installedPacksOf(input.packState),
    sources: [...input.sources].map((s) => ({ path: s.path, sha256: s.sha256 })).sort((a, b) => compareStrings(a.path, b.path)),
    digests: digestsOf(targetBytes),
  };
  const problem = findPayloadProblem(payload);
  if (problem !== undefined) throw new TypeError(`buildPayload: ${problem}`);
  return { payload, bytes: canonicalBytesReusing(payload, new Map([[targets, targetBytes]])) };
}
