/**
 * The loader's trust state (TUF specification §5.3–5.4), kept apart from retrieval the
 * way tuf-js keeps its bytes-in `store.ts` apart from the fetching `updater.ts`: it takes a
 * bundle's bytes and decides, against the pinned keys and what it has already accepted, whether
 * they may become the active bundle. It holds the serial floor (rollback and replay), the last
 * verified bundle and its compiled engine. No network, cache, timers or events; the only outside
 * input is the clock it is given. Nothing unverified ever reaches an engine.
 */
// the engine first (see the imports of loader.ts: the size budget counts on it)
import { assembleEngine } from "../engine/assemble.js";
import type { KindCompilers } from "../engine/assemble.js";
import type { Engine } from "../engine/engine.js";
import { checkNotExpired, formatError } from "../bundle/verify-checks.js";
import { checkAgainstFloor, raiseFloor } from "./checks.js";
import { withKeyids } from "./keys.js";
import type { TrustedKey } from "./keys.js";
import type { Config } from "./options.js";
import type { BundleMeta, SerialFloor } from "./types.js";
import { verifyBundleBytes } from "./verify.js";
import type { RuntimeVerified as VerifiedBundle } from "./verify.js";
import { toMeta } from "./view.js";

/** A bundle that passed every check and compiled, not yet active. */
export interface Candidate {
  serial: number;
  /** SHA-256 of the bundle file. */
  sha256: string;
  verified: VerifiedBundle;
  /** The exact verified bytes, for the cache. */
  bytes: Uint8Array;
  engine: Engine;
}

/** The active bundle: what the engine view and `status()` answer with. */
export interface Active {
  meta: BundleMeta;
  engine: Engine;
  since: Date;
}

export interface TrustStore {
  /** The last verified bundle activated, if any. */
  readonly active: Active | undefined;
  /** The highest serial accepted and the file that carried it, if any. */
  readonly floor: SerialFloor | undefined;
  /**
   * Verification (`verifyBundleBytes`), then the stateful checks, then compilation: throws on the
   * first failure. Undefined when the bytes are those of the active bundle: nothing new to admit.
   */
  admit(bytes: Uint8Array): Promise<Candidate | undefined>;
  /** Raises the floor to a serial persisted or seen (never lowers it). */
  raise(seen: SerialFloor): void;
  /** Makes `candidate` the active bundle and raises the floor to it; returns its metadata. */
  activate(candidate: Candidate): BundleMeta;
  /** Freeze: throws EXPIRED when the active bundle has expired by the clock. */
  checkNotExpired(): void;
}

/**
 * The trust state of one loader: pinned keys, threshold, target and caps from `config`.
 * Keys are imported into WebCrypto on first use; `compilers` gives the evaluators of the kinds
 * served besides access (asked for on every admission, while the bundle verifies).
 */
export function createTrustStore(
  config: Pick<Config, "keys" | "threshold" | "target" | "expectedName" | "maxBytes" | "now">,
  compilers: () => Promise<KindCompilers>,
): TrustStore {
  let trusted: Promise<TrustedKey[]> | undefined;
  let floor: SerialFloor | undefined;
  let active: Active | undefined;

  return {
    get active() {
      return active;
    },
    get floor() {
      return floor;
    },
    async admit(bytes) {
      trusted ??= withKeyids(config.keys);
      // the evaluators load while the bundle verifies; a failure to load them is handled here and
      // thrown below, after verification's
      const evaluators = compilers();
      evaluators.catch(() => undefined);
      const verified = await verifyBundleBytes(bytes, { ...config, keys: await trusted, now: config.now() });
      // the same file again: nothing to do (an identical replay is harmless)
      if (verified.sha256 === active?.meta.sha256) return undefined;
      const p = verified.payload;
      const seen = { serial: p.serial, sha256: verified.sha256 };
      checkAgainstFloor(seen, floor);
      const kinds = await evaluators;
      // broken policy: a verified bundle whose target does not compile is refused and the old engine kept
      let engine: Engine;
      try {
        // verifyBundleBytes refused a payload without the target (TARGET_MISSING)
        engine = assembleEngine(p.targets[config.target]!, kinds);
      } catch (e) {
        throw formatError(`bundle ${p.name} ${p.version}: target ${config.target} does not compile: ${(e as Error).message}`, e);
      }
      return { ...seen, verified, bytes, engine };
    },
    raise(seen) {
      floor = raiseFloor(floor, seen);
    },
    activate({ verified, engine }) {
      const meta = toMeta(verified, config.target);
      active = {
        meta,
        engine,
        since: config.now(),
      };
      floor = raiseFloor(floor, meta);
      return meta;
    },
    checkNotExpired() {
      // freeze: an origin that keeps answering 304 must not keep an expired bundle looking healthy
      if (active !== undefined) checkNotExpired(active.meta, config.now());
    },
  };
}
