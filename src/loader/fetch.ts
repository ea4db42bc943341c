/**
 * Bounded HTTP retrieval (TUF specification §5 "endless data" and "slow retrieval"
 * attacks): every download is capped in bytes while streaming and in time, body included.
 * Runtime-neutral: only `fetch`, `AbortController`, `ReadableStream` and `URL`.
 */
import { BundleRetrievalError } from "../bundle/errors.js";
import type { FetchLike } from "./types.js";

const MAX_REDIRECTS = 5;

/** Calls `listener` when `signal` aborts (now, if it already has); returns what stops listening. */
function onAbort(signal: AbortSignal, listener: () => void): () => void {
  if (signal.aborted) listener();
  else signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}

/** Rejects as soon as `signal` aborts, even when `promise` ignores it (a fetch that never settles). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    promise.then(resolve, reject).finally(onAbort(signal, () => reject(signal.reason)));
  });
}

/**
 * Slow retrieval: runs `run` under one deadline of `timeoutMs` covering every request, redirect
 * and body byte; past it everything is aborted and TIMEOUT thrown. `closed` aborts too (FETCH_FAILED).
 */
export async function withDeadline<T>(
  label: string,
  timeoutMs: number,
  closed: AbortSignal,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error("timeout"));
  }, timeoutMs);
  const stopListening = onAbort(closed, () => controller.abort(new Error("closed")));
  try {
    return await abortable(run(controller.signal), controller.signal);
  } catch (e) {
    if (timedOut) throw new BundleRetrievalError("TIMEOUT", `${label}: no complete response within ${timeoutMs} ms (slow retrieval)`, { cause: e });
    if (closed.aborted) throw closedError(label, e);
    throw e;
  } finally {
    clearTimeout(timer);
    stopListening();
    // tears down a body still streaming (TOO_LARGE, errors), so the connection is closed
    controller.abort(new Error("done"));
  }
}

/** What a transport error says, with the URL (which may carry a signed query) left out. */
function describeError(e: unknown, url: URL): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail = typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : "";
  const text = `${e instanceof Error ? e.message : String(e)}${detail ? `: ${detail}` : ""}`;
  return text.split(url.href).join(`${url.origin}${url.pathname}`);
}

export function fetchFailed(message: string, cause?: unknown): BundleRetrievalError {
  return new BundleRetrievalError("FETCH_FAILED", message, { cause });
}

/** What a retrieval on a closed loader fails with. */
export function closedError(label: string, cause?: unknown): BundleRetrievalError {
  return fetchFailed(`${label}: the loader was closed`, cause);
}

/** `size`: the declared length, when there is one. */
function tooLarge(label: string, maxBytes: number, size = ""): BundleRetrievalError {
  return new BundleRetrievalError("TOO_LARGE", `${label}: body is ${size}more than the limit of ${maxBytes} bytes (endless data)`);
}

function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

/** Endless data, early: a declared Content-Length over the cap is refused before reading. */
export function checkDeclaredLength(response: Response, maxBytes: number, label: string): void {
  // Headers trim the value; no header (null, tested as "null") is no declaration, nor is one that is not a number
  const declared = response.headers.get("content-length");
  if (/^\d+$/.test(declared as string) && Number(declared) > maxBytes) {
    discard(response);
    throw tooLarge(label, maxBytes, `${declared} bytes, `);
  }
}

/**
 * Endless data: reads the body as a stream with a running byte count and stops at `maxBytes + 1`,
 * whatever Content-Length said (it can lie, or be absent with chunked encoding).
 */
export async function readBodyBounded(response: Response, maxBytes: number, signal: AbortSignal, label: string): Promise<Uint8Array> {
  checkDeclaredLength(response, maxBytes, label);
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await abortable(reader.read(), signal);
      if (done) break;
      if (!(value instanceof Uint8Array)) throw fetchFailed(`${label}: the response body is not a byte stream`);
      total += value.byteLength;
      if (total > maxBytes) throw tooLarge(label, maxBytes);
      chunks.push(value);
    }
  } catch (e) {
    reader.cancel().catch(() => undefined);
    if (e instanceof BundleRetrievalError || signal.aborted) throw e;
    throw fetchFailed(`${label}: the connection failed while reading the body (${(e as Error).message})`, e);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

export interface RequestOptions {
  fetch: FetchLike;
  signal: AbortSignal;
  /** Description of the source for messages (no credentials). */
  label: string;
  headers?: Record<string, string>;
  /**
   * `Bearer …` credentials, sent only to `authOrigin`. With credentials, redirects are followed by
   * hand so the header never reaches another origin.
   */
  authorization?: string;
  authOrigin?: string;
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Credential leak: Authorization goes only to the origin it was issued for, never across a redirect. */
export function mayCarryCredentials(url: URL, authOrigin: string | undefined): boolean {
  // an origin is always a string, so no authOrigin matches none
  return url.origin === authOrigin;
}

/** Downgrade: a redirect may not leave https for plain http (or any other scheme). */
export function checkRedirectTarget(from: URL, to: URL, label: string): void {
  const allowed = from.protocol === "https:" ? to.protocol === "https:" : to.protocol === "https:" || to.protocol === "http:";
  if (!allowed) throw fetchFailed(`${label}: refusing a redirect from ${from.protocol} to ${to.protocol}`);
}

/**
 * GET `url`; a redirect is followed by the runtime when no credentials are involved, and by hand
 * (at most 5 hops, credentials dropped for good once the origin changes) when they are.
 */
export async function request(url: string, options: RequestOptions): Promise<Response> {
  let current = new URL(url);
  let credentials = options.authorization;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (!mayCarryCredentials(current, options.authOrigin)) credentials = undefined;
    const headers: Record<string, string> = { ...options.headers };
    if (credentials !== undefined) headers.authorization = credentials;
    let response: Response;
    try {
      response = await abortable(
        options.fetch(current.href, { headers, signal: options.signal, redirect: credentials === undefined ? "follow" : "manual" }),
        options.signal,
      );
    } catch (e) {
      if (options.signal.aborted) throw e;
      throw fetchFailed(`${options.label}: request failed (${describeError(e, current)})`, e);
    }
    // only a manual redirect is opaque
    if (response.type === "opaqueredirect") {
      throw fetchFailed(`${options.label}: this runtime hides redirect targets, so credentials cannot be kept to one origin`);
    }
    if (credentials === undefined || !isRedirect(response.status)) return response;
    const location = response.headers.get("location");
    discard(response);
    if (location === null) throw fetchFailed(`${options.label}: HTTP ${response.status} redirect without a Location`);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch (e) {
      throw fetchFailed(`${options.label}: redirect to an invalid URL`, e);
    }
    checkRedirectTarget(current, next, options.label);
    current = next;
  }
  throw fetchFailed(`${options.label}: more than ${MAX_REDIRECTS} redirects`);
}

export type Retrieved = { notModified: true } | { notModified: false; bytes: Uint8Array; etag?: string };

export interface RetrieveOptions extends RequestOptions {
  maxBytes: number;
  /** The ETag of the active bundle: sent as If-None-Match, a 304 means "unchanged". */
  etag?: string;
}

/** Refuses any status but 2xx (and 304 when a validator was sent). */
export function checkStatus(response: Response, label: string, conditional: boolean): void {
  if ((response.status >= 200 && response.status < 300) || (conditional && response.status === 304)) return;
  discard(response);
  throw fetchFailed(`${label}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
}

/** GET with If-None-Match, a status check and a bounded body. */
export async function retrieve(url: string, options: RetrieveOptions): Promise<Retrieved> {
  const headers = { ...options.headers };
  if (options.etag !== undefined) headers["if-none-match"] = options.etag;
  const response = await request(url, { ...options, headers });
  checkStatus(response, options.label, options.etag !== undefined);
  if (response.status === 304) {
    discard(response);
    return { notModified: true };
  }
  const bytes = await readBodyBounded(response, options.maxBytes, options.signal, options.label);
  return { notModified: false, bytes, etag: response.headers.get("etag") ?? undefined };
}
