/**
 * Reading a url source's index and envelopes: over http(s) with the loader's bounded retrieval
 * (src/loader/fetch.ts: capped in bytes while streaming and in time, body included; a bearer
 * token only ever sent to the origin it was given for, redirects followed by hand), or from
 * file:// with a bounded read. Failures become PACK_SOURCE_ERROR with a message saying what to
 * do; no message carries the token, a query string or URL credentials.
 */
import { fileURLToPath } from "node:url";
import { EdictError, isEdictError } from "../../errors.js";
import { readBounded } from "../../io/bounded-read.js";
import { readBodyBounded, request, withDeadline } from "../../loader/fetch.js";
import type { FetchLike } from "../../loader/types.js";

export interface RetrieveOptions {
  maxBytes: number;
  timeoutMs: number;
  fetch: FetchLike;
  /** The bearer token, sent only to `authOrigin`. */
  token?: string;
  authOrigin?: string;
  /** Environment variable the token comes from, for the hint on 401/403. */
  tokenEnv?: string;
  /** Who is reading, for messages: `source acme`. */
  who: string;
  /** What to do when the location cannot be read at all. */
  hint: string;
}

/** The URL as messages and lock files show it: no credentials, no query, no fragment. */
export function displayUrl(url: URL): string {
  if (url.protocol === "file:") return url.href.split("#")[0]!.split("?")[0]!;
  return `${url.origin}${url.pathname}`;
}

function sourceError(message: string, cause?: unknown): EdictError {
  return new EdictError("PACK_SOURCE_ERROR", message, cause === undefined ? {} : { cause });
}

function authHint(status: number, options: RetrieveOptions): string {
  if (status !== 401 && status !== 403) return options.hint;
  if (options.tokenEnv === undefined) return "the host wants credentials: set `token_env` on the source in edict.yaml and put a token in that variable";
  if (options.token === undefined) return `the host wants credentials: set the environment variable ${options.tokenEnv} to a token with read access`;
  return `the token in ${options.tokenEnv} was refused: check that it is valid and may read this location`;
}

async function readFileUrl(url: URL, options: RetrieveOptions): Promise<Uint8Array> {
  const shown = displayUrl(url);
  let read;
  try {
    read = await readBounded(fileURLToPath(url), options.maxBytes, { regularFile: true, signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw sourceError(`${options.who}: cannot read ${shown} (${code}); ${options.hint}`, e);
  }
  if (read.status === "not-a-file") throw sourceError(`${options.who}: ${shown} is not a file; ${options.hint}`);
  if (read.status === "too-large") throw sourceError(`${options.who}: ${shown} is larger than ${options.maxBytes} bytes, too large to be a pack file`);
  return read.bytes;
}

async function readHttpUrl(url: URL, options: RetrieveOptions): Promise<Uint8Array> {
  const shown = displayUrl(url);
  const label = `${options.who}: ${shown}`;
  const never = new AbortController().signal;
  try {
    return await withDeadline(label, options.timeoutMs, never, async (signal) => {
      const response = await request(url.href, {
        fetch: options.fetch,
        signal,
        label,
        headers: { accept: "application/json" },
        ...(options.token !== undefined && options.authOrigin !== undefined ? { authorization: `Bearer ${options.token}`, authOrigin: options.authOrigin } : {}),
      });
      if (response.status < 200 || response.status > 299) {
        response.body?.cancel().catch(() => undefined);
        const text = response.statusText ? ` ${response.statusText}` : "";
        throw sourceError(`${label}: HTTP ${response.status}${text}; ${authHint(response.status, options)}`);
      }
      return readBodyBounded(response, options.maxBytes, signal, label);
    });
  } catch (e) {
    if (isEdictError(e) && e.code === "PACK_SOURCE_ERROR") throw e;
    const reason = isEdictError(e) ? e.message : (e as Error).message;
    throw sourceError(`${reason.startsWith(label) ? reason : `${label}: ${reason}`}; ${options.hint}`, e);
  }
}

/** The bytes at `url` (http:, https: or file:), within the caps. Throws PACK_SOURCE_ERROR. */
export async function retrieveBytes(url: URL, options: RetrieveOptions): Promise<Uint8Array> {
  if (url.protocol === "file:") return readFileUrl(url, options);
  if (url.protocol === "http:" || url.protocol === "https:") return readHttpUrl(url, options);
  throw sourceError(`${options.who}: cannot read ${url.protocol} URLs; use https://, http://, file:// or a local path`);
}
