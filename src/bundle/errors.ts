/**
 * Typed errors of bundle verification, in edict's one error family (../errors.ts): "integrity
 * failed" (the bytes are malformed or tampered with), "valid but not trusted" (well-formed and
 * intact, but policy refuses it) and retrieval failures. Pure: imported by the runtime loader, so
 * no Node-only APIs here.
 */
import { EdictError } from "../errors.js";
import type { BundleErrorCode, IntegrityErrorCode, RetrievalErrorCode, TrustErrorCode } from "../errors.js";


export type { BundleErrorCode, IntegrityErrorCode, RetrievalErrorCode, TrustErrorCode };

export interface BundleErrorOptions {
  cause?: unknown;
}

/** Base class of every bundle error: a stable code and a message that says what was expected. */
export class BundleError extends EdictError {
  declare readonly code: BundleErrorCode;

  constructor(code: BundleErrorCode, message: string, options?: BundleErrorOptions) {
    super(code, message, options);
    this.name = "BundleError";
  }
}

/** Integrity failed: bad signature, wrong payload type, malformed envelope, digest mismatch. */
export class BundleIntegrityError extends BundleError {
  declare readonly code: IntegrityErrorCode;

  constructor(code: IntegrityErrorCode, message: string, options?: BundleErrorOptions) {
    super(code, message, options);
    this.name = "BundleIntegrityError";
  }
}

/** Valid but not trusted: signed by an unpinned key, expired, or older than one already seen. */
export class BundleTrustError extends BundleError {
  declare readonly code: TrustErrorCode;

  constructor(code: TrustErrorCode, message: string, options?: BundleErrorOptions) {
    super(code, message, options);
    this.name = "BundleTrustError";
  }
}

/** The bundle could not be fetched: too large, too slow, or the transport failed. */
export class BundleRetrievalError extends BundleError {
  declare readonly code: RetrievalErrorCode;

  constructor(code: RetrievalErrorCode, message: string, options?: BundleErrorOptions) {
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

  constructor(message: string, options?: BundleErrorOptions) {
    super("KEY_ERROR", message, options);
    this.name = "BundleKeyError";
  }
}

export function isBundleError(e: unknown): e is BundleError {
  return e instanceof BundleError;
}
