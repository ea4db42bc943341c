/**
 * Bundle verification inside the runtime loader: the checks of `verifyBundle`
 * (src/bundle/verify.ts), in the same order and with the same error codes, but asynchronous over
 * WebCrypto (SHA-256 for digests and keyids, Ed25519 for signatures), so the loader carries no
 * hash or curve implementation. Payload reading and the stateless checks are the very same functions; a
 * differential property test (test/loader/verify.test.ts) keeps the envelope and signature
 * handling in agreement with the reference.
 */
import { BundleIntegrityError, BundleTrustError } from "../bundle/errors.js";
import { pae } from "../bundle/pae.js";
import { isRecord } from "../bundle/payload.js";
import type { BundlePayload } from "../bundle/payload.js";
import { canonicalOfParsed, LONE_SURROGATE_ESCAPE, parseJsonBytes, readPayload } from "../bundle/payload-read.js";
import { checkDigestsMatch, checkName, checkNotExpired, checkPayloadType, checkSize, checkTarget, formatError } from "../bundle/verify-checks.js";
import type { TrustedKey } from "./keys.js";
import { fromCanonicalBase64, sha256Hex, verifyEd25519 } from "./web-crypto.js";

/** More signatures than any real release carries; caps the work an attacker can make us do. */
const MAX_SIGNATURES = 64;

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
  payload: Uint8Array;
  signatures: Array<{ keyid: string | undefined; sig: Uint8Array }>;
}


/**
 * Malformed input, parser differentials and malleability: the file must be exactly the canonical
 * envelope edict writes (RFC 8785 with only the DSSE fields, standard base64), so an unsigned
 * part such as a keyid cannot be altered unnoticed and one bundle has one SHA-256.
 */
function readEnvelope(bytes: Uint8Array): Envelope {
  const { text, value } = parseJsonBytes(bytes, "envelope");
  if (!isRecord(value) || typeof value.payloadType !== "string" || typeof value.payload !== "string" || !Array.isArray(value.signatures)) {
    throw formatError("expected a DSSE envelope object {payloadType, payload, signatures}");
  }
  // signature flooding: each candidate signature costs a verification
  if (value.signatures.length > MAX_SIGNATURES) throw formatError(`envelope: ${value.signatures.length} signatures, at most ${MAX_SIGNATURES} allowed`);
  const { payloadType, payload } = value;
  const texts = value.signatures.map((s: unknown, i) => {
    if (!isRecord(s) || typeof s.sig !== "string" || (s.keyid !== undefined && typeof s.keyid !== "string")) {
      throw formatError(`envelope: signatures[${i}] must be an object {keyid, sig} of strings`);
    }
    return s.keyid === undefined ? { sig: s.sig } : { keyid: s.keyid as string, sig: s.sig };
  });
  const canonical = canonicalOfParsed({ payload, payloadType, signatures: texts });
  const decoded = [payload, ...texts.map((s) => s.sig)].map(fromCanonicalBase64);
  if (canonical !== text || LONE_SURROGATE_ESCAPE.test(canonical) || texts.some((s) => s.keyid === "") || decoded.includes(undefined)) {
    throw formatError("bundle file is not in the canonical form edict writes (RFC 8785 JSON without duplicate keys, standard base64, only DSSE fields): it was changed after signing");
  }
  return { payloadType, payload: decoded[0]!, signatures: texts.map((s, i) => ({ keyid: s.keyid, sig: decoded[i + 1]! })) };
}

/**
 * Forgery and tampering: enough distinct pinned keys signed PAE(type, payload). A keyid only
 * selects a key; a signature naming a pinned key that does not verify means the bytes changed.
 */
async function checkSignatures(envelope: Envelope, keys: readonly TrustedKey[], threshold: number): Promise<string[]> {
  // an unsigned envelope is never accepted, whatever the trust settings
  if (envelope.signatures.length === 0) throw new BundleIntegrityError("SIGNATURE_ERROR", "envelope has no signatures; a signature is always required");
  const message = pae(envelope.payloadType, envelope.payload);
  const verified: TrustedKey[] = [];
  const untrusted: string[] = [];
  for (const [i, { keyid, sig }] of envelope.signatures.entries()) {
    const candidates = keyid === undefined ? keys : keys.filter((k) => k.keyid === keyid);
    let key: TrustedKey | undefined;
    for (const k of candidates) {
      if (await verifyEd25519(k.key, sig, message)) {
        key = k;
        break;
      }
    }
    if (key !== undefined) {
      if (!verified.includes(key)) verified.push(key);
    } else if (keyid !== undefined && candidates.length > 0) {
      throw new BundleIntegrityError("SIGNATURE_ERROR", `signatures[${i}] names trusted key ${keyid} but does not verify`);
    } else {
      untrusted.push(keyid === undefined ? "(no keyid)" : JSON.stringify(keyid.slice(0, 80)));
    }
  }
  if (verified.length === 0) {
    throw new BundleTrustError("UNTRUSTED_KEY", `no signature by a trusted key: signed by ${untrusted.join(", ")}; trusted: ${keys.map((k) => k.keyid).join(", ")}`);
  }
  // threshold: k-of-n distinct trusted keys, so one stolen key is not enough when k > 1
  if (verified.length < threshold) {
    throw new BundleIntegrityError("SIGNATURE_ERROR", `signed by ${verified.length} of the ${threshold} required trusted keys (${verified.map((k) => k.keyid).join(", ")})`);
  }
  return verified.map((k) => k.keyid);
}

/**
 * Verifies a bundle file's bytes. Checks, in order: size (TOO_LARGE), envelope (FORMAT_ERROR),
 * payload type (PAYLOAD_TYPE_ERROR), signatures (SIGNATURE_ERROR, UNTRUSTED_KEY), payload
 * (FORMAT_ERROR), digests (DIGEST_MISMATCH), expiry (EXPIRED), name (FORMAT_ERROR), target
 * (TARGET_MISSING).
 */
export async function verifyBundleBytes(bytes: Uint8Array, options: RuntimeVerifyOptions): Promise<RuntimeVerified> {
  checkSize(bytes, options.maxBytes);
  const envelope = readEnvelope(bytes);
  checkPayloadType(envelope);
  const keyids = await checkSignatures(envelope, options.keys, options.threshold);
  const { payload, targetsBytes } = readPayload(envelope.payload);
  checkDigestsMatch(payload, { sha256: await sha256Hex(targetsBytes) });
  checkNotExpired(payload, options.now);
  if (options.expectedName !== undefined) checkName(payload, options.expectedName);
  checkTarget(payload, options.target);
  return { payload, keyids, sha256: await sha256Hex(bytes) };
}
