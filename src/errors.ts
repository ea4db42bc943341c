/** Stable codes of every error edict throws; tests and scripts match on these, never on messages. */
export type EdictErrorCode =
  | "USAGE"
  | "CONFIG_ERROR"
  | "IO_ERROR"
  | "PARSE_ERROR"
  | "NOT_FOUND"
  | "PACK_ERROR"
  | "GIT_ERROR"
  | "RELEASE_CONFLICT"
  | "INTERNAL";

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
  readonly code: EdictErrorCode;
  readonly position?: SourcePosition;

  constructor(code: EdictErrorCode, message: string, options: { position?: SourcePosition; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
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
