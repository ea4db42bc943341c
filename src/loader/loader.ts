/**
 * The runtime loader (SPEC §8): retrieves a signed bundle within byte and time caps, verifies it
 * (signatures, type, format, digests, expiry, name, target: `verifyBundleBytes`), refuses rollback and
 * serial reuse against the highest serial accepted (persisted with the cache), compiles the
 * target's engine and serves it; it polls with If-None-Match and jitter, and on any failure keeps
 * serving the last verified bundle. Nothing unverified ever reaches an engine.
 *
 * The order of checks follows the TUF client workflow (theupdateframework.github.io/specification,
 * §5.3–5.4): download within caps, verify signatures against pinned keys, check rollback, check
 * expiry (freeze attack), then persist and activate.
 */
import { utf8Encode } from "../bundle/bytes.js";
import { BundleIntegrityError, BundleRetrievalError } from "../bundle/errors.js";
import type { BundleError } from "../bundle/errors.js";
import { checkNotExpired } from "../bundle/verify-checks.js";
import { compileEngine } from "../engine/engine.js";
import type { Engine } from "../engine/engine.js";
import { checkNotRolledBack, checkSerialNotReused, raiseFloor } from "./checks.js";
import { retrieve, withDeadline } from "./fetch.js";
import type { Retrieved } from "./fetch.js";
import { withKeyids } from "./keys.js";
import type { TrustedKey } from "./keys.js";
import { toConfig } from "./options.js";
import { pollDelay } from "./schedule.js";
import { githubDownloadUrl, retrieveGithubAsset } from "./source.js";
import type {
  BundleCache,
  BundleMeta,
  FileModule,
  LoadedEngine,
  Loader,
  LoaderEvents,
  LoaderOptions,
  LoaderStatus,
  SerialFloor,
} from "./types.js";
import { engineView, toBundleError, toMeta } from "./view.js";
import { verifyBundleBytes } from "./verify.js";
import type { RuntimeVerified as VerifiedBundle } from "./verify.js";
import { sha256Hex } from "./web-crypto.js";

interface Candidate {
  verified: VerifiedBundle;
  bytes: Uint8Array;
  engine: Engine;
}

interface Active {
  meta: BundleMeta;
  engine: Engine;
  etag: string | undefined;
  since: Date;
  createdMs: number;
  expiresMs: number;
}

/**
 * Creates a loader for one bundle source and target. Nothing happens until `load()`.
 * Throws `TypeError` for bad options and `BundleKeyError` (KEY_ERROR) for unreadable keys.
 *
 * @example
 * const loader = createLoader({ source: "github:acme/policies@latest", expectedName: "acme",
 *   trustedKeys: [publicKeyPem], target: "production", cacheDir: "/var/cache/edict" });
 * const engine = await loader.load(); // always answers with the active verified bundle
 * engine.authorize({ action: "db:Select", resource: "db://production/users" });
 */
export function createLoader(options: LoaderOptions): Loader {
  const config = toConfig(options);
  const closing = new AbortController();
  const listeners: { [E in keyof LoaderEvents]: Set<LoaderEvents[E]> } = { update: new Set(), error: new Set() };

  let active: Active | undefined;
  let floor: SerialFloor | undefined;
  let cache: BundleCache | undefined;
  /** SHA-256 of the verified bytes the cache file holds, so an unchanged bundle is not rewritten. */
  let cachedSha: string | undefined;
  let fileModule: Promise<FileModule> | undefined;
  let trusted: Promise<TrustedKey[]> | undefined;
  let preparing: Promise<Candidate | undefined> | undefined;
  let loading: Promise<LoadedEngine> | undefined;
  let lastSuccess: Date | undefined;
  let lastError: LoaderStatus["lastError"];
  let failures = 0;
  let polling = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lock: Promise<unknown> = Promise.resolve();

  // one object for the loader's lifetime: it always answers with the active bundle
  const view = engineView(() => active);

  function emit<E extends keyof LoaderEvents>(event: E, value: Parameters<LoaderEvents[E]>[0]): void {
    if (closing.signal.aborted) return;
    for (const listener of listeners[event]) {
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

  function recordFailure(error: BundleError): void {
    failures++;
    report(error);
  }

  function recordSuccess(): void {
    failures = 0;
    lastSuccess = config.now();
  }

  /** Runs `fn` after every earlier load or refresh has settled, so state changes never interleave. */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = lock.then(fn, fn);
    lock = run.catch(() => undefined);
    return run;
  }

  function importFileModule(): Promise<FileModule> {
    // dynamic, so bundles for fetch-only runtimes can drop the Node-only module
    fileModule ??= import("./file-cache.js").catch((e: unknown) => {
      fileModule = undefined;
      throw e;
    });
    return fileModule;
  }

  async function verify(bytes: Uint8Array): Promise<VerifiedBundle> {
    trusted ??= withKeyids(config.keys);
    return verifyBundleBytes(bytes, {
      keys: await trusted,
      threshold: config.threshold,
      now: config.now(),
      target: config.target,
      expectedName: config.expectedName,
      maxBytes: config.maxBytes,
    });
  }

  /** Broken policy: a verified bundle whose target does not compile is refused and the old engine kept. */
  function compile(verified: VerifiedBundle): Engine {
    const p = verified.payload;
    try {
      const effective = p.targets[config.target];
      if (effective === undefined) throw new TypeError(`no target ${config.target}`);
      return compileEngine(effective);
    } catch (e) {
      throw new BundleIntegrityError("FORMAT_ERROR", `bundle ${p.name} ${p.version}: target ${config.target} does not compile: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Verification, then the stateful checks, then compilation: throws on the first failure. */
  async function admit(bytes: Uint8Array, verified?: VerifiedBundle): Promise<Candidate> {
    verified ??= await verify(bytes);
    const seen = { serial: verified.payload.serial, sha256: verified.sha256 };
    checkNotRolledBack(seen, floor);
    checkSerialNotReused(seen, floor);
    return { verified, bytes, engine: compile(verified) };
  }

  /** Opens the cache once: reads the serial floor and re-verifies the cached bundle. */
  function prepare(): Promise<Candidate | undefined> {
    preparing ??= (async () => {
      const dir = config.cacheDir;
      if (dir === undefined) return undefined;
      let mod: FileModule;
      try {
        mod = await importFileModule();
      } catch (e) {
        throw new TypeError(`createLoader: cacheDir needs Node's file system (${(e as Error).message}); leave it out here`, { cause: e });
      }
      const key = config.expectedName ?? `source-${(await sha256Hex(utf8Encode(config.source))).slice(0, 16)}`;
      cache = mod.openFileCache(dir, key, config.maxBytes);
      try {
        floor = await cache.readSerialFloor();
      } catch (e) {
        report(toBundleError(e, `cache ${dir}`));
      }
      let bytes: Uint8Array | undefined;
      try {
        bytes = await cache.readBundle();
      } catch (e) {
        report(toBundleError(e, `cache ${cache.location}`));
      }
      if (bytes === undefined) return undefined;
      // tampering at rest: cached bytes are verified exactly like downloaded ones
      try {
        const candidate = await admit(bytes);
        cachedSha = candidate.verified.sha256;
        floor = raiseFloor(floor, { serial: candidate.verified.payload.serial, sha256: cachedSha });
        return candidate;
      } catch (e) {
        const error = toBundleError(e, "cache");
        error.message = `cache ${cache.location}: ${error.message}; ignoring it`;
        report(error);
        return undefined;
      }
    })().catch((e: unknown) => {
      preparing = undefined;
      throw e;
    });
    return preparing;
  }

  async function persist(candidate: Candidate): Promise<void> {
    if (cache === undefined || floor === undefined) return;
    try {
      if (cachedSha !== candidate.verified.sha256) {
        await cache.writeBundle(candidate.bytes);
        cachedSha = candidate.verified.sha256;
      }
      await cache.writeSerialFloor(floor);
    } catch (e) {
      // the bundle is verified and stays active; only restart protection is weaker, so say so
      report(toBundleError(e, `cache ${cache.location}: could not write`));
    }
  }

  async function activate(candidate: Candidate, etag: string | undefined): Promise<void> {
    const { verified } = candidate;
    const meta = toMeta(verified, config.target);
    active = {
      meta,
      engine: candidate.engine,
      etag,
      since: config.now(),
      createdMs: Date.parse(verified.payload.created_at),
      expiresMs: Date.parse(verified.payload.expires_at),
    };
    floor = raiseFloor(floor, { serial: meta.serial, sha256: meta.sha256 });
    await persist(candidate);
    emit("update", meta);
  }

  async function retrieveSource(etag: string | undefined): Promise<Retrieved> {
    const { spec } = config;
    return withDeadline(config.label, config.timeoutMs, closing.signal, async (signal) => {
      if (spec.kind === "file") {
        let mod: FileModule;
        try {
          mod = await importFileModule();
        } catch (e) {
          throw new BundleRetrievalError(
            "FETCH_FAILED",
            `${config.label}: file sources need Node's file system; use an https:// URL or a github: source`,
            { cause: e },
          );
        }
        return { notModified: false, bytes: await mod.readFileBounded(spec.path, config.maxBytes, signal) };
      }
      const common = { fetch: config.fetch!, signal, label: config.label, maxBytes: config.maxBytes, ...(etag === undefined ? {} : { etag }) };
      if (spec.kind === "url") return retrieve(spec.url, common);
      const asset = `${config.expectedName!}.bundle.json`;
      if (config.token !== undefined) {
        return retrieveGithubAsset(spec, { ...common, token: config.token, githubApiUrl: config.githubApiUrl, asset });
      }
      return retrieve(githubDownloadUrl(spec, config.githubUrl, asset), common);
    });
  }

  /** One retrieval: true when a new bundle was activated; throws a BundleError otherwise. */
  async function pull(): Promise<boolean> {
    let retrieved: Retrieved;
    try {
      retrieved = await retrieveSource(active?.etag);
    } catch (e) {
      throw toBundleError(e, config.label);
    }
    if (retrieved.notModified) {
      // freeze: an origin that keeps answering 304 must not keep an expired bundle looking healthy;
      // it is still served (SPEC §8), but the refresh fails with EXPIRED
      if (active !== undefined) checkNotExpired(active.meta, config.now());
      recordSuccess();
      return false;
    }
    const verified = await verify(retrieved.bytes);
    // the same file again: nothing to do (an identical replay is harmless)
    if (active !== undefined && verified.sha256 === active.meta.sha256) {
      if (retrieved.etag !== undefined) active.etag = retrieved.etag;
      recordSuccess();
      return false;
    }
    await activate(await admit(retrieved.bytes, verified), retrieved.etag);
    recordSuccess();
    return true;
  }

  function scheduleNext(): void {
    if (closing.signal.aborted) return;
    timer = setTimeout(() => {
      timer = undefined;
      refresh()
        .catch(() => undefined)
        .finally(scheduleNext);
    }, pollDelay(config.pollIntervalMs, failures, config.random));
    // polling alone must not keep a process alive
    (timer as { unref?: () => void }).unref?.();
  }

  function startPolling(): void {
    if (polling || config.pollIntervalMs === 0 || closing.signal.aborted) return;
    polling = true;
    scheduleNext();
  }

  function closedError(): BundleError {
    return new BundleRetrievalError("FETCH_FAILED", `${config.label}: the loader was closed`);
  }

  function load(): Promise<LoadedEngine> {
    loading ??= exclusive(async () => {
      if (active === undefined) {
        if (closing.signal.aborted) throw closedError();
        const cached = await prepare();
        try {
          await pull();
        } catch (e) {
          const error = toBundleError(e, config.label);
          if (closing.signal.aborted) throw error;
          recordFailure(error);
          // the source failed: fall back to the cache, verified again when it was read
          if (cached === undefined) throw error;
          await activate(cached, undefined);
        }
      }
      if (active === undefined) throw new BundleRetrievalError("FETCH_FAILED", `${config.label}: no bundle was retrieved`);
      startPolling();
      return view;
    }).catch((e: unknown) => {
      loading = undefined;
      throw e;
    });
    return loading;
  }

  function refresh(): Promise<boolean> {
    return exclusive(async () => {
      if (closing.signal.aborted) return false;
      await prepare();
      try {
        return await pull();
      } catch (e) {
        const error = toBundleError(e, config.label);
        if (!closing.signal.aborted) recordFailure(error);
        throw error;
      }
    });
  }

  function status(): LoaderStatus {
    const now = config.now().getTime();
    const a = active;
    const freshUntil = a === undefined ? 0 : a.expiresMs - (a.expiresMs - a.createdMs) / 3;
    return {
      source: config.label,
      version: a?.meta.version ?? null,
      serial: a?.meta.serial ?? null,
      revision: a?.meta.revision ?? null,
      expiresAt: a?.meta.expires_at ?? null,
      activeSince: a?.since.toISOString() ?? null,
      lastSuccess: lastSuccess?.toISOString() ?? null,
      ...(lastError === undefined ? {} : { lastError: { ...lastError } }),
      stale: a === undefined || failures > 0 || now >= freshUntil,
    };
  }

  return {
    load,
    refresh,
    status,
    on(event, listener) {
      if (event !== "update" && event !== "error") throw new TypeError(`loader.on: unknown event ${JSON.stringify(event)}: expected "update" or "error"`);
      if (typeof listener !== "function") throw new TypeError("loader.on: listener must be a function");
      const set = listeners[event] as Set<typeof listener>;
      set.add(listener);
      return () => void set.delete(listener);
    },
    close() {
      if (closing.signal.aborted) return;
      closing.abort(new Error("closed"));
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
    get engine() {
      return active === undefined ? undefined : view;
    },
  };
}
