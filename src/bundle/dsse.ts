/**
 * DSSE v1 envelopes (secure-systems-lab/dsse, envelope.md and protocol.md): the signature covers
 * PAE(payloadType, payload), never a re-serialised object, so the payload type is authenticated
 * and the payload bytes are verified exactly as received. Pure; no Node-only APIs.
 *
 * Verification refuses, in this order: a malformed envelope (FORMAT_ERROR), a payload type other
 * than the expected one (PAYLOAD_TYPE_ERROR), a signature naming a trusted keyid that does not
 * verify under that key (SIGNATURE_ERROR), no signature by any trusted key (UNTRUSTED_KEY), and
 * fewer distinct trusted keys than the threshold (SIGNATURE_ERROR).
 */
import { fromBase64Either, toBase64 } from "./base64.js";
import { utf8Decode, utf8Encode } from "./bytes.js";
import { canonicalJson } from "./canonical-json.js";
import { BundleIntegrityError, BundleKeyError, BundleTrustError } from "./errors.js";
import type { PrivateKey, PublicKey } from "./keys.js";
import { toPublicKey } from "./keys.js";
import { pae } from "./pae.js";
import { parseStrictJson } from "./strict-json.js";

export { pae } from "./pae.js";

export interface DsseSignature {
  /** Unauthenticated hint naming the key (`ed25519:` + 16 hex); optional in DSSE. */
  keyid?: string;
  /** base64 of the 64-byte Ed25519 signature over PAE(payloadType, payload). */
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  /** base64 of the payload bytes. */
  payload: string;
  signatures: DsseSignature[];
}

export interface VerifyEnvelopeOptions {
  /** Pinned keys: objects, PEM/base64 text or raw bytes. At least one. */
  trustedKeys: ReadonlyArray<PublicKey | string | Uint8Array>;
  /** How many distinct trusted keys must have signed; 1 unless told, at most the number of distinct keys. */
  threshold?: number;
  /** The only payload type accepted, e.g. "application/vnd.edict.bundle.v1+json". */
  expectedPayloadType: string;
}

export interface VerifiedEnvelope {
  /** The exact payload bytes the signatures cover. */
  payload: Uint8Array;
  payloadType: string;
  /** Distinct trusted keyids whose signatures verified, in envelope order. */
  keyids: string[];
}

/** More signatures than any real release carries; caps the work an attacker can make us do. */
export const MAX_SIGNATURES = 64;

/**
 * Signs `payload` with each distinct key into a DSSE envelope (standard base64, keyids set).
 * Ed25519 is deterministic, so the same inputs always give the same envelope.
 */
export function signEnvelope(payload: Uint8Array, payloadType: string, privateKeys: readonly PrivateKey[]): DsseEnvelope {
  if (!(payload instanceof Uint8Array)) throw new TypeError("signEnvelope: payload must be a Uint8Array");
  if (typeof payloadType !== "string" || payloadType === "") throw new TypeError("signEnvelope: payloadType must be a non-empty string");
  if (!Array.isArray(privateKeys) || privateKeys.length === 0) throw new TypeError("signEnvelope: at least one private key is required");
  const message = pae(payloadType, payload);
  const signatures: DsseSignature[] = [];
  const seen = new Set<string>();
  for (const key of privateKeys) {
    if (seen.has(key.keyid)) continue;
    seen.add(key.keyid);
    signatures.push({ keyid: key.keyid, sig: toBase64(key.sign(message)) });
  }
  return { payloadType, payload: toBase64(payload), signatures };
}

/** The envelope as RFC 8785 canonical JSON bytes, so a build is byte-for-byte reproducible. */
export function toEnvelopeBytes(envelope: DsseEnvelope): Uint8Array {
  return utf8Encode(toEnvelopeJson(envelope));
}

/** The envelope as RFC 8785 canonical JSON text. */
export function toEnvelopeJson(envelope: DsseEnvelope): string {
  const signatures = envelope.signatures.map((s) => (s.keyid === undefined ? { sig: s.sig } : { keyid: s.keyid, sig: s.sig }));
  return canonicalJson({ payloadType: envelope.payloadType, payload: envelope.payload, signatures });
}

function formatError(message: string, cause?: unknown): BundleIntegrityError {
  return new BundleIntegrityError("FORMAT_ERROR", message, cause === undefined ? {} : { cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks the envelope's shape: bytes or text are parsed strictly (UTF-8, no duplicate keys at
 * any depth); an object is checked field by field. Unknown fields are ignored, as DSSE's
 * protobuf definition does. Throws `BundleIntegrityError` FORMAT_ERROR.
 */
export function parseEnvelope(input: Uint8Array | string | DsseEnvelope): DsseEnvelope {
  let value: unknown = input;
  if (input instanceof Uint8Array || typeof input === "string") {
    let text: string;
    try {
      text = typeof input === "string" ? input : utf8Decode(input);
    } catch (e) {
      throw formatError("envelope is not valid UTF-8", e);
    }
    try {
      // parser differential: duplicate keys would let two parsers read two different envelopes
      value = parseStrictJson(text, { maxDepth: 8 });
    } catch (e) {
      throw formatError(`envelope is not strict JSON: ${(e as Error).message}`, e);
    }
  }
  if (!isRecord(value)) throw formatError("expected a DSSE envelope object {payloadType, payload, signatures}");
  const { payloadType, payload, signatures } = value;
  if (typeof payloadType !== "string") throw formatError("envelope: payloadType must be a string");
  if (typeof payload !== "string") throw formatError("envelope: payload must be a base64 string");
  if (!Array.isArray(signatures)) throw formatError("envelope: signatures must be an array");
  // signature flooding: each candidate signature costs a verification
  if (signatures.length > MAX_SIGNATURES) throw formatError(`envelope: ${signatures.length} signatures, at most ${MAX_SIGNATURES} allowed`);
  const out: DsseSignature[] = signatures.map((s: unknown, i) => {
    if (!isRecord(s)) throw formatError(`envelope: signatures[${i}] must be an object {keyid, sig}`);
    if (typeof s.sig !== "string") throw formatError(`envelope: signatures[${i}].sig must be a base64 string`);
    if (s.keyid !== undefined && typeof s.keyid !== "string") throw formatError(`envelope: signatures[${i}].keyid must be a string`);
    return s.keyid === undefined || s.keyid === "" ? { sig: s.sig } : { keyid: s.keyid, sig: s.sig };
  });
  return { payloadType, payload, signatures: out };
}

function normaliseTrust(options: VerifyEnvelopeOptions): { keys: PublicKey[]; threshold: number } {
  if (!isRecord(options)) throw new TypeError("verifyEnvelope: options are required");
  if (typeof options.expectedPayloadType !== "string" || options.expectedPayloadType === "") {
    throw new TypeError("verifyEnvelope: expectedPayloadType must be a non-empty string");
  }
  if (!Array.isArray(options.trustedKeys) || options.trustedKeys.length === 0) {
    throw new TypeError("verifyEnvelope: at least one trusted key is required (a signature is always required)");
  }
  const keys: PublicKey[] = [];
  options.trustedKeys.forEach((k, i) => {
    let key: PublicKey;
    try {
      key = toPublicKey(k);
    } catch (e) {
      if (e instanceof BundleKeyError) throw new BundleKeyError(`trustedKeys[${i}]: ${e.message}`, { cause: e });
      throw e;
    }
    if (!keys.some((seen) => seen.equals(key))) keys.push(key);
  });
  const threshold = options.threshold ?? 1;
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > keys.length) {
    throw new TypeError(`verifyEnvelope: threshold must be an integer from 1 to ${keys.length} (the number of distinct trusted keys), got ${threshold}`);
  }
  return { keys, threshold };
}

/**
 * Verifies a DSSE envelope against pinned keys and returns the exact signed payload bytes.
 * A signature counts only under the trusted key its keyid names (or, without a keyid, any
 * trusted key it verifies under); each trusted key counts once toward the threshold.
 * Throws `BundleIntegrityError` (FORMAT_ERROR, PAYLOAD_TYPE_ERROR, SIGNATURE_ERROR) or
 * `BundleTrustError` (UNTRUSTED_KEY); bad options throw `TypeError`, bad trusted keys KEY_ERROR.
 *
 * @example
 * const { payload } = verifyEnvelope(bytes, {
 *   trustedKeys: [publicKeyPem],
 *   expectedPayloadType: "application/vnd.edict.bundle.v1+json",
 * });
 */
export function verifyEnvelope(input: Uint8Array | string | DsseEnvelope, options: VerifyEnvelopeOptions): VerifiedEnvelope {
  const { keys, threshold } = normaliseTrust(options);
  const envelope = parseEnvelope(input);

  // type confusion: a validly signed document of another type must not be read as a bundle
  if (envelope.payloadType !== options.expectedPayloadType) {
    throw new BundleIntegrityError(
      "PAYLOAD_TYPE_ERROR",
      `payload type is ${JSON.stringify(envelope.payloadType.slice(0, 200))}, expected ${JSON.stringify(options.expectedPayloadType)}`,
    );
  }
  // an unsigned envelope is never accepted, whatever the trust settings
  if (envelope.signatures.length === 0) {
    throw new BundleIntegrityError("SIGNATURE_ERROR", "envelope has no signatures; a signature is always required");
  }

  let payload: Uint8Array;
  try {
    payload = fromBase64Either(envelope.payload);
  } catch (e) {
    throw formatError(`envelope: payload is not valid base64 (${(e as Error).message})`, e);
  }
  const message = pae(envelope.payloadType, payload);

  const verified: PublicKey[] = [];
  const untrustedKeyids: string[] = [];
  for (const [i, signature] of envelope.signatures.entries()) {
    let sig: Uint8Array;
    try {
      sig = fromBase64Either(signature.sig);
    } catch (e) {
      throw formatError(`envelope: signatures[${i}].sig is not valid base64 (${(e as Error).message})`, e);
    }
    // keyid spoofing: a keyid only selects a key; the signature must verify under that key itself
    const candidates = signature.keyid === undefined ? keys : keys.filter((k) => k.keyid === signature.keyid);
    if (candidates.length === 0) {
      untrustedKeyids.push(signature.keyid === undefined ? "(no keyid)" : JSON.stringify(signature.keyid.slice(0, 80)));
      continue;
    }
    const key = candidates.find((k) => k.verify(message, sig));
    if (key) {
      if (!verified.some((v) => v.equals(key))) verified.push(key);
    } else if (signature.keyid !== undefined) {
      // tampering: a signature naming a pinned key that does not verify means the bytes changed
      throw new BundleIntegrityError("SIGNATURE_ERROR", `signatures[${i}] names trusted key ${signature.keyid} but does not verify`);
    } else {
      untrustedKeyids.push("(no keyid)");
    }
  }

  if (verified.length === 0) {
    throw new BundleTrustError(
      "UNTRUSTED_KEY",
      `no signature by a trusted key: signed by ${untrustedKeyids.join(", ")}; trusted: ${keys.map((k) => k.keyid).join(", ")}`,
    );
  }
  // threshold: k-of-n distinct trusted keys, so one stolen key is not enough when k > 1
  if (verified.length < threshold) {
    throw new BundleIntegrityError(
      "SIGNATURE_ERROR",
      `signed by ${verified.length} of the ${threshold} required trusted keys (${verified.map((k) => k.keyid).join(", ")})`,
    );
  }
  return { payload, payloadType: envelope.payloadType, keyids: verified.map((k) => k.keyid) };
}
