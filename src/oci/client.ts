/**
 * A minimal client of one repository of an OCI registry (distribution specification v1.1), with
 * its authentication: anonymous, HTTP basic, and the token challenge (`WWW-Authenticate: Bearer
 * realm=…,service=…,scope=…` → GET realm with service and scope, basic credentials when given →
 * `{token}` or `{access_token}` → retry with `Authorization: Bearer`, the Docker token protocol
 * GHCR, Docker Hub and ECR speak). Runtime-neutral (only `fetch`, `URL`, `btoa`): the loader's OCI
 * entry point uses it, and so do `edict bundle push|pull`.
 *
 * Credentials go only to the registry's origin, and to the token realm it names; a GET is
 * redirected by hand so they never follow a redirect to blob storage on another origin.
 */
import { utf8Decode, utf8Encode } from "../bundle/bytes.js";
import { checkStatus, fetchFailed, readBodyBounded, request } from "../loader/fetch.js";
import type { FetchLike } from "../loader/types.js";
import { repositoryUrl } from "./reference.js";
import type { OciReference } from "./reference.js";

/** Largest token response read: tokens are a few kilobytes. */
const MAX_TOKEN_BYTES = 65_536;

export interface RegistryOptions {
  fetch: FetchLike;
  /** `http://` instead of `https://`: a registry on loopback or inside a cluster. */
  plainHttp?: boolean;
  /** `user:password` (or `user:token`) for basic auth, also sent to the token realm. */
  credentials?: string;
  /** The reference for messages (no credentials). */
  label: string;
}

export interface RegistryRequest {
  method: "GET" | "HEAD" | "POST" | "PUT";
  signal: AbortSignal;
  headers?: Record<string, string>;
  body?: Uint8Array;
}

export interface Registry {
  /** `https://HOST/v2/REPO`. */
  readonly base: string;
  readonly label: string;
  /** Sends a request to `url` (absolute, or relative to the registry), answering one auth challenge. */
  send(url: string, init: RegistryRequest): Promise<Response>;
}

function basicAuthorization(credentials: string): string {
  return `Basic ${btoa(String.fromCharCode(...utf8Encode(credentials)))}`;
}

/** The parameters of a `Bearer` challenge: `realm`, `service`, `scope`. */
export function parseChallenge(header: string | null): { scheme: string; params: Record<string, string> } | undefined {
  const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(header ?? "");
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/([A-Za-z]+)="([^"]*)"/g)) params[p[1]!.toLowerCase()] = p[2]!;
  return { scheme: m[1]!.toLowerCase(), params };
}

export function createRegistry(ref: OciReference, options: RegistryOptions): Registry {
  const base = repositoryUrl(ref, options.plainHttp === true);
  const origin = new URL(base).origin;
  const { fetch, label, credentials } = options;
  const basic = credentials === undefined ? undefined : basicAuthorization(credentials);
  /** What the last challenge was answered with; reused until the registry asks again. */
  let authorization: string | undefined;

  /** Token or basic credentials for a 401's challenge; undefined when there is nothing to answer with. */
  async function answer(header: string | null, signal: AbortSignal): Promise<string | undefined> {
    const challenge = parseChallenge(header);
    if (challenge?.scheme === "basic") return basic;
    if (challenge?.scheme !== "bearer") return undefined;
    // downgrade: credentials and tokens travel over https unless plain http was asked for
    const realm = URL.canParse(challenge.params.realm!) ? new URL(challenge.params.realm!) : undefined;
    if (realm?.protocol !== "https:" && !(options.plainHttp && realm?.protocol === "http:")) throw fetchFailed(`${label}: refusing the token realm ${challenge.params.realm}: not https`);
    for (const k of ["service", "scope"]) if (challenge.params[k] !== undefined) realm.searchParams.set(k, challenge.params[k]);
    const response = await request(realm.href, { fetch, signal, label: `${label}: token`, ...(basic === undefined ? {} : { authorization: basic, authOrigin: realm.origin }) });
    checkStatus(response, `${label}: token`, false);
    let token: unknown;
    try {
      const body = JSON.parse(utf8Decode(await readBodyBounded(response, MAX_TOKEN_BYTES, signal, `${label}: token`))) as { token?: unknown; access_token?: unknown };
      token = body.token ?? body.access_token;
    } catch (e) {
      throw fetchFailed(`${label}: token: not JSON`, e);
    }
    if (typeof token !== "string" || token === "") throw fetchFailed(`${label}: token: none`);
    return `Bearer ${token}`;
  }

  async function once(url: string, init: RegistryRequest): Promise<Response> {
    if (init.method === "GET") {
      return request(url, { fetch, signal: init.signal, label, headers: init.headers ?? {}, ...(authorization === undefined ? {} : { authorization, authOrigin: origin }) });
    }
    const headers = { ...init.headers, ...(authorization === undefined ? {} : { authorization }) };
    try {
      // other methods are never redirected: a 3xx is an error, so no credential can follow one
      return await fetch(url, { method: init.method, headers, signal: init.signal, redirect: "manual", ...(init.body === undefined ? {} : { body: init.body as Uint8Array<ArrayBuffer> }) });
    } catch (e) {
      if (init.signal.aborted) throw e;
      throw fetchFailed(`${label}: ${(e as Error).message}`, e);
    }
  }

  return {
    base,
    label,
    async send(url, init) {
      const target = new URL(url, `${base}/`).href;
      const response = await once(target, init);
      if (response.status !== 401) return response;
      const next = await answer(response.headers.get("www-authenticate"), init.signal);
      response.body?.cancel().catch(() => undefined);
      authorization = next;
      const again = next === undefined ? response : await once(target, init);
      if (again.status === 401) throw fetchFailed(`${label}: HTTP 401: the registry refused the credentials${basic ? "" : " (none were given)"}`);
      return again;
    },
  };
}
