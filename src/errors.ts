/**
 * Every error edict throws, in one family (after sigstore-js `packages/verify/src/error.ts`): one
 * base class with a stable code, and the classes of ./bundle/errors.ts for a bundle whose bytes
 * fail (integrity), that policy refuses though intact (trust), or that could not be fetched
 * (retrieval). Everything else is a usage, configuration, file or git problem. `exitCodeOf` and
 * `describeError` turn any of them into the CLI's exit code and the one line the CLI and the
 * Action print.
 */

/** Usage, configuration, file and git problems: the caller can fix them. */
export type UsageErrorCode = "USAGE" | "CONFIG_ERROR" | "IO_ERROR" | "PARSE_ERROR" | "NOT_FOUND" | "PACK_ERROR" | "PACK_SOURCE_ERROR" | "GIT_ERROR" | "RELEASE_CONFLICT";

/** A bundle's bytes are malformed or do not match their signatures or digests. */
export type IntegrityErrorCode = "SIGNATURE_ERROR" | "PAYLOAD_TYPE_ERROR" | "FORMAT_ERROR" | "DIGEST_MISMATCH";

/** A bundle is intact, but the verifier's policy refuses it. */
export type TrustErrorCode = "UNTRUSTED_KEY" | "EXPIRED" | "ROLLBACK" | "NAME_MISMATCH";

/** A bundle could not be retrieved within the caps. */
export type RetrievalErrorCode = "TOO_LARGE" | "TIMEOUT" | "FETCH_FAILED";

/**
 * A pack refused though it could be read: a url source's envelope that fails its signature
 * (tampered, unsigned, signed by a key the source does not list), content that does not match
 * its index entry or checksum, a name or version other than asked, a downgrade, a dependency
 * conflict, or a git source whose pinned commit moved. Exit 1, like a bundle that fails.
 */
export type PackRefusalCode = "PACK_SIGNATURE_ERROR" | "PACK_DIGEST_MISMATCH" | "PACK_NAME_MISMATCH" | "PACK_DOWNGRADE" | "PACK_CONFLICT" | "PACK_PIN_MISMATCH";

/** Every code a bundle error can carry. */
export type BundleErrorCode = IntegrityErrorCode | TrustErrorCode | RetrievalErrorCode | "TARGET_MISSING" | "KEY_ERROR";

/** Stable codes of every error edict throws; tests and scripts match on these, never on messages. `INTERNAL`: a bug in edict. */
export type EdictErrorCode = UsageErrorCode | BundleErrorCode | PackRefusalCode | "INTERNAL";

/** Where in a file an error points; lines and columns are 1-based. */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
}

/**
 * Base class of edict's thrown errors: a stable code, a message that says what to do,
 * and the position when there is one.
 */
export class EdictError extends Error {
  // assigned in the constructor (a position only when there is one), so no class fields
  declare readonly code: EdictErrorCode;
  declare readonly position?: SourcePosition;

  constructor(code: EdictErrorCode, message: string, options: { position?: SourcePosition; cause?: unknown } = {}) {
    // Error reads only `cause` from its options, and only when the key is there
    super(message, options.cause === undefined ? undefined : options);
    this.name = "EdictError";
    this.code = code;
    if (options.position) this.position = options.position;
  }

  /** "file:line:col: message", the one line the CLI prints. */
  override toString(): string {
    const p = this.position;
    if (!p) return this.message;
    const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
    return `${where}: ${this.message}`;
  }
}

export function isEdictError(e: unknown): e is EdictError {
  return e instanceof EdictError;
}

/** Exit codes of the CLI: 0 success, 1 findings or a failed check, 2 usage or configuration, 70 a bug in edict. */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2, INTERNAL: 70 } as const;

const BUNDLE_CODES = new Set<EdictErrorCode>(["SIGNATURE_ERROR", "PAYLOAD_TYPE_ERROR", "FORMAT_ERROR", "DIGEST_MISMATCH", "UNTRUSTED_KEY", "EXPIRED", "ROLLBACK", "NAME_MISMATCH", "TOO_LARGE", "TIMEOUT", "FETCH_FAILED", "TARGET_MISSING"]);

const PACK_REFUSALS = new Set<EdictErrorCode>(["PACK_SIGNATURE_ERROR", "PACK_DIGEST_MISMATCH", "PACK_NAME_MISMATCH", "PACK_DOWNGRADE", "PACK_CONFLICT", "PACK_PIN_MISMATCH"]);

/**
 * The exit code of a failure: a bundle that fails verification or retrieval, and a refused pack,
 * are a failed check (1);
 * a key that cannot be read, and usage, configuration, file and git problems, are 2; anything
 * else is a bug (70).
 */
export function exitCodeOf(e: unknown): number {
  if (!isEdictError(e) || e.code === "INTERNAL") return EXIT.INTERNAL;
  return BUNDLE_CODES.has(e.code) || PACK_REFUSALS.has(e.code) ? EXIT.FINDINGS : EXIT.USAGE;
}

/**
 * The one line to print for a failure: "file:line:col: message" for a usage problem, "CODE:
 * message" for a bundle that failed, "unexpected error: …" (with the stack when `debug`) otherwise.
 */
export function describeError(e: unknown, debug = false): string {
  if (isEdictError(e) && e.code !== "INTERNAL") return BUNDLE_CODES.has(e.code) || e.code === "KEY_ERROR" ? `${e.code}: ${e.message}` : e.toString();
  const message = e instanceof Error ? e.message : String(e);
  return debug && e instanceof Error && e.stack ? `unexpected error: ${e.stack}` : `unexpected error: ${message}`;
}
