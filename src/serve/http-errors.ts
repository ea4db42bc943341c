/**
 * Errors of the serve API: a status, a stable code and a message that says what to do. The body
 * is always `{"error": {"code", "message"}}`: never a stack trace, never a decision (fail closed).
 */
export type HttpErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "NO_BUNDLE"
  | "NOT_READY"
  | "INTERNAL";

export class HttpError extends Error {
  readonly status: number;
  readonly code: HttpErrorCode;
  /** Extra response headers (`Allow` on 405, `WWW-Authenticate` on 401). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: HttpErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, "BAD_REQUEST", message);

/** The JSON body of an error. */
export function errorBody(code: string, message: string): string {
  return JSON.stringify({ error: { code, message } });
}

/**
 * Any thrown value as the error a client sees: an HttpError as it is, anything else as a 500 that
 * names no internals (the evaluation failed, so no decision is given).
 */
export function toHttpError(e: unknown): HttpError {
  if (e instanceof HttpError) return e;
  return new HttpError(500, "INTERNAL", "the request could not be evaluated; no decision was made (see the server log)");
}
