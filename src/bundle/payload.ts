/**
 * The signed payload of an edict bundle: RFC 8785 canonical JSON of
 * `{format, name, version, serial, revision, created_at, expires_at, targets, installed_packs,
 * sources, digests}`. The bytes that are signed are `canonicalBytes(payload)`, and the digests
 * cover `canonicalBytes(targets)`, never a re-serialised object.
 *
 * Pure: no I/O, no Node-only APIs and no hashing; the runtime loader reads payloads with it, so it
 * may import only types from the policy model. Building a payload is payload-build.ts.
 */
import type { EffectiveTarget } from "../engine/effective.js";
import { isRecord } from "../engine/record.js";

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
  return Number.isNaN(ms) || `${new Date(ms).toISOString().slice(0, 19)}Z` !== text ? undefined : ms;
}

/** Code-unit order, the order RFC 8785 sorts keys in; locale-independent. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A JSON object (not null, not an array). */
export { isRecord };

/** A value in a message: a scalar's JSON, cut to 80 characters; a list or object only by kind (it may nest deeply). */
function show(value: unknown): string {
  return isRecord(value) ? "an object" : Array.isArray(value) ? "an array" : value === undefined ? "nothing" : JSON.stringify(value).slice(0, 80);
}

/** What a field's value must pass, and what it "must" be, for messages. */
type Rule = [ok: (value: unknown) => boolean, must: string];
/** The rules of an object's fields, checked in this order. */
type Fields = Record<string, Rule>;

const text = (pattern: RegExp, must: string): Rule => [(v) => typeof v === "string" && pattern.test(v), must];
const ISO: Rule = [(v) => parseIsoSeconds(v) !== undefined, 'be ISO-8601 UTC like "2026-01-02T03:04:05Z"'];
const HEX64_TEXT = text(HEX64, "be 64 lowercase hex characters");
const STRING: Rule = [(v) => typeof v === "string", "be a string"];
const OBJECT: Rule = [isRecord, "be an object"];
const ARRAY: Rule = [Array.isArray, "be an array"];

/** The top-level fields checked first; `targets` only as an object here, its entries once the dates are in order. */
const TOP_LEVEL: Fields = {
  name: text(NAME_PATTERN, `match ${NAME_PATTERN.source}`),
  version: text(SEMVER_PATTERN, "be a semantic version"),
  serial: [(v) => Number.isSafeInteger(v) && (v as number) >= 1, "be a positive integer"],
  revision: text(REVISION, "be a lowercase hex commit id"),
  created_at: ISO,
  expires_at: ISO,
  targets: OBJECT,
};
const KINDS: Fields = { access: OBJECT, runtime: OBJECT, data: OBJECT, posture: OBJECT };
const ACCESS: Fields = { Statement: ARRAY };
const DATA: Fields = { rules: ARRAY, default_action: [(v) => v === "allow" || v === "deny", 'be "allow" or "deny"'] };
const LISTS: Record<string, Fields> = {
  installed_packs: { name: STRING, version: STRING, layer: STRING, checksum: [(v) => v === null || typeof v === "string", "be a string or null"] },
  sources: { path: [(v) => typeof v === "string" && v !== "", "be a non-empty string"], sha256: HEX64_TEXT },
};
const DIGESTS: Fields = { blake3: HEX64_TEXT, sha256: HEX64_TEXT };

const mustBe = (at: string, must: string, value: unknown): string => `${at} must ${must}, got ${show(value)}`;

/** The first problem `problemOf` finds among `items`, or undefined. */
function firstProblem<T>(items: Iterable<T>, problemOf: (item: T) => string | undefined): string | undefined {
  for (const item of items) {
    const problem = problemOf(item);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The first field of `record` that breaks its rule, named after `prefix`. */
function fieldProblem(record: Record<string, unknown>, fields: Fields, prefix: string): string | undefined {
  for (const field in fields) {
    const [ok, must] = fields[field]!;
    if (!ok(record[field])) return mustBe(prefix + field, must, record[field]);
  }
  return undefined;
}

/** `value` at `at` must be an object whose fields pass `fields`. */
function objectProblem(value: unknown, fields: Fields, at: string, must = "be an object"): string | undefined {
  return isRecord(value) ? fieldProblem(value, fields, `${at}.`) : mustBe(at, must, value);
}

function targetProblem([name, target]: [string, unknown]): string | undefined {
  const at = `targets.${name}`;
  if (!NAME_PATTERN.test(name)) return `target name ${show(name)} must match ${NAME_PATTERN.source}`;
  const kinds = target as Record<string, Record<string, unknown>>;
  return objectProblem(target, KINDS, at) ?? fieldProblem(kinds.access!, ACCESS, `${at}.access.`) ?? fieldProblem(kinds.data!, DATA, `${at}.data.`);
}

/**
 * The first way `value` is not a v1 payload (required fields and their types), or undefined.
 * Unknown top-level fields are allowed, so later versions can add fields.
 */
export function findPayloadProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return mustBe("payload", "be a JSON object", value);
  const p = value;
  if (p.format !== BUNDLE_FORMAT) return `format is ${show(p.format)}, expected "${BUNDLE_FORMAT}"`;
  const sources = p.sources as SourceRef[];
  return (
    fieldProblem(p, TOP_LEVEL, "") ??
    (parseIsoSeconds(p.expires_at)! <= parseIsoSeconds(p.created_at)! ? `expires_at ${p.expires_at} is not after created_at ${p.created_at}` : undefined) ??
    firstProblem(Object.entries(p.targets as object), targetProblem) ??
    firstProblem(Object.entries(LISTS), ([list, fields]) => {
      const items = p[list];
      return Array.isArray(items) ? firstProblem(items.entries(), ([i, item]) => objectProblem(item, fields, `${list}[${i}]`)) : mustBe(list, "be an array", items);
    }) ??
    // `sources` is read here only, once the lists passed
    firstProblem(sources.entries(), ([i, { path }]) =>
      i > 0 && sources[i - 1]!.path >= path ? `sources[${i}]: sources must be sorted by path without duplicates (${show(path)} after ${show(sources[i - 1]!.path)})` : undefined,
    ) ??
    objectProblem(p.digests, DIGESTS, "digests", "be an object {blake3, sha256}")
  );
}

/** The release asset names of bundle `name`: `<name>.bundle.json` and `<name>.bundle.json.sha256`. */
export function bundleFileNames(name: string): { bundle: string; checksum: string } {
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) throw new TypeError(`bundle name must match ${NAME_PATTERN.source}, got ${show(name)}`);
  return { bundle: `${name}.bundle.json`, checksum: `${name}.bundle.json.sha256` };
}
