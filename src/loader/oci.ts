/**
 * edict/loader/oci: the runtime loader with OCI registries and mirrors. `createLoader` takes the
 * options of `edict/loader` plus `oci://HOST/REPO:TAG` and `oci://HOST/REPO@sha256:DIGEST` sources,
 * `sources` (several, tried in order on every poll) and `plainHttp`. It wraps the core loader
 * (./loader.ts) unchanged: every byte still goes through the core's one trust store, so
 * verification, the rollback floor and expiry apply across all sources, and a mirror serving an
 * older bundle is refused like any rollback. This module only retrieves: it hands the core's
 * `fetch` a response built from the first source that answers, and applications that never
 * import it pay nothing for it.
 *
 * Polling an OCI source is one HEAD of the manifest: an unchanged `Docker-Content-Digest` (or
 * ETag) answers "not modified" without downloading anything. A changed manifest is fetched, its
 * bytes checked against the digest pinned (if any), and the bundle layer downloaded and checked
 * against the layer digest before the core ever sees it.
 *
 * @example
 * import { createLoader } from "edict/loader/oci";
 * const loader = createLoader({ sources: ["oci://ghcr.io/acme/policies:latest", "oci://mirror.internal/acme/policies:latest"],
 *   trustedKeys: [publicKeyPem], target: "production", expectedName: "acme", cacheDir: "/var/cache/edict" });
 */
import { BundleError } from "../bundle/errors.js";
import { createRegistry } from "../oci/client.js";
import type { Registry } from "../oci/client.js";
import { getBundleBlob, getManifest, headManifest } from "../oci/pull.js";
import { manifestReference, OCI_REFERENCE_FORM, parseOciReference } from "../oci/reference.js";
import { withDeadline } from "./fetch.js";
import { createLoader as createCoreLoader } from "./loader.js";
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, toConfig } from "./options.js";
import { describeSource, retrieveSource } from "./source.js";
import type { FetchLike, FileModule, Loader, LoaderOptions } from "./types.js";
import { toBundleError } from "./view.js";
import { sha256Hex } from "./web-crypto.js";

export type { BundleMeta, FetchLike, LoadedEngine, Loader, LoaderEvents, LoaderStatus } from "./types.js";
export { isBundleError } from "../bundle/errors.js";
export type { BundleError, BundleErrorCode } from "../bundle/errors.js";

export interface OciLoaderOptions extends Omit<LoaderOptions, "source"> {
  /** One source: as `edict/loader`'s, or `oci://HOST[:PORT]/REPO:TAG` or `oci://HOST[:PORT]/REPO@sha256:DIGEST`. */
  source?: string;
  /** Several sources (`oci://`, `https://`, `github:`, file paths), tried in order on every poll; instead of `source`. */
  sources?: readonly string[];
  /** Talk `http://` to OCI registries (loopback, or inside a cluster); https unless told. */
  plainHttp?: boolean;
  /** `user:token` for registries that need credentials (basic, or sent to the token realm). */
  registryCredentials?: string;
}

/** What one source answered: the bundle the loader already serves, or new bytes and their SHA-256. */
type Pulled = { bytes: Uint8Array; sha: string } | undefined;

interface Source {
  label: string;
  pull(active: string | undefined, signal: AbortSignal): Promise<Pulled>;
}

/** The core's source: never contacted, only named in its messages, which are relabelled here. */
const VIA = "https://edict-sources.invalid/";
/** Bundles a source served that the core refused, remembered so they are not fetched again. */
const REMEMBERED = 16;

function ociSource(text: string, options: OciLoaderOptions, fetch: FetchLike, refused: Map<string, BundleError>, maxBytes: number): Source {
  const ref = parseOciReference(text);
  if (ref === undefined) throw new TypeError(`createLoader: expected ${OCI_REFERENCE_FORM}, got ${text.slice(0, 200)}`);
  // an oci:// reference carries no credentials: it is its own label
  const label = text;
  const { plainHttp, registryCredentials: credentials } = options;
  if (typeof fetch !== "function") throw new TypeError("createLoader: fetch must be a function (pass options.fetch where the runtime has none)");
  const registry: Registry = createRegistry(ref, { fetch, label, ...(plainHttp ? { plainHttp } : {}), ...(credentials === undefined ? {} : { credentials }) });
  const reference = manifestReference(ref);
  /** The manifest validator last seen and the bundle layer (hex) it names. */
  let seen: string | undefined;
  let layer: string | undefined;
  return {
    label,
    async pull(active, signal) {
      const validator = await headManifest(registry, reference, signal);
      if (active !== undefined && validator !== undefined && validator === seen && layer === active) return undefined;
      // pinning: a digest reference is checked against the manifest's bytes here
      const manifest = await getManifest(registry, reference, signal, maxBytes);
      seen = validator;
      layer = manifest.layer.digest.slice(7);
      if (layer === active) return undefined;
      const known = refused.get(layer);
      if (known) throw known;
      return { bytes: await getBundleBlob(registry, manifest.layer, signal, maxBytes), sha: layer };
    },
  };
}

function otherSource(text: string, options: OciLoaderOptions, fetch: FetchLike | undefined, refused: Map<string, BundleError>): Source {
  const { sources: _s, plainHttp: _p, registryCredentials: _r, token, ...rest } = options;
  const github = text.startsWith("github:");
  const config = toConfig({ ...rest, source: text, ...(fetch === undefined ? {} : { fetch }), ...(github && token !== undefined ? { token } : {}) });
  const files = (): Promise<FileModule> => import("./file-cache.js");
  let etag: string | undefined;
  let last: string | undefined;
  return {
    label: config.label,
    async pull(active, signal) {
      const retrieved = await retrieveSource(config, last === active ? etag : undefined, signal, files);
      if (retrieved.notModified) return undefined;
      const sha = await sha256Hex(retrieved.bytes);
      etag = retrieved.etag;
      last = sha;
      if (sha === active) return undefined;
      const known = refused.get(sha);
      if (known) throw known;
      return { bytes: retrieved.bytes, sha };
    },
  };
}

/**
 * Creates a loader over one or several sources; nothing happens until `load()`. Throws a
 * `TypeError` for bad options and `BundleKeyError` (KEY_ERROR) for missing or unreadable keys.
 */
export function createLoader(options: OciLoaderOptions): Loader {
  if (typeof options !== "object" || options === null) throw new TypeError("createLoader: options are required");
  const { source, sources: list, plainHttp, registryCredentials, ...common } = options;
  if (list !== undefined && (!Array.isArray(list) || list.length === 0 || source !== undefined)) throw new TypeError("createLoader: sources must be a non-empty array, instead of source");
  const texts: string[] = list === undefined ? [source as string] : [...list];
  if (registryCredentials !== undefined && !/:/.test(registryCredentials)) throw new TypeError("createLoader: registryCredentials must be user:token");
  if (texts.length === 1 && !String(texts[0]).startsWith("oci://")) return createCoreLoader({ ...common, source: texts[0]! });

  const userFetch = options.fetch ?? (typeof globalThis.fetch === "function" ? (input: string, init: RequestInit) => globalThis.fetch(input, init) : undefined);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const refused = new Map<string, BundleError>();
  // the core refuses a runtime without fetch (or a fetch that is not a function) when it is created below
  const all: Source[] = texts.map((t) => (String(t).startsWith("oci://") ? ociSource(t, options, userFetch!, refused, maxBytes) : otherSource(t, options, userFetch, refused)));
  const label = all.map((s) => s.label).join(", ");

  /** Errors this module threw: the core wraps them as FETCH_FAILED, and they are unwrapped again. */
  const ours = new WeakSet<object>();
  /** The SHA-256 of bytes handed to the core and not yet seen accepted. */
  let pending: string | undefined;

  const fetch: FetchLike = async (_url, init) => {
    const inm = (init.headers as Record<string, string> | undefined)?.["if-none-match"];
    const active = inm?.slice(1, -1);
    const signal = init.signal!;
    pending = undefined;
    const failures: BundleError[] = [];
    for (const s of all) {
      try {
        const pulled = await withDeadline(s.label, timeoutMs, signal, (sig) => s.pull(active, sig));
        if (pulled === undefined) return new Response(null, { status: 304 });
        pending = pulled.sha;
        return new Response(pulled.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: { etag: `"${pulled.sha}"` } });
      } catch (e) {
        if (signal.aborted) throw e;
        // a failing source falls through to the next
        failures.push(toBundleError(e, s.label));
      }
    }
    // one failure as it is; several as one error with the first one's code and every message (each names its source)
    const error = failures.length === 1 ? failures[0]! : new BundleError(failures[0]!.code, failures.map((f) => f.message).join("; "), { cause: failures[0] });
    ours.add(error);
    throw error;
  };

  const core = createCoreLoader({ ...common, source: VIA, fetch, timeoutMs: timeoutMs * all.length, token: undefined });
  const via = describeSource(VIA);
  const unwrap = (e: BundleError): BundleError => {
    const inner = e.code === "FETCH_FAILED" && ours.has(e.cause as object) ? (e.cause as BundleError) : e;
    inner.message = inner.message.split(via).join(label);
    return inner;
  };
  let last: { seen: string; error: BundleError } | undefined;
  core.on("error", (e) => {
    const seen = e.message;
    const error = unwrap(e);
    last = { seen, error };
    // a bundle the core refused (rollback, signature, expiry…) is remembered, and its source skipped
    if (pending !== undefined && core.engine?.meta.sha256 !== pending) {
      if (refused.size >= REMEMBERED) refused.delete(refused.keys().next().value!);
      refused.set(pending, error);
      pending = undefined;
    }
  });

  return {
    load: () => core.load().catch((e: BundleError) => Promise.reject(unwrap(e))),
    refresh: () => core.refresh().catch((e: BundleError) => Promise.reject(unwrap(e))),
    status() {
      const s = core.status();
      s.source = label;
      if (s.lastError !== undefined && last?.seen === s.lastError.message) s.lastError = { ...s.lastError, code: last.error.code, message: last.error.message };
      return s;
    },
    on(event, listener) {
      if (event !== "error" || typeof listener !== "function") return core.on(event, listener);
      return core.on("error", (e) => (listener as (e: BundleError) => void)(unwrap(e)));
    },
    close: () => core.close(),
    get engine() {
      return core.engine;
    },
  };
}
