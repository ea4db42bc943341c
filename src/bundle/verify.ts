/**
 * Bundle verification: DSSE v1 envelope (secure-systems-lab/dsse) over an RFC 8785
 * canonical JSON payload. Each check below is one function that names the attack it stops, run
 * in the order of `verifyBundle`; the first failure throws a `BundleError` with a stable code.
 *
 * Pure and synchronous: what the CLI, the build and the Action use. No Node-only APIs, no YAML,
 * no git, no file system. The runtime loader runs the same checks asynchronously over WebCrypto
 * (src/loader/verify.ts); a differential test keeps the two in agreement. Rollback protection
 * needs state (the highest serial seen), so it is the loader's job (`checkSerialNotBelow`).
 */
import { fromBase64 } from "./base64.js";
import { codecs } from "./codecs.js";
import { bytesEqual, utf8Decode } from "./bytes.js";
import { canonicalBytes } from "./canonical-json.js";
import { sha256Hex } from "./digest.js";
import { parseEnvelope, toEnvelopeBytes, verifyEnvelope } from "./dsse.js";
import type { DsseEnvelope } from "./dsse.js";
import type { PublicKey } from "./keys.js";
import { BUNDLE_PAYLOAD_TYPE } from "./payload.js";
import type { BundlePayload } from "./payload.js";
import { MAX_PAYLOAD_DEPTH, NOT_CANONICAL, readPayload } from "./payload-read.js";
import type { ReadPayload } from "./payload-read.js";
import { parseStrictJson } from "./strict-json.js";
import {
  checkDigestsMatch,
  checkName,
  checkNotExpired,
  checkPayloadType,
  checkSize,
  checkTarget,
  DEFAULT_MAX_BUNDLE_BYTES,
  formatError,
} from "./verify-checks.js";

export {
  checkName,
  checkNotExpired,
  checkPayloadType,
  checkSerialNotBelow,
  checkSize,
  checkTarget,
  DEFAULT_MAX_BUNDLE_BYTES,
} from "./verify-checks.js";

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

/**
 * Malformed input, parser differentials and malleability: the envelope is strict JSON with the
 * DSSE fields, and the file is exactly the canonical form edict writes (RFC 8785, standard
 * base64, no unknown fields), so an unsigned part such as a keyid cannot be altered unnoticed
 * and one bundle has one SHA-256.
 */
export function parseBundleEnvelope(bytes: Uint8Array): DsseEnvelope {
  return readBundleEnvelope(bytes).envelope;
}

/** `parseBundleEnvelope`, with the payload bytes its strict base64 check decoded. */
function readBundleEnvelope(bytes: Uint8Array): { envelope: DsseEnvelope; payload: Uint8Array } {
  const envelope = parseEnvelope(bytes);
  let payload: Uint8Array | undefined;
  try {
    // strict base64 decodes only the one spelling toBase64 gives (alphabet, padding, trailing bits),
    // so decoding is the canonical check
    payload = codecs.fromBase64(envelope.payload);
    for (const { sig } of envelope.signatures) fromBase64(sig);
    if (!bytesEqual(toEnvelopeBytes(envelope), bytes)) payload = undefined;
  } catch {
    payload = undefined;
  }
  if (payload === undefined) {
    throw formatError("bundle file is not in the canonical form edict writes (RFC 8785 JSON, standard base64, only DSSE fields): it was changed after signing");
  }
  return { envelope, payload };
}

/** Forgery and tampering: enough distinct pinned keys signed PAE(type, payload); `decoded`: the payload's bytes, when already decoded. */
export function checkSignatures(
  envelope: DsseEnvelope,
  options: Pick<VerifyBundleOptions, "trustedKeys" | "threshold">,
  decoded?: Uint8Array,
): { payload: Uint8Array; keyids: string[] } {
  const verified = verifyEnvelope(
    envelope,
    {
      trustedKeys: options.trustedKeys,
      expectedPayloadType: BUNDLE_PAYLOAD_TYPE,
      ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    },
    decoded,
  );
  return { payload: verified.payload, keyids: verified.keyids };
}

/**
 * Parser differentials and malformed payloads: strict UTF-8 and JSON (no duplicate keys), RFC
 * 8785 canonical bytes, the v1 format and every required field with its type.
 */
export function parsePayload(bytes: Uint8Array): BundlePayload {
  return readPayloadExplained(bytes).payload;
}

/**
 * `readPayload`, naming a duplicate key (the parser-differential attack) when that is why the
 * payload is not canonical; the strict parser runs only on that error path.
 */
function readPayloadExplained(bytes: Uint8Array): ReadPayload {
  try {
    return readPayload(bytes);
  } catch (e) {
    if ((e as Error).message === NOT_CANONICAL) {
      try {
        parseStrictJson(utf8Decode(bytes), { maxDepth: MAX_PAYLOAD_DEPTH });
      } catch (strict) {
        throw formatError(`payload is not strict JSON: ${(strict as Error).message}`, strict);
      }
    }
    throw e;
  }
}

/** Inconsistent content: the digests must be those of the canonical targets actually shipped. */
export function checkDigests(payload: BundlePayload, blake3?: (bytes: Uint8Array) => string, targetsBytes?: Uint8Array): void {
  const bytes = targetsBytes ?? canonicalBytes(payload.targets);
  checkDigestsMatch(payload, blake3 ? { sha256: sha256Hex(bytes), blake3: blake3(bytes) } : { sha256: sha256Hex(bytes) });
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
  const { envelope, payload: decoded } = readBundleEnvelope(bytes);
  checkPayloadType(envelope);
  const { payload: payloadBytes, keyids } = checkSignatures(envelope, options, decoded);
  const { payload, targetsBytes } = readPayloadExplained(payloadBytes);
  checkDigests(payload, options.blake3, targetsBytes);
  if (!options.allowExpired) checkNotExpired(payload, options.now ?? new Date());
  if (options.expectedName !== undefined) checkName(payload, options.expectedName);
  if (options.target !== undefined) checkTarget(payload, options.target);
  return { payload, payloadBytes, keyids, sha256: sha256Hex(bytes) };
}
