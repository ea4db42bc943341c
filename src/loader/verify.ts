/**
 * Bundle verification inside the runtime loader: the checks of `verifyBundle`
 * (src/bundle/verify.ts), in the same order and with the same error codes, but asynchronous over
 * WebCrypto (SHA-256 for digests and keyids, Ed25519 for signatures), so the loader carries no
 * hash or curve implementation. Envelope shape, signature threshold, payload reading and the
 * stateless checks are the very same functions (src/bundle/dsse-checks.ts, verify-checks.ts); a
 * differential property test (test/loader/verify.test.ts) keeps the two in agreement.
 */
import { checkSigned, toDsseEnvelope, verifyThresholdAsync } from "../bundle/dsse-checks.js";
import { concatBytes, utf8Encode } from "../bundle/bytes.js";
import { paeHeader } from "../bundle/pae.js";
import { BUNDLE_PAYLOAD_TYPE } from "../bundle/payload.js";
import type { BundlePayload } from "../bundle/payload.js";
import { canonicalOfParsed, LONE_SURROGATE_ESCAPE, parseJsonBytes, readPayload } from "../bundle/payload-read.js";
import type { ReadPayload } from "../bundle/payload-read.js";
import { checkDigestsMatch, checkName, checkNotExpired, checkPayloadType, checkSize, checkTarget, formatError } from "../bundle/verify-checks.js";
import type { TrustedKey } from "./keys.js";
import { fromCanonicalBase64, sha256Hex, verifyEd25519 } from "./web-crypto.js";

export interface RuntimeVerifyOptions {
  /** Distinct pinned keys (see `withKeyids`). */
  keys: readonly TrustedKey[];
  /** Distinct trusted keys that must have signed; at most `keys.length`. */
  threshold: number;
  now: Date;
  target: string;
  expectedName?: string | undefined;
  maxBytes: number;
}

export interface RuntimeVerified {
  payload: BundlePayload;
  /** Distinct trusted keyids whose signatures verified, in envelope order. */
  keyids: string[];
  /** Lowercase hex SHA-256 of the whole bundle file. */
  sha256: string;
}

interface Envelope {
  payloadType: string;
  /** A view just after the PAE header of a bundle payload in one buffer: what the signatures cover. */
  payload: Uint8Array;
  signatures: Array<{ keyid?: string | undefined; sig: Uint8Array }>;
}

/** How every canonical envelope begins: its payload's base64 comes first. */
const HEAD = utf8Encode('{"payload":"');

/**
 * Malformed input, parser differentials and malleability: the file must be exactly the canonical
 * envelope edict writes (RFC 8785 with only the DSSE fields, standard base64), so an unsigned
 * part such as a keyid cannot be altered unnoticed and one bundle has one SHA-256.
 *
 * The payload's base64 is nearly all of the file, and it needs no JSON escaping: it is decoded
 * straight from the bytes, and only the rest of the envelope, with an empty payload string, is
 * parsed and compared. Base64 cannot hold a quote, so that text is canonical exactly when the
 * whole is. A file without a canonical payload there is not canonical either; it is parsed whole
 * only so that the message names its first problem.
 */
function readEnvelope(bytes: Uint8Array): Envelope {
  const end = bytes.indexOf(34, HEAD.length);
  // decoded just after the PAE header of a bundle's payload type, the only
  // one that reaches the signatures, so the signed message is its buffer, not a copy
  const payload =
    end > 0 && HEAD.every((b, i) => bytes[i] === b)
      ? fromCanonicalBase64(bytes.subarray(HEAD.length, end), (length) => paeHeader(BUNDLE_PAYLOAD_TYPE, length))
      : undefined;
  let parsed: { text: string; value: unknown };
  try {
    parsed = parseJsonBytes(payload ? concatBytes(HEAD, bytes.subarray(end)) : bytes, "envelope");
  } catch {
    // the whole file has the same syntax error: name it where it stands in the file
    parsed = parseJsonBytes(bytes, "envelope");
  }
  const envelope = toDsseEnvelope(parsed.value);
  const signatures = envelope.signatures.map((s) => ({ ...s, sig: fromCanonicalBase64(s.sig)! }));
  // an empty keyid is read as none, so its text is not the canonical form either
  if (!payload || canonicalOfParsed(envelope) !== parsed.text || LONE_SURROGATE_ESCAPE.test(parsed.text) || signatures.some((s) => !s.sig)) {
    throw formatError("bundle file is not in the canonical form edict writes (RFC 8785 JSON without duplicate keys, standard base64, only DSSE fields): it was changed after signing");
  }
  return { payloadType: envelope.payloadType, payload, signatures };
}

/**
 * Verifies a bundle file's bytes. Checks, in order: size (TOO_LARGE), envelope (FORMAT_ERROR),
 * payload type (PAYLOAD_TYPE_ERROR), signatures (SIGNATURE_ERROR, UNTRUSTED_KEY), payload
 * (FORMAT_ERROR), digests (DIGEST_MISMATCH), expiry (EXPIRED), name (NAME_MISMATCH), target
 * (TARGET_MISSING).
 */
export async function verifyBundleBytes(bytes: Uint8Array, options: RuntimeVerifyOptions): Promise<RuntimeVerified> {
  checkSize(bytes, options.maxBytes);
  // the file's digest runs in the runtime's crypto threads meanwhile
  const fileSha256 = sha256Hex(bytes);
  fileSha256.catch(() => undefined);
  const envelope = readEnvelope(bytes);
  checkPayloadType(envelope);
  checkSigned(envelope);
  // the signatures verify in the crypto threads while this thread reads the payload; a bad
  // signature is still named first, and nothing read is returned before they all have verified
  const message = new Uint8Array(envelope.payload.buffer);
  const keyids = verifyThresholdAsync(envelope.signatures, options.keys, options.threshold, (k, sig) => verifyEd25519(k.key, sig, message));
  let read: ReadPayload;
  try {
    read = readPayload(envelope.payload);
  } finally {
    await keyids;
  }
  const { payload, targetsBytes } = read;
  checkDigestsMatch(payload, { sha256: await sha256Hex(targetsBytes) });
  checkNotExpired(payload, options.now);
  if (options.expectedName !== undefined) checkName(payload, options.expectedName);
  checkTarget(payload, options.target);
  return { payload, keyids: await keyids, sha256: await fileSha256 };
}
