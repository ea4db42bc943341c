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
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "an array" : "an object";
  return value === undefined ? "nothing" : JSON.stringify(value).slice(0, 80);
}

/** A field, what its value must pass, and what it "must" be, for messages. */
type FieldRule = [field: string, ok: (value: unknown) => boolean, must: string];

const text = (pattern: RegExp) => (v: unknown) => typeof v === "string" && pattern.test(v);
const ISO_RULE = (v: unknown) => parseIsoSeconds(v) !== undefined;
const ISO_MUST = 'be ISO-8601 UTC like "2026-01-02T03:04:05Z"';
const HEX64_RULE: [ok: (value: unknown) => boolean, must: string] = [text(HEX64), "be 64 lowercase hex characters"];

const SCALARS: FieldRule[] = [
  ["name", text(NAME_PATTERN), `match ${NAME_PATTERN.source}`],
  ["version", text(SEMVER_PATTERN), "be a semantic version"],
  ["serial", (v) => Number.isSafeInteger(v) && (v as number) >= 1, "be a positive integer"],
  ["revision", text(REVISION), "be a lowercase hex commit id"],
  ["created_at", ISO_RULE, ISO_MUST],
  ["expires_at", ISO_RULE, ISO_MUST],
];

const LISTS: Array<[list: string, items: FieldRule[]]> = [
  [
    "installed_packs",
    [
      ...["name", "version", "layer"].map((k): FieldRule => [k, (v) => typeof v === "string", "be a string"]),
      ["checksum", (v) => v === null || typeof v === "string", "be a string or null"],
    ],
  ],
  ["sources", [["path", (v) => typeof v === "string" && v !== "", "be a non-empty string"], ["sha256", ...HEX64_RULE]]],
];

const mustBe = (at: string, must: string, value: unknown): string => `${at} must ${must}, got ${show(value)}`;

function fieldProblem(record: Record<string, unknown>, rules: FieldRule[], prefix: string): string | undefined {
  for (const [field, ok, must] of rules) if (!ok(record[field])) return mustBe(prefix + field, must, record[field]);
  return undefined;
}

function targetProblem(name: string, target: unknown): string | undefined {
  const at = `targets.${name}`;
  if (!NAME_PATTERN.test(name)) return `target name ${show(name)} must match ${NAME_PATTERN.source}`;
  if (!isRecord(target)) return mustBe(at, "be an object", target);
  const kinds = fieldProblem(target, ["access", "runtime", "data", "posture"].map((k): FieldRule => [k, isRecord, "be an object"]), `${at}.`);
  if (kinds !== undefined) return kinds;
  const { access, data } = target as Record<string, Record<string, unknown>>;
  return (
    fieldProblem(access!, [["Statement", Array.isArray, "be an array"]], `${at}.access.`) ??
    fieldProblem(data!, [["rules", Array.isArray, "be an array"], ["default_action", (v) => v === "allow" || v === "deny", 'be "allow" or "deny"']], `${at}.data.`)
  );
}

/**
 * The first way `value` is not a v1 payload (required fields and their types), or undefined.
 * Unknown top-level fields are allowed, so later versions can add fields.
 */
export function findPayloadProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return `payload must be a JSON object, got ${show(value)}`;
  const p = value;
  if (p.format !== BUNDLE_FORMAT) return `format is ${show(p.format)}, expected "${BUNDLE_FORMAT}"`;
  const scalar = fieldProblem(p, SCALARS, "");
  if (scalar !== undefined) return scalar;
  if (parseIsoSeconds(p.expires_at)! <= parseIsoSeconds(p.created_at)!) return `expires_at ${p.expires_at} is not after created_at ${p.created_at}`;
  if (!isRecord(p.targets)) return mustBe("targets", "be an object", p.targets);
  for (const [name, target] of Object.entries(p.targets)) {
    const problem = targetProblem(name, target);
    if (problem !== undefined) return problem;
  }
  for (const [list, rules] of LISTS) {
    const items = p[list];
    if (!Array.isArray(items)) return mustBe(list, "be an array", items);
    for (const [i, item] of items.entries()) {
      const problem = isRecord(item) ? fieldProblem(item, rules, `${list}[${i}].`) : mustBe(`${list}[${i}]`, "be an object", item);
      if (problem !== undefined) return problem;
    }
  }
  const paths = (p.sources as Array<{ path: string }>).map((s) => s.path);
  for (let i = 1; i < paths.length; i++) {
    if (paths[i - 1]! >= paths[i]!) return `sources[${i}]: sources must be sorted by path without duplicates (${show(paths[i])} after ${show(paths[i - 1])})`;
  }
  if (!isRecord(p.digests)) return mustBe("digests", "be an object {blake3, sha256}", p.digests);
  return fieldProblem(p.digests, [["blake3", ...HEX64_RULE], ["sha256", ...HEX64_RULE]], "digests.");
}

/** The release asset names of bundle `name`: `<name>.bundle.json` and `<name>.bundle.json.sha256`. */
export function bundleFileNames(name: string): { bundle: string; checksum: string } {
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) throw new TypeError(`bundle name must match ${NAME_PATTERN.source}, got ${show(name)}`);
  return { bundle: `${name}.bundle.json`, checksum: `${name}.bundle.json.sha256` };
}
