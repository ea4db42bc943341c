/**
 * The loader's options, checked once when the loader is created: bad options throw a
 * `TypeError` (the caller's code is wrong), missing or unreadable pinned keys `BundleKeyError` (KEY_ERROR).
 * Nothing is fetched here.
 */
import { BundleKeyError } from "../bundle/errors.js";
import { KIND_METHODS } from "../engine/assemble.js";
import type { KindName } from "../engine/assemble.js";
import { NAME_PATTERN } from "../bundle/payload.js";
import { distinctKeys, readTrustedKey } from "./keys.js";
import { describeSource, parseSource } from "./source.js";
import type { SourceSpec } from "./source.js";
import type { FetchLike, LoaderOptions } from "./types.js";

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

/** The options, checked and with their defaults filled in. */
export interface Config {
  source: string;
  label: string;
  spec: SourceSpec;
  /** Distinct pinned keys, raw bytes. */
  keys: Uint8Array[];
  threshold: number;
  target: string;
  /** The kinds served besides access, in KIND_METHODS order. */
  kinds: KindName[];
  expectedName: string | undefined;
  cacheDir: string | undefined;
  pollIntervalMs: number;
  timeoutMs: number;
  maxBytes: number;
  fetch: FetchLike | undefined;
  token: string | undefined;
  githubUrl: string;
  githubApiUrl: string;
  now: () => Date;
  random: () => number;
}

function integer(options: LoaderOptions, name: "threshold" | "pollIntervalMs" | "timeoutMs" | "maxBytes", fallback: number, min: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < min) {
    throw new TypeError(`createLoader: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value as number;
}

function checkName(value: unknown, name: string): void {
  if (typeof value !== "string" || !NAME_PATTERN.test(value)) throw new TypeError(`createLoader: ${name} must match ${NAME_PATTERN.source}`);
}

function httpUrl(options: LoaderOptions, name: "githubUrl" | "githubApiUrl", fallback: string): string {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !/^https?:\/\/[^/]/.test(value)) throw new TypeError(`createLoader: ${name} must be an http(s) URL`);
  return value;
}

/** The kinds `kinds` asks for besides access, in KIND_METHODS order (all of them when undefined); a TypeError for anything but a list of policy kinds. */
export function servedKinds(kinds: unknown = Object.keys(KIND_METHODS)): KindName[] {
  const all = Object.keys(KIND_METHODS) as KindName[];
  if (!Array.isArray(kinds) || kinds.some((kind) => kind !== "access" && !all.includes(kind))) {
    throw new TypeError(`createLoader: kinds must list policy kinds among "access", ${all.map((k) => `"${k}"`).join(", ")}`);
  }
  return all.filter((kind) => kinds.includes(kind));
}

export function toConfig(options: LoaderOptions): Config {
  if (typeof options !== "object" || options === null) throw new TypeError("createLoader: options are required");
  const spec = parseSource(options.source);
  const { target, expectedName, token } = options;
  checkName(target, "target");
  if (expectedName !== undefined) checkName(expectedName, "expectedName");
  if (spec.kind === "github" && !expectedName) {
    throw new TypeError("createLoader: a github: source needs expectedName (its asset is <expectedName>.bundle.json)");
  }
  if (token !== undefined && (typeof token !== "string" || token === "" || spec.kind !== "github")) {
    throw new TypeError("createLoader: token must be a non-empty string and is only used with github: sources");
  }
  if (!Array.isArray(options.trustedKeys) || options.trustedKeys.length === 0) {
    throw new BundleKeyError("createLoader: trustedKeys must list a public key: a signature is always required");
  }
  const keys = distinctKeys(options.trustedKeys.map(readTrustedKey));
  const threshold = integer(options, "threshold", 1, 1);
  if (threshold > keys.length) throw new TypeError(`createLoader: threshold ${threshold} is more than the ${keys.length} distinct trusted keys`);
  if (options.cacheDir !== undefined && (typeof options.cacheDir !== "string" || options.cacheDir === "")) {
    throw new TypeError("createLoader: cacheDir must be a directory path");
  }
  const fetch = options.fetch ?? (typeof globalThis.fetch === "function" ? (input: string, init: RequestInit) => globalThis.fetch(input, init) : undefined);
  if (fetch === undefined && spec.kind !== "file") throw new TypeError("createLoader: this runtime has no fetch; pass options.fetch");
  for (const name of ["fetch", "now", "random"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function") throw new TypeError(`createLoader: ${name} must be a function`);
  }
  return {
    source: options.source,
    label: describeSource(options.source),
    spec,
    keys,
    threshold,
    target,
    kinds: servedKinds(options.kinds),
    expectedName,
    cacheDir: options.cacheDir,
    pollIntervalMs: integer(options, "pollIntervalMs", 60_000, 0),
    timeoutMs: integer(options, "timeoutMs", DEFAULT_TIMEOUT_MS, 1),
    maxBytes: integer(options, "maxBytes", DEFAULT_MAX_BYTES, 1),
    fetch,
    token,
    githubUrl: httpUrl(options, "githubUrl", "https://github.com"),
    githubApiUrl: httpUrl(options, "githubApiUrl", "https://api.github.com"),
    now: options.now ?? (() => new Date()),
    random: options.random ?? Math.random,
  };
}
