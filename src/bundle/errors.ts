/**
 * Typed errors of bundle verification.
 * Pure: imported by the runtime loader, so no Node-only APIs here.
 *
 * Classes follow sigstore-js `packages/verify/src/error.ts`: one base class with a stable code,
 * and separate classes for "integrity failed" (the bytes are malformed or tampered with),
 * "valid but not trusted" (well-formed and intact, but policy refuses it) and retrieval failures.
 */

/** The bytes are malformed or do not match their signatures or digests. */
export type IntegrityErrorCode = "SIGNATURE_ERROR" | "PAYLOAD_TYPE_ERROR" | "FORMAT_ERROR" | "DIGEST_MISMATCH";

/** The bundle is intact, but the verifier's policy refuses it. */
export type TrustErrorCode = "UNTRUSTED_KEY" | "EXPIRED" | "ROLLBACK";

/** The bundle could not be retrieved within the caps. */
export type RetrievalErrorCode = "TOO_LARGE" | "TIMEOUT" | "FETCH_FAILED";

/** Every code a bundle error can carry; tests and scripts match on these, never on messages. */
export type BundleErrorCode = IntegrityErrorCode | TrustErrorCode | RetrievalErrorCode | "TARGET_MISSING" | "KEY_ERROR";

export interface BundleErrorOptions {
  cause?: unknown;
}

/** Base class of every bundle error: a stable code and a message that says what was expected. */
export class BundleError extends Error {
  readonly code: BundleErrorCode;

  constructor(code: BundleErrorCode, message: string, options: BundleErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "BundleError";
    this.code = code;
  }
}

/** Integrity failed: bad signature, wrong payload type, malformed envelope, digest mismatch. */
export class BundleIntegrityError extends BundleError {
  declare readonly code: IntegrityErrorCode;

  constructor(code: IntegrityErrorCode, message: string, options: BundleErrorOptions = {}) {
    super(code, message, options);
    this.name = "BundleIntegrityError";
  }
}

/** Valid but not trusted: signed by an unpinned key, expired, or older than one already seen. */
export class BundleTrustError extends BundleError {
  declare readonly code: TrustErrorCode;

  constructor(code: TrustErrorCode, message: string, options: BundleErrorOptions = {}) {
    super(code, message, options);
    this.name = "BundleTrustError";
  }
}

/** The bundle could not be fetched: too large, too slow, or the transport failed. */
export class BundleRetrievalError extends BundleError {
  declare readonly code: RetrievalErrorCode;

  constructor(code: RetrievalErrorCode, message: string, options: BundleErrorOptions = {}) {
    super(code, message, options);
    this.name = "BundleRetrievalError";
  }
}

/**
 * A key could not be read or parsed. Messages name the source (file path or variable name) and
 * what was expected, and never contain key material.
 */
export class BundleKeyError extends BundleError {
  declare readonly code: "KEY_ERROR";

  constructor(message: string, options: BundleErrorOptions = {}) {
    super("KEY_ERROR", message, options);
    this.name = "BundleKeyError";
  }
}

export function isBundleError(e: unknown): e is BundleError {
  return e instanceof BundleError;
}
