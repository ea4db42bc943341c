/**
 * The DSSE v1 checks (secure-systems-lab/dsse, envelope.md and protocol.md) that both bundle
 * verifiers share, with no crypto in them: the envelope's shape, signature counting, distinct
 * trusted keys, the k-of-n threshold and their error codes. Verifying one Ed25519 signature is
 * the caller's primitive, injected the way noble pairs `verify` with `verifyAsync`:
 * `verifyThreshold` for dsse.ts (synchronous, @noble/ed25519) and `verifyThresholdAsync` for the
 * runtime loader (WebCrypto) drive the very same generator, so the two cannot drift apart.
 * Pure and self-contained (no crypto, no Node-only APIs, no module outside src/bundle), so the
 * loader imports it without a curve library. test/loader/verify.test.ts checks the two verifiers
 * agree; test/bundle/dsse-checks.test.ts checks the core itself.
 */
import { BundleIntegrityError, BundleTrustError } from "./errors.js";
import { isRecord } from "../engine/record.js";

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

// not payload.ts's: the crypto core reaches no module outside src/bundle (test/bundle/purity.test.ts)

/** More signatures than any real release carries; caps the work an attacker can make us do. */
export const MAX_SIGNATURES = 64;

/** Malformed input: FORMAT_ERROR with `message`. */
export function formatError(message: string, cause?: unknown): BundleIntegrityError {
  return new BundleIntegrityError("FORMAT_ERROR", message, { cause });
}

/**
 * Malformed input: the DSSE fields of a parsed envelope, each with its type. Unknown fields are
 * ignored, as DSSE's protobuf definition does; an empty keyid counts as none. FORMAT_ERROR otherwise.
 */
export function toDsseEnvelope(value: unknown): DsseEnvelope {
  if (!isRecord(value) || typeof value.payloadType !== "string" || typeof value.payload !== "string" || !Array.isArray(value.signatures)) {
    throw formatError("expected a DSSE envelope object {payloadType, payload, signatures}");
  }
  const { payloadType, payload, signatures } = value;
  // signature flooding: each candidate signature costs a verification
  if (signatures.length > MAX_SIGNATURES) throw formatError(`envelope: ${signatures.length} signatures, at most ${MAX_SIGNATURES} allowed`);
  return {
    payloadType,
    payload,
    signatures: signatures.map((s: unknown, i) => {
      if (!isRecord(s) || typeof s.sig !== "string" || (s.keyid !== undefined && typeof s.keyid !== "string")) {
        throw formatError(`envelope: signatures[${i}] must be an object {keyid, sig} of strings`);
      }
      return s.keyid ? { keyid: s.keyid as string, sig: s.sig } : { sig: s.sig };
    }),
  };
}

/**
 * Which field made `toDsseEnvelope` refuse `value`, in the words of a message that names it, or
 * undefined when its own message already says all. Only for the error path of callers that want
 * the detail (the CLI's `parseEnvelope`); it never decides anything, so the loader leaves it out.
 */
export function explainEnvelopeProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.payloadType !== "string") return "envelope: payloadType must be a string";
  if (typeof value.payload !== "string") return "envelope: payload must be a base64 string";
  if (!Array.isArray(value.signatures)) return "envelope: signatures must be an array";
  if (value.signatures.length > MAX_SIGNATURES) return undefined;
  for (const [i, s] of value.signatures.entries()) {
    if (!isRecord(s)) return `envelope: signatures[${i}] must be an object {keyid, sig}`;
    if (typeof s.sig !== "string") return `envelope: signatures[${i}].sig must be a base64 string`;
    if (s.keyid !== undefined && typeof s.keyid !== "string") return `envelope: signatures[${i}].keyid must be a string`;
  }
  return undefined;
}

/** Unsigned content: an envelope without signatures is never accepted, whatever the trust settings. */
export function checkSigned(envelope: { signatures: readonly unknown[] }): void {
  if (envelope.signatures.length === 0) throw new BundleIntegrityError("SIGNATURE_ERROR", "envelope has no signatures; a signature is always required");
}

/** A pinned key as the threshold sees it: only its keyid; the injected primitive does the rest. */
export interface KeyWithId {
  keyid: string;
}

/** A signature as read from the envelope: the keyid hint and the signature in the caller's form. */
export interface SignatureOf<S> {
  keyid?: string | undefined;
  sig: S;
}

/**
 * The threshold walk: yields each (trusted key, signature) pair to verify and is sent back
 * whether it verified; returns the distinct trusted keyids that signed, in envelope order.
 * `signatures` is read one at a time, so a caller may decode each lazily, where it stands.
 */
function* trustedSigners<K extends KeyWithId, S>(signatures: Iterable<SignatureOf<S>>, keys: readonly K[], threshold: number): Generator<[K, S], string[], boolean> {
  const verified: K[] = [];
  const untrusted: string[] = [];
  let i = 0;
  for (const { keyid, sig } of signatures) {
    // keyid spoofing: a keyid only selects a key; the signature must verify under that key itself
    const candidates = keyid === undefined ? keys : keys.filter((k) => k.keyid === keyid);
    let key: K | undefined;
    for (const k of candidates) {
      if (yield [k, sig]) {
        key = k;
        break;
      }
    }
    if (key) {
      if (!verified.includes(key)) verified.push(key);
    } else if (keyid !== undefined && candidates.length > 0) {
      // tampering: a signature naming a pinned key that does not verify means the bytes changed
      throw new BundleIntegrityError("SIGNATURE_ERROR", `signatures[${i}] names trusted key ${keyid} but does not verify`);
    } else {
      untrusted.push(keyid === undefined ? "(no keyid)" : JSON.stringify(keyid.slice(0, 80)));
    }
    i++;
  }
  // forgery: at least one signature must come from a pinned key
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
 * Forgery and tampering: at least `threshold` distinct `keys` signed, `verifyOne` saying whether
 * one signature verifies under one key (false for any malformed input). Returns the distinct
 * trusted keyids that signed, in envelope order; throws SIGNATURE_ERROR or UNTRUSTED_KEY.
 * `keys` must be distinct and `threshold` from 1 to their number: the callers check both.
 *
 * @example
 * const keyids = verifyThreshold(signatures, keys, 1, (key, sig) => key.verify(message, sig));
 */
export function verifyThreshold<K extends KeyWithId, S>(
  signatures: Iterable<SignatureOf<S>>,
  keys: readonly K[],
  threshold: number,
  verifyOne: (key: K, sig: S) => boolean,
): string[] {
  const walk = trustedSigners(signatures, keys, threshold);
  let step = walk.next();
  while (!step.done) step = walk.next(verifyOne(...step.value));
  return step.value;
}

/** `verifyThreshold` over an asynchronous primitive (WebCrypto), one verification at a time. */
export async function verifyThresholdAsync<K extends KeyWithId, S>(
  signatures: Iterable<SignatureOf<S>>,
  keys: readonly K[],
  threshold: number,
  verifyOne: (key: K, sig: S) => Promise<boolean>,
): Promise<string[]> {
  const walk = trustedSigners(signatures, keys, threshold);
  let step = walk.next();
  while (!step.done) step = walk.next(await verifyOne(...step.value));
  return step.value;
}
