/**
 * Bundle verification (SPEC §7, §8): DSSE v1 envelope (secure-systems-lab/dsse) over an RFC 8785
 * canonical JSON payload. Each check below is one function that names the attack it stops, run
 * in the order of `verifyBundle`; the first failure throws a `BundleError` with a stable code.
 *
 * Pure: what the runtime loader imports. No Node-only APIs, no YAML, no git, no file system.
 * Rollback protection needs state (the highest serial seen), so it is the loader's job; it calls
 * `checkSerialNotBelow`.
 */
import { fromBase64, toBase64 } from "./base64.js";
import { bytesEqual, utf8Decode, utf8Encode } from "./bytes.js";
import { canonicalBytes, canonicalJson } from "./canonical-json.js";
import { sha256Hex } from "./digest.js";
import { parseEnvelope, toEnvelopeBytes, verifyEnvelope } from "./dsse.js";
import type { DsseEnvelope } from "./dsse.js";
import { BundleError, BundleIntegrityError, BundleRetrievalError, BundleTrustError } from "./errors.js";
import type { PublicKey } from "./keys.js";
import { BUNDLE_PAYLOAD_TYPE, findPayloadProblem, parseIsoSeconds } from "./payload.js";
import type { BundlePayload } from "./payload.js";
import { parseStrictJson } from "./strict-json.js";

/** 16 MiB: far above a real bundle; the loader usually sets a tighter `maxBytes`. */
export const DEFAULT_MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

/** Deepest JSON nesting a payload may have: effective policies are shallow, hostile input is not. */
const MAX_PAYLOAD_DEPTH = 64;

export interface VerifyBundleOptions {
  /** Pinned public keys (objects, PEM or base64 text, raw bytes). At least one. */
  trustedKeys: ReadonlyArray<PublicKey | string | Uint8Array>;
  /** Distinct trusted keys that must have signed (k-of-n); 1 unless told. */
  threshold?: number;
  /** The time expiry is checked against; the current time unless told. */
  now?: Date;
  /** When set, the bundle must carry this target (TARGET_MISSING otherwise). */
  target?: string;
  /** When set, the bundle's `name` must be this one (edict.yaml's name of the repository trusted). */
  expectedName?: string;
  /** Largest accepted bundle file, in bytes; `DEFAULT_MAX_BUNDLE_BYTES` unless told. */
  maxBytes?: number;
  /**
   * Skip the expiry check. Only for reading the previous release when building the next one
   * (its serial and version must continue even after it expired); never in the loader.
   */
  allowExpired?: boolean;
  /**
   * Also check `digests.blake3` with this hash (pass `blake3Hex`). The SHA-256 digest is always
   * checked, and it is signed, so it alone binds the targets; the runtime loader leaves BLAKE3
   * out to stay small, the CLI checks both.
   */
  blake3?: (bytes: Uint8Array) => string;
}

export interface VerifiedBundle {
  payload: BundlePayload;
  /** The exact signed payload bytes. */
  payloadBytes: Uint8Array;
  /** Distinct trusted keyids whose signatures verified, in envelope order. */
  keyids: string[];
  /** Lowercase hex SHA-256 of the whole bundle file (what the `.sha256` file lists). */
  sha256: string;
}

function formatError(message: string, cause?: unknown): BundleIntegrityError {
  return new BundleIntegrityError("FORMAT_ERROR", message, cause === undefined ? {} : { cause });
}

/** Endless data: refuse anything over the byte cap before parsing a single byte. */
export function checkSize(bytes: Uint8Array, maxBytes: number = DEFAULT_MAX_BUNDLE_BYTES): void {
  if (bytes.length > maxBytes) {
    throw new BundleRetrievalError("TOO_LARGE", `bundle is ${bytes.length} bytes, more than the limit of ${maxBytes} bytes`);
  }
}

/**
 * Malformed input, parser differentials and malleability: the envelope is strict JSON with the
 * DSSE fields, and the file is exactly the canonical form edict writes (RFC 8785, standard
 * base64, no unknown fields), so an unsigned part such as a keyid cannot be altered unnoticed
 * and one bundle has one SHA-256.
 */
export function parseBundleEnvelope(bytes: Uint8Array): DsseEnvelope {
  const envelope = parseEnvelope(bytes);
  let canonical = false;
  try {
    const strictBase64 = [envelope.payload, ...envelope.signatures.map((s) => s.sig)].every((b64) => toBase64(fromBase64(b64)) === b64);
    canonical = strictBase64 && bytesEqual(toEnvelopeBytes(envelope), bytes);
  } catch {
    canonical = false;
  }
  if (!canonical) {
    throw formatError("bundle file is not in the canonical form edict writes (RFC 8785 JSON, standard base64, only DSSE fields): it was changed after signing");
  }
  return envelope;
}

/** Type confusion: a validly signed document of another type is never read as a bundle. */
export function checkPayloadType(envelope: DsseEnvelope): void {
  if (envelope.payloadType !== BUNDLE_PAYLOAD_TYPE) {
    throw new BundleIntegrityError(
      "PAYLOAD_TYPE_ERROR",
      `payload type is ${JSON.stringify(envelope.payloadType.slice(0, 200))}, expected ${JSON.stringify(BUNDLE_PAYLOAD_TYPE)}`,
    );
  }
}

/** Forgery and tampering: enough distinct pinned keys signed PAE(type, payload). */
export function checkSignatures(
  envelope: DsseEnvelope,
  options: Pick<VerifyBundleOptions, "trustedKeys" | "threshold">,
): { payload: Uint8Array; keyids: string[] } {
  const verified = verifyEnvelope(envelope, {
    trustedKeys: options.trustedKeys,
    expectedPayloadType: BUNDLE_PAYLOAD_TYPE,
    ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
  });
  return { payload: verified.payload, keyids: verified.keyids };
}

/**
 * Parser differentials and malformed payloads: strict UTF-8 and JSON (no duplicate keys), RFC
 * 8785 canonical bytes, the v1 format and every required field with its type.
 */
export function parsePayload(bytes: Uint8Array): BundlePayload {
  return readPayload(bytes).payload;
}

/**
 * The payload and the canonical bytes of its `targets` (what the digests cover), serialised once.
 * JSON.parse is enough here: the bytes must equal the canonical form of what was parsed, which a
 * duplicate key, extra whitespace or any other non-canonical spelling can never do.
 */
function readPayload(bytes: Uint8Array): { payload: BundlePayload; targetsBytes: Uint8Array } {
  let value: unknown;
  try {
    value = JSON.parse(utf8Decode(bytes));
  } catch (e) {
    throw formatError(`payload is not strict JSON: ${(e as Error).message}`, e);
  }
  // Hostile nesting: effective policies are shallow, so a deep payload is refused before any recursion.
  if (deeperThan(value, MAX_PAYLOAD_DEPTH)) throw formatError(`payload nests deeper than ${MAX_PAYLOAD_DEPTH} levels`);
  const problem = findPayloadProblem(value);
  if (problem !== undefined) throw formatError(`payload: ${problem}`);
  const record = value as Record<string, unknown>;
  // one payload, one byte sequence: the canonical form, assembled around the canonical targets
  let canonical: Uint8Array;
  let targetsText: string;
  try {
    targetsText = canonicalJson(record.targets);
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const key of Object.keys(record)) {
      if (key === "targets") continue;
      Object.defineProperty(key < "targets" ? before : after, key, { value: record[key], enumerable: true, writable: true, configurable: true });
    }
    const head = canonicalJson(before).slice(0, -1);
    const tail = canonicalJson(after).slice(1);
    canonical = utf8Encode(`${head}${head.length > 1 ? "," : ""}"targets":${targetsText}${tail.length > 1 ? "," : ""}${tail}`);
  } catch (e) {
    throw formatError(`payload is not I-JSON: ${(e as Error).message}`, e);
  }
  if (!bytesEqual(canonical, bytes)) {
    // Name a duplicate key (the parser-differential attack) when that is why; the strict parser
    // runs only on this error path.
    try {
      parseStrictJson(utf8Decode(bytes), { maxDepth: MAX_PAYLOAD_DEPTH });
    } catch (e) {
      throw formatError(`payload is not strict JSON: ${(e as Error).message}`, e);
    }
    throw formatError("payload is not RFC 8785 canonical JSON");
  }
  return { payload: value as BundlePayload, targetsBytes: utf8Encode(targetsText) };
}

/** Whether a parsed JSON value nests deeper than `max` arrays/objects (iterative: no stack to exhaust). */
function deeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Inconsistent content: the digests must be those of the canonical targets actually shipped. */
export function checkDigests(payload: BundlePayload, blake3?: (bytes: Uint8Array) => string, targetsBytes?: Uint8Array): void {
  const bytes = targetsBytes ?? canonicalBytes(payload.targets);
  const actual: Partial<Record<"sha256" | "blake3", string>> = { sha256: sha256Hex(bytes) };
  if (blake3) actual.blake3 = blake3(bytes);
  for (const k of ["sha256", "blake3"] as const) {
    const got = actual[k];
    if (got !== undefined && got !== payload.digests[k]) {
      throw new BundleIntegrityError("DIGEST_MISMATCH", `digests.${k} is ${payload.digests[k]}, but the targets hash to ${got}`);
    }
  }
}

/** Freeze attack: a stale bundle replayed forever stops being accepted at `expires_at`. */
export function checkNotExpired(payload: BundlePayload, now: Date): void {
  const expires = parseIsoSeconds(payload.expires_at);
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError("verifyBundle: now must be a valid Date");
  if (expires === undefined || now.getTime() >= expires) {
    throw new BundleTrustError("EXPIRED", `bundle ${payload.name} ${payload.version} expired at ${payload.expires_at} (now ${now.toISOString()}); publish a fresh one`);
  }
}

/** Mix-and-match: another repository's bundle, signed by the same key, is not this one's. */
export function checkName(payload: BundlePayload, expectedName: string): void {
  if (payload.name !== expectedName) {
    throw formatError(`bundle is for ${JSON.stringify(payload.name)}, expected ${JSON.stringify(expectedName)}`);
  }
}

/** Silent fallback: a target the bundle lacks must fail loudly, not evaluate as empty policy. */
export function checkTarget(payload: BundlePayload, target: string): void {
  if (!Object.hasOwn(payload.targets, target)) {
    const names = Object.keys(payload.targets);
    throw new BundleError("TARGET_MISSING", `bundle ${payload.name} ${payload.version} has no target ${JSON.stringify(target)} (it has ${names.length === 0 ? "none" : names.join(", ")})`);
  }
}

/** Rollback: a serial below the highest one already accepted is an older bundle replayed. */
export function checkSerialNotBelow(serial: number, floor: number): void {
  if (!Number.isSafeInteger(serial) || !Number.isSafeInteger(floor)) throw new TypeError("checkSerialNotBelow: expected integers");
  if (serial < floor) {
    throw new BundleTrustError("ROLLBACK", `bundle serial ${serial} is below ${floor}, the highest serial already accepted (rollback)`);
  }
}

/**
 * Verifies a bundle file's bytes and returns its payload. Checks, in order: size (TOO_LARGE),
 * envelope (FORMAT_ERROR), payload type (PAYLOAD_TYPE_ERROR), signatures against the pinned keys
 * and threshold (SIGNATURE_ERROR, UNTRUSTED_KEY), payload format and fields (FORMAT_ERROR),
 * digests (DIGEST_MISMATCH), expiry (EXPIRED), name (FORMAT_ERROR), target (TARGET_MISSING).
 * Bad pinned keys throw KEY_ERROR; bad options throw `TypeError`.
 *
 * @example
 * const { payload, keyids } = verifyBundle(bytes, { trustedKeys: [publicKeyPem], target: "production" });
 */
export function verifyBundle(bytes: Uint8Array, options: VerifyBundleOptions): VerifiedBundle {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("verifyBundle: expected the bundle file's bytes as a Uint8Array");
  if (typeof options !== "object" || options === null) throw new TypeError("verifyBundle: options are required");
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new TypeError(`verifyBundle: maxBytes must be a positive integer, got ${maxBytes}`);

  checkSize(bytes, maxBytes);
  const envelope = parseBundleEnvelope(bytes);
  checkPayloadType(envelope);
  const { payload: payloadBytes, keyids } = checkSignatures(envelope, options);
  const { payload, targetsBytes } = readPayload(payloadBytes);
  checkDigests(payload, options.blake3, targetsBytes);
  if (!options.allowExpired) checkNotExpired(payload, options.now ?? new Date());
  if (options.expectedName !== undefined) checkName(payload, options.expectedName);
  if (options.target !== undefined) checkTarget(payload, options.target);
  return { payload, payloadBytes, keyids, sha256: sha256Hex(bytes) };
}
