/**
 * Types of the runtime loader. Type-only: erased at build time, so importing it costs
 * the bundle nothing.
 */
import type { BundleError, BundleErrorCode } from "../bundle/errors.js";
import type { PublicKey } from "../bundle/keys.js";
import type { BundlePayload, InstalledPackRef } from "../bundle/payload.js";
import type { Engine } from "../engine/engine.js";
import type { EffectiveTarget } from "../engine/effective.js";

/** The subset of `fetch` the loader uses; inject one for tests or custom transports. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface LoaderOptions {
  /**
   * Where the bundle comes from: an `https://` (or `http://`) URL; a file path (Node only: read
   * through the optional file module); or `github:owner/repo@tag` / `github:owner/repo@latest`,
   * the release asset `<expectedName>.bundle.json`.
   */
  source: string;
  /** Pinned public keys (PEM or base64 text, raw bytes, or key objects). At least one. */
  trustedKeys: ReadonlyArray<PublicKey | string | Uint8Array>;
  /** Distinct trusted keys that must have signed (k-of-n); 1 unless told. */
  threshold?: number;
  /** The target whose policy the engine answers for; the bundle must carry it. */
  target: string;
  /**
   * The policy kinds the engine answers for: access always, and any of "runtime" (`checkTool`,
   * `scan`), "data" (`decideData`), "posture" (`posture`); all of them unless told. The evaluator of
   * each listed kind is imported on demand (its own chunk) and compiled with every bundle; a method
   * of a kind not listed throws a TypeError, and that kind's policy is not compiled (a bundle is
   * then not refused for it). List only what the application asks to load less code.
   */
  kinds?: ReadonlyArray<"access" | "runtime" | "data" | "posture">;
  /** The bundle's `name` (edict.yaml's name). Required for `github:` sources, which name the asset after it. */
  expectedName?: string;
  /** Directory of the last good bundle and the highest serial seen (Node only). */
  cacheDir?: string;
  /** Milliseconds between polls; 60 000 unless told, 0 = no polling. */
  pollIntervalMs?: number;
  /** Milliseconds one retrieval may take, body included; 10 000 unless told. */
  timeoutMs?: number;
  /** Largest accepted bundle in bytes, enforced while streaming; 5 MiB unless told. */
  maxBytes?: number;
  /** `globalThis.fetch` unless told. */
  fetch?: FetchLike;
  /** GitHub token for private repositories (`github:` sources only): the releases API is used. */
  token?: string;
  /** `https://github.com` unless told (tests point it at a loopback server). */
  githubUrl?: string;
  /** `https://api.github.com` unless told. */
  githubApiUrl?: string;
  /** The clock expiry and status times use; the system clock unless told. */
  now?: () => Date;
  /** Random numbers in [0, 1) for poll jitter; `Math.random` unless told. */
  random?: () => number;
}

/** What the active bundle is: its signed metadata (as the payload carries it) plus the keys that signed it. */
export interface BundleMeta extends Pick<BundlePayload, "name" | "version" | "serial" | "revision" | "created_at" | "expires_at" | "digests"> {
  /** `installed_packs` of the payload. */
  packs: InstalledPackRef[];
  /** Trusted keyids whose signatures verified. */
  keyids: string[];
  /** The target the engine answers for. */
  target: string;
  /** Lowercase hex SHA-256 of the bundle file (what the `.sha256` release asset lists). */
  sha256: string;
  /**
   * The target's effective policy as the verified payload holds it (what the engine was compiled
   * from): for `AuditLog` settings, host overlays and reports. Not frozen deeply; do not mutate.
   */
  effective: EffectiveTarget;
}

/** The compiled engine of the active bundle, with its metadata. */
export type LoadedEngine = Engine & { readonly meta: BundleMeta };

export interface LoaderStatus {
  /** The source as configured, without credentials or query string. */
  source: string;
  version: string | null;
  serial: number | null;
  revision: string | null;
  expiresAt: string | null;
  /** ISO time the active bundle was activated. */
  activeSince: string | null;
  /** ISO time of the last successful retrieval (a 304 counts). */
  lastSuccess: string | null;
  lastError?: { code: BundleErrorCode; message: string; at: string };
  /** No bundle, the bundle expires within a third of its lifetime, or refreshing is failing. */
  stale: boolean;
}

export interface LoaderEvents {
  /** A new bundle was verified and activated. */
  update: (meta: BundleMeta) => void;
  /** A retrieval, verification or cache operation failed; the last verified bundle is still served. */
  error: (error: BundleError) => void;
}

export interface Loader {
  /** Retrieves, verifies and activates the bundle (falling back to a re-verified cache), then starts polling. */
  load(): Promise<LoadedEngine>;
  /** One poll; true when a new bundle was activated. Rejects with a `BundleError` when it fails. */
  refresh(): Promise<boolean>;
  status(): LoaderStatus;
  /** Subscribes; returns the unsubscribe function. */
  on<E extends keyof LoaderEvents>(event: E, listener: LoaderEvents[E]): () => void;
  /** Stops polling and aborts a retrieval in flight. Idempotent. */
  close(): void;
  /** The engine of the active bundle, or undefined before the first activation. */
  readonly engine: LoadedEngine | undefined;
}

/** The optional Node-only file module (`file-cache.ts`), as the loader sees it after `import()`. */
export interface FileModule {
  openFileCache(dir: string, key: string, maxBytes: number): BundleCache;
  readFileBounded(path: string, maxBytes: number, signal: AbortSignal): Promise<Uint8Array>;
}

/** The record of the highest serial accepted, and which bundle file had it. */
export interface SerialFloor {
  serial: number;
  /** SHA-256 of the bundle file with that serial, when known. */
  sha256?: string;
}

/** Persistent state: the exact verified bundle bytes and the serial floor. */
export interface BundleCache {
  /** Where the bundle lives, for messages. */
  readonly location: string;
  readBundle(): Promise<Uint8Array | undefined>;
  writeBundle(bytes: Uint8Array): Promise<void>;
  readSerialFloor(): Promise<SerialFloor | undefined>;
  writeSerialFloor(floor: SerialFloor): Promise<void>;
}
