/**
 * The signed payload of an edict bundle (SPEC §7): RFC 8785 canonical JSON of
 * `{format, name, version, serial, revision, created_at, expires_at, targets, installed_packs,
 * sources, digests}`. The bytes that are signed are `canonicalBytes(payload)`, and the digests
 * cover `canonicalBytes(targets)`, never a re-serialised object.
 *
 * Pure: no I/O and no Node-only APIs; the runtime loader reaches this file through verify.ts,
 * so it may import only types from the policy model.
 */
import type { EffectiveTarget } from "../policy/effective.js";
import type { PackState } from "../policy/types.js";
import { canonicalBytes } from "./canonical-json.js";
import { blake3Hex } from "./digest-blake3.js";
import { sha256Hex } from "./digest.js";

/** `format` of every v1 payload. */
export const BUNDLE_FORMAT = "edict.bundle/v1";
/** DSSE `payloadType` of a bundle envelope (authenticated by the signature). */
export const BUNDLE_PAYLOAD_TYPE = "application/vnd.edict.bundle.v1+json";

export interface InstalledPackRef {
  name: string;
  version: string;
  layer: string;
  /** `sha256:<hex>` from `.edict/packs.yaml`, or null when the state does not record one. */
  checksum: string | null;
}

export interface SourceRef {
  /** Repository-relative path with forward slashes. */
  path: string;
  /** Lowercase hex SHA-256 of the file's raw bytes. */
  sha256: string;
}

export interface BundleDigests {
  /** BLAKE3 (32-byte output) of `canonicalBytes(targets)`. */
  blake3: string;
  /** SHA-256 of `canonicalBytes(targets)`. */
  sha256: string;
}

export interface BundlePayload {
  format: typeof BUNDLE_FORMAT;
  name: string;
  version: string;
  serial: number;
  /** The commit the bundle was built from (40 or 64 hex characters). */
  revision: string;
  /** ISO-8601 UTC, whole seconds: "2026-01-02T03:04:05Z". */
  created_at: string;
  expires_at: string;
  targets: Record<string, EffectiveTarget>;
  installed_packs: InstalledPackRef[];
  sources: SourceRef[];
  digests: BundleDigests;
}

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

/** Target and bundle names: the pattern edict.yaml's schema enforces. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
/** Semantic Versioning 2.0.0, the regular expression semver.org publishes. */
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;
const REVISION = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const HEX64 = /^[0-9a-f]{64}$/;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * A date as ISO-8601 UTC with whole seconds (milliseconds dropped), the only time format in a
 * payload. Throws `TypeError` for an invalid date or a year outside 0000–9999.
 *
 * @example toIsoSeconds(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678))) === "2026-01-02T03:04:05Z"
 */
export function toIsoSeconds(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError("toIsoSeconds: expected a valid Date");
  const iso = date.toISOString();
  if (!/^\d{4}-/.test(iso)) throw new TypeError(`toIsoSeconds: year out of range in ${iso}`);
  return `${iso.slice(0, 19)}Z`;
}

/** Milliseconds since the epoch of an ISO-8601 UTC seconds string, or undefined when it is not one. */
export function parseIsoSeconds(text: unknown): number | undefined {
  if (typeof text !== "string" || !ISO_SECONDS.test(text)) return undefined;
  const ms = Date.parse(text);
  // Date.parse rolls "02-30" over to March; the round trip catches impossible dates
  return Number.isNaN(ms) || toIsoSeconds(new Date(ms)) !== text ? undefined : ms;
}

/** `{blake3, sha256}` of `canonicalBytes(targets)`. */
export function digestTargets(targets: Readonly<Record<string, EffectiveTarget>>): BundleDigests {
  const bytes = canonicalBytes(targets);
  return { blake3: blake3Hex(bytes), sha256: sha256Hex(bytes) };
}

/** `{<target>: {access, runtime, data, posture}}` from a list of merged targets. */
export function toTargetsRecord(targets: ReadonlyArray<{ target: string; effective: EffectiveTarget }>): Record<string, EffectiveTarget> {
  const out: Record<string, EffectiveTarget> = {};
  for (const { target, effective } of targets) {
    if (Object.hasOwn(out, target)) throw new TypeError(`buildPayload: target ${JSON.stringify(target)} appears twice`);
    const { access, runtime, data, posture } = effective;
    // defineProperty: a hostile target name can never reach the prototype
    Object.defineProperty(out, target, { value: { access, runtime, data, posture }, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The installed packs of `.edict/packs.yaml`, sorted by name. */
export function installedPacksOf(state: PackState | undefined): InstalledPackRef[] {
  const packs = state?.installed_packs;
  if (!packs || typeof packs !== "object") return [];
  return Object.entries(packs)
    .map(([key, p]) => ({
      name: typeof p?.name === "string" ? p.name : key,
      version: String(p?.version ?? ""),
      layer: String(p?.layer ?? ""),
      checksum: typeof p?.pack_checksum === "string" ? p.pack_checksum : null,
    }))
    .sort((a, b) => compareStrings(a.name, b.name));
}

/** Code-unit order, the order RFC 8785 sorts keys in; locale-independent. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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
    digests: digestTargets(targets),
  };
  const problem = findPayloadProblem(payload);
  if (problem !== undefined) throw new TypeError(`buildPayload: ${problem}`);
  return { payload, bytes: canonicalBytes(payload) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

function findTargetProblem(name: string, target: unknown): string | undefined {
  const at = `targets.${name}`;
  if (!isRecord(target)) return `${at} must be an object, got ${show(target)}`;
  for (const kind of ["access", "runtime", "data", "posture"] as const) {
    if (!isRecord(target[kind])) return `${at}.${kind} must be an object, got ${show(target[kind])}`;
  }
  const access = target.access as Record<string, unknown>;
  if (!Array.isArray(access.Statement)) return `${at}.access.Statement must be an array, got ${show(access.Statement)}`;
  const data = target.data as Record<string, unknown>;
  if (!Array.isArray(data.rules)) return `${at}.data.rules must be an array, got ${show(data.rules)}`;
  if (data.default_action !== "allow" && data.default_action !== "deny") {
    return `${at}.data.default_action must be "allow" or "deny", got ${show(data.default_action)}`;
  }
  return undefined;
}

function findListProblem(name: string, list: unknown, item: (v: Record<string, unknown>, at: string) => string | undefined): string | undefined {
  if (!Array.isArray(list)) return `${name} must be an array, got ${show(list)}`;
  for (const [i, v] of list.entries()) {
    const at = `${name}[${i}]`;
    if (!isRecord(v)) return `${at} must be an object, got ${show(v)}`;
    const problem = item(v, at);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * The first way `value` is not a v1 payload (required fields and their types), or undefined.
 * Unknown top-level fields are allowed, so later versions can add fields.
 */
export function findPayloadProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return `payload must be a JSON object, got ${show(value)}`;
  const p = value;
  if (p.format !== BUNDLE_FORMAT) return `format is ${show(p.format)}, expected "${BUNDLE_FORMAT}"`;
  if (typeof p.name !== "string" || !NAME_PATTERN.test(p.name)) return `name must match ${NAME_PATTERN.source}, got ${show(p.name)}`;
  if (typeof p.version !== "string" || !SEMVER_PATTERN.test(p.version)) return `version must be a semantic version, got ${show(p.version)}`;
  if (typeof p.serial !== "number" || !Number.isSafeInteger(p.serial) || p.serial < 1) return `serial must be a positive integer, got ${show(p.serial)}`;
  if (typeof p.revision !== "string" || !REVISION.test(p.revision)) return `revision must be a lowercase hex commit id, got ${show(p.revision)}`;
  const created = parseIsoSeconds(p.created_at);
  if (created === undefined) return `created_at must be ISO-8601 UTC like "2026-01-02T03:04:05Z", got ${show(p.created_at)}`;
  const expires = parseIsoSeconds(p.expires_at);
  if (expires === undefined) return `expires_at must be ISO-8601 UTC like "2026-01-02T03:04:05Z", got ${show(p.expires_at)}`;
  if (expires <= created) return `expires_at ${p.expires_at} is not after created_at ${p.created_at}`;
  if (!isRecord(p.targets)) return `targets must be an object, got ${show(p.targets)}`;
  for (const [name, target] of Object.entries(p.targets)) {
    if (!NAME_PATTERN.test(name)) return `target name ${show(name)} must match ${NAME_PATTERN.source}`;
    const problem = findTargetProblem(name, target);
    if (problem !== undefined) return problem;
  }
  const packProblem = findListProblem("installed_packs", p.installed_packs, (v, at) => {
    for (const k of ["name", "version", "layer"] as const) if (typeof v[k] !== "string") return `${at}.${k} must be a string, got ${show(v[k])}`;
    if (v.checksum !== null && typeof v.checksum !== "string") return `${at}.checksum must be a string or null, got ${show(v.checksum)}`;
    return undefined;
  });
  if (packProblem !== undefined) return packProblem;
  let previous: string | undefined;
  const sourceProblem = findListProblem("sources", p.sources, (v, at) => {
    if (typeof v.path !== "string" || v.path === "") return `${at}.path must be a non-empty string, got ${show(v.path)}`;
    if (typeof v.sha256 !== "string" || !HEX64.test(v.sha256)) return `${at}.sha256 must be 64 lowercase hex characters, got ${show(v.sha256)}`;
    if (previous !== undefined && compareStrings(previous, v.path) >= 0) return `${at}: sources must be sorted by path without duplicates (${show(v.path)} after ${show(previous)})`;
    previous = v.path;
    return undefined;
  });
  if (sourceProblem !== undefined) return sourceProblem;
  if (!isRecord(p.digests)) return `digests must be an object {blake3, sha256}, got ${show(p.digests)}`;
  for (const k of ["blake3", "sha256"] as const) {
    if (typeof p.digests[k] !== "string" || !HEX64.test(p.digests[k])) return `digests.${k} must be 64 lowercase hex characters, got ${show(p.digests[k])}`;
  }
  return undefined;
}

/** The release asset names of bundle `name`: `<name>.bundle.json` and `<name>.bundle.json.sha256`. */
export function bundleFileNames(name: string): { bundle: string; checksum: string } {
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) throw new TypeError(`bundle name must match ${NAME_PATTERN.source}, got ${show(name)}`);
  return { bundle: `${name}.bundle.json`, checksum: `${name}.bundle.json.sha256` };
}
