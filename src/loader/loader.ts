/**
 * The runtime loader: retrieves a signed bundle within byte and time caps, verifies it
 * (signatures, type, format, digests, expiry, name, target: `verifyBundleBytes`), refuses rollback and
 * serial reuse against the highest serial accepted (persisted with the cache), compiles the
 * target's engine and serves it; it polls with If-None-Match and jitter, and on any failure keeps
 * serving the last verified bundle. Nothing unverified ever reaches an engine.
 *
 * This module is the retrieval around the trust state, as tuf-js's `updater.ts` is around its
 * `store.ts`: sources, the file cache, polling, events and status live here; every decision on
 * bytes (verify, rollback, replay, expiry, compile, activate) is the trust store's (trust-store.ts).
 *
 * The order of checks follows the TUF client workflow (theupdateframework.github.io/specification,
 * §5.3–5.4): download within caps, verify signatures against pinned keys, check rollback, check
 * expiry (freeze attack), then persist and activate.
 */
import { utf8Encode } from "../bundle/bytes.js";
import type { BundleError } from "../bundle/errors.js";
// first, and the engine first in it: a bundler then emits the engine before all of the loader's own
// modules, which gzip compresses far better (scripts/size.mjs: ~200 bytes of the budget)
import { createTrustStore } from "./trust-store.js";
import type { Candidate } from "./trust-store.js";
import { closedError } from "./fetch.js";
import { importKinds } from "./kinds.js";
import { toConfig } from "./options.js";
import { pollDelay } from "./schedule.js";
import { retrieveSource } from "./source.js";
import type { BundleCache, FileModule, Loader, LoaderEvents, LoaderOptions, LoaderStatus } from "./types.js";
import { engineView, toBundleError } from "./view.js";
import { sha256Hex } from "./web-crypto.js";

/**
 * Creates a loader for one bundle source and target. Nothing happens until `load()`.
 * Throws a `TypeError` for bad options and `BundleKeyError` (KEY_ERROR) for
 * missing or unreadable keys.
 *
 * @example
 * const loader = createLoader({ source: "github:acme/policies@latest", expectedName: "acme",
 *   trustedKeys: [publicKeyPem], target: "production", cacheDir: "/var/cache/edict" });
 * const engine = await loader.load(); // always answers with the active verified bundle
 * engine.authorize({ action: "db:Select", resource: "db://production/users" });
 */
export function createLoader(options: LoaderOptions): Loader {
  const config = toConfig(options);
  const trust = createTrustStore(
    config,
    once(() => importKinds(config.kinds, config.label)),
  );
  const closing = new AbortController();
  /** Aborts when the loader is closed: stops polling and any retrieval in flight. */
  const closed = closing.signal;
  // a Map, so only these two names are events (no inherited property is one)
  const listeners = new Map<string, Set<(value: never) => void>>([
    ["update", new Set()],
    ["error", new Set()],
  ]);

  let cache: BundleCache | undefined;
  /** SHA-256 of the verified bytes the cache file holds, so an unchanged bundle is not rewritten. */
  let cachedSha: string | undefined;
  /** The ETag the active bundle came with, sent as If-None-Match; none before the first activation. */
  let etag: string | undefined;
  let lastSuccess: Date | undefined;
  let lastError: LoaderStatus["lastError"];
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lock: Promise<unknown> = Promise.resolve();

  // one object for the loader's lifetime: it always answers with the active bundle
  const view = engineView(() => trust.active!);

  function emit<E extends keyof LoaderEvents>(event: E, value: Parameters<LoaderEvents[E]>[0]): void {
    if (closed.aborted) return;
    for (const listener of listeners.get(event)!) {
      try {
        (listener as (v: typeof value) => void)(value);
      } catch {
        // a listener's own failure must not change what the loader serves
      }
    }
  }

  function report(error: BundleError): void {
    lastError = { code: error.code, message: error.message, at: config.now().toISOString() };
    emit("error", error);
  }

  /** A failed load or refresh as a BundleError, recorded unless the loader was closed. */
  function failed(e: unknown): BundleError {
    const error = toBundleError(e, config.label);
    if (!closed.aborted) {
      failures++;
      report(error);
    }
    return error;
  }

  /** Runs `fn` after every earlier load or refresh has settled, so state changes never interleave. */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = lock.then(fn, fn);
    lock = run.catch(() => undefined);
    return run;
  }

  // dynamic, so bundles for fetch-only runtimes can drop the Node-only module
  const importFileModule = once<FileModule>(() => import("./file-cache.js"));

  /** Opens the cache once: restores the serial floor and re-verifies the cached bundle. */
  const prepare = once(async (): Promise<Candidate | undefined> => {
    const dir = config.cacheDir;
    if (!dir) return undefined;
    const mod = await importFileModule().catch((e: Error) => {
      throw new TypeError(`createLoader: cacheDir needs Node's file system (${e.message}); leave it out here`, { cause: e });
    });
    const key = config.expectedName ?? `source-${(await sha256Hex(utf8Encode(config.source))).slice(0, 16)}`;
    cache = mod.openFileCache(dir, key, config.maxBytes);
    try {
      // rollback across restarts: start from the highest serial accepted before
      const floor = await cache.readSerialFloor();
      if (floor) trust.raise(floor);
    } catch (e) {
      report(toBundleError(e, `cache ${dir}`));
    }
    let bytes: Uint8Array | undefined;
    try {
      bytes = await cache.readBundle();
    } catch (e) {
      report(toBundleError(e, `cache ${cache.location}`));
    }
    if (!bytes) return undefined;
    // tampering at rest: cached bytes are verified exactly like downloaded ones
    try {
      // nothing is active yet (prepare runs first in load and refresh, and only succeeds once), so
      // a cached bundle that passes is always a candidate
      const candidate = (await trust.admit(bytes))!;
      cachedSha = candidate.sha256;
      trust.raise(candidate);
      return candidate;
    } catch (e) {
      const error = toBundleError(e, "cache");
      error.message = `cache ${cache.location}: ${error.message}; ignoring it`;
      report(error);
      return undefined;
    }
  });

  async function activate(candidate: Candidate, retrievedEtag: string | undefined): Promise<void> {
    const meta = trust.activate(candidate);
    // activating raised the floor to the candidate's serial
    const floor = trust.floor!;
    etag = retrievedEtag;
    if (cache) {
      try {
        if (cachedSha !== candidate.sha256) {
          await cache.writeBundle(candidate.bytes);
          cachedSha = candidate.sha256;
        }
        await cache.writeSerialFloor(floor);
      } catch (e) {
        // the bundle is verified and stays active; only restart protection is weaker, so say so
        report(toBundleError(e, `cache ${cache.location}: could not write`));
      }
    }
    emit("update", meta);
  }

  /** One retrieval: true when a new bundle was activated; throws otherwise (the callers make it a BundleError). */
  async function pull(): Promise<boolean> {
    const retrieved = await retrieveSource(config, etag, closed, importFileModule);
    let candidate: Candidate | undefined;
    if (retrieved.notModified) {
      // an unchanged bundle is still served when it expires, but the refresh then fails with EXPIRED
      trust.checkNotExpired();
    } else {
      candidate = await trust.admit(retrieved.bytes);
      // the active bundle again: only its ETag may have changed
      if (candidate === undefined) etag = retrieved.etag ?? etag;
      else await activate(candidate, retrieved.etag);
    }
    failures = 0;
    lastSuccess = config.now();
    return candidate !== undefined;
  }

  function scheduleNext(): void {
    if (closed.aborted) return;
    timer = setTimeout(() => {
      refresh()
        .catch(() => undefined)
        .finally(scheduleNext);
    }, pollDelay(config.pollIntervalMs, failures, config.random));
    // polling alone must not keep a process alive
    (timer as { unref?: () => void }).unref?.();
  }

  const load = once(() =>
    exclusive(async () => {
      if (!trust.active) {
        if (closed.aborted) throw closedError(config.label);
        const cached = await prepare();
        // either activates a bundle or throws: with nothing active no If-None-Match is sent, so
        // no 304 is accepted, and admit() only skips the bytes of the active bundle
        try {
          await pull();
        } catch (e) {
          const error = failed(e);
          // the source failed: fall back to the cache, verified again when it was read
          if (closed.aborted || !cached) throw error;
          await activate(cached, undefined);
        }
      }
      // once: a load that succeeded is never run again
      if (config.pollIntervalMs !== 0) scheduleNext();
      return view;
    }),
  );

  function refresh(): Promise<boolean> {
    return exclusive(async () => {
      if (closed.aborted) return false;
      await prepare();
      try {
        return await pull();
      } catch (e) {
        throw failed(e);
      }
    });
  }

  function status(): LoaderStatus {
    const now = config.now().getTime();
    const a = trust.active;
    // fresh until the last third of the bundle's lifetime (NaN without a bundle: no time is before it, so stale)
    const expires = Date.parse(a?.meta.expires_at!);
    const freshUntil = expires - (expires - Date.parse(a?.meta.created_at!)) / 3;
    return {
      source: config.label,
      version: a?.meta.version ?? null,
      serial: a?.meta.serial ?? null,
      revision: a?.meta.revision ?? null,
      expiresAt: a?.meta.expires_at ?? null,
      activeSince: a?.since.toISOString() ?? null,
      lastSuccess: lastSuccess?.toISOString() ?? null,
      ...(lastError && { lastError: { ...lastError } }),
      stale: failures > 0 || !(now < freshUntil),
    };
  }

  return {
    load,
    refresh,
    status,
    on(event, listener) {
      const set = listeners.get(event);
      if (!set) throw new TypeError(`loader.on: unknown event ${JSON.stringify(event)}: expected "update" or "error"`);
      if (typeof listener !== "function") throw new TypeError("loader.on: listener must be a function");
      set.add(listener);
      return () => void set.delete(listener);
    },
    close() {
      // aborting again is a no-op
      closing.abort(new Error("closed"));
      clearTimeout(timer);
    },
    get engine() {
      return trust.active && view;
    },
  };
}

/** `run` once, its promise shared by every caller; a failure is forgotten, so the next call runs it again. */
function once<T>(run: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () =>
    (result ??= run().catch((e: unknown) => {
      result = undefined;
      throw e;
    }));
}
