/**
 * DSSE v1 envelopes (secure-systems-lab/dsse, envelope.md and protocol.md): the signature covers
 * PAE(payloadType, payload), never a re-serialised object, so the payload type is authenticated
 * and the payload bytes are verified exactly as received. Pure; no Node-only APIs.
 *
 * Verification refuses, in this order: a malformed envelope (FORMAT_ERROR), a payload type other
 * than the expected one (PAYLOAD_TYPE_ERROR), a signature naming a trusted keyid that does not
 * verify under that key (SIGNATURE_ERROR), no signature by any trusted key (UNTRUSTED_KEY), and
 * fewer distinct trusted keys than the threshold (SIGNATURE_ERROR). The envelope's shape and the
 * threshold over trusted keys are the checks the runtime loader runs too (dsse-checks.ts); this
 * module adds parsing, signing and the synchronous Ed25519 of `PublicKey.verify`.
 */
import { fromBase64Either, toBase64 } from "./base64.js";
import { codecs } from "./codecs.js";
import { canonicalBytes, canonicalJson } from "./canonical-json.js";
import { checkSigned, explainEnvelopeProblem, formatError, toDsseEnvelope, verifyThreshold } from "./dsse-checks.js";
import type { DsseEnvelope, DsseSignature, SignatureOf } from "./dsse-checks.js";
import { BundleIntegrityError, BundleKeyError } from "./errors.js";
import type { PrivateKey, PublicKey } from "./keys.js";
import { toPublicKey } from "./keys.js";
import { pae } from "./pae.js";
import { parseStrictJson } from "./strict-json.js";
import { isRecord } from "../engine/record.js";

export { MAX_SIGNATURES } from "./dsse-checks.js";
export type { DsseEnvelope, DsseSignature } from "./dsse-checks.js";
export { pae } from "./pae.js";

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
  return { payloadType, payload: codecs.toBase64(payload), signatures };
}

/** The envelope as RFC 8785 canonical JSON bytes, so a build is byte-for-byte reproducible. */
export function toEnvelopeBytes(envelope: DsseEnvelope): Uint8Array {
  return canonicalBytes(envelopeFields(envelope));
}

/** The envelope as RFC 8785 canonical JSON text. */
export function toEnvelopeJson(envelope: DsseEnvelope): string {
  return canonicalJson(envelopeFields(envelope));
}

/** Only the DSSE fields, so nothing else an envelope object carries is written. */
function envelopeFields(envelope: DsseEnvelope): object {
  const signatures = envelope.signatures.map((s) => (s.keyid === undefined ? { sig: s.sig } : { keyid: s.keyid, sig: s.sig }));
  return { payloadType: envelope.payloadType, payload: envelope.payload, signatures };
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
      text = typeof input === "string" ? input : codecs.utf8Decode(input);
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
  try {
    return toDsseEnvelope(value);
  } catch (e) {
    // the shared check says what an envelope must be; name the field at fault as well
    const problem = explainEnvelopeProblem(value);
    throw problem === undefined ? e : formatError(problem);
  }
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
 * `decoded`: the payload's bytes, when the caller decoded `payload` already (verifyBundle does,
 * in its canonical-form check).
 *
 * @example
 * const { payload } = verifyEnvelope(bytes, {
 *   trustedKeys: [publicKeyPem],
 *   expectedPayloadType: "application/vnd.edict.bundle.v1+json",
 * });
 */
export function verifyEnvelope(input: Uint8Array | string | DsseEnvelope, options: VerifyEnvelopeOptions, decoded?: Uint8Array): VerifiedEnvelope {
  const { keys, threshold } = normaliseTrust(options);
  const envelope = parseEnvelope(input);

  // type confusion: a validly signed document of another type must not be read as a bundle
  if (envelope.payloadType !== options.expectedPayloadType) {
    throw new BundleIntegrityError(
      "PAYLOAD_TYPE_ERROR",
      `payload type is ${JSON.stringify(envelope.payloadType.slice(0, 200))}, expected ${JSON.stringify(options.expectedPayloadType)}`,
    );
  }
  checkSigned(envelope);

  const payload = decoded ?? decodePayload(envelope);
  const message = pae(envelope.payloadType, payload);
  const keyids = verifyThreshold(decodeSignatures(envelope.signatures), keys, threshold, (key, sig) => key.verify(message, sig));
  return { payload, payloadType: envelope.payloadType, keyids };
}

/** The payload's bytes: standard or URL-safe base64, as DSSE allows. */
function decodePayload(envelope: DsseEnvelope): Uint8Array {
  try {
    return fromBase64Either(envelope.payload);
  } catch (e) {
    throw formatError(`envelope: payload is not valid base64 (${(e as Error).message})`, e);
  }
}

/** The signatures' bytes, decoded one by one as the threshold walk reaches them, so a malformed one fails where it stands. */
function* decodeSignatures(signatures: readonly DsseSignature[]): Generator<SignatureOf<Uint8Array>> {
  for (const [i, { keyid, sig }] of signatures.entries()) {
    let bytes: Uint8Array;
    try {
      bytes = fromBase64Either(sig);
    } catch (e) {
      throw formatError(`envelope: signatures[${i}].sig is not valid base64 (${(e as Error).message})`, e);
    }
    yield { keyid, sig: bytes };
  }
}
