/**
 * TypeScript shapes of edict's documents and configuration, as the validators in ./documents
 * read them: true to their types, so a field the file gets wrong is absent rather than mistyped.
 * What is valid is the business of the JSON Schemas in ./schemas; the `spec` shapes of valid
 * documents are ../engine/spec.ts.
 */
import type { AccessSpec, DataSpec, PostureSpec, RuntimeSpec } from "../engine/spec.js";
import type { API_VERSION, Layer, PolicyKind } from "../engine/vocabulary.js";

/**
 * `metadata` of a policy document. The schema requires `id` and `priority`; they are absent here
 * when the file lacks them or gives another type (lint reports it), like every other field.
 */
export interface PolicyMetadata {
  id?: string;
  priority?: number;
  description?: string;
  /** The targets the document applies to; absent: all of edict.yaml's. */
  targets?: string[];
  locked?: string[];
  owners?: string[];
}

/** The `spec` of a valid document of each kind. */
export interface SpecByKind {
  AccessPolicy: AccessSpec;
  RuntimePolicy: RuntimeSpec;
  DataPolicy: DataSpec;
  PosturePolicy: PostureSpec;
}

/** A policy document whose kind edict knows, with its header (apiVersion, kind, metadata) typed. */
export interface PolicyDocument<K extends PolicyKind = PolicyKind> {
  /** Absent when the file names another apiVersion or none. */
  apiVersion?: typeof API_VERSION;
  kind: K;
  /** Absent when the file has none or it is not a mapping. */
  metadata?: PolicyMetadata;
  /**
   * The spec as written, untyped: lint validates its fields and the merge reads them
   * defensively (a valid one is a `SpecByKind[K]`).
   */
  spec?: unknown;
}

export interface TargetOptions {
  default_action?: "allow" | "deny";
  description?: string;
}

/**
 * edict.yaml. The schema requires `name` and `targets`; they are absent here when the file lacks
 * them or gives another type (lint reports it), so each caller decides what their absence means.
 */
export interface EdictConfig {
  name?: string;
  version?: string;
  /** Every target the file names; one whose options are not a mapping has no options. */
  targets?: Record<string, TargetOptions>;
  bundle?: { expires?: string; tag_prefix?: string };
  lint?: { rules?: Record<string, "error" | "warning" | "info" | "off">; ignore?: string[] };
  packs?: { source?: string; sources?: PackSourceConfig[] };
}

/** `__pack_meta` of a shipped pack's metadata.yaml. */
export interface PackMeta {
  name: string;
  version: string;
  layer: Layer;
  description?: string;
  dependencies?: string[];
  priority_band?: { min: number; max: number };
}

export interface InstalledPackFile {
  path: string;
  policy_id?: string;
  sha256?: string;
}

/**
 * One entry of edict.yaml's `packs.sources`, searched in order after the repository's own pack
 * folder and before the built-in library. Exactly one of `url` (an index written by `edict pack
 * publish`, over http(s):// or file://, or a local path) and `git` (a repository with packs under
 * packs/<name>/).
 */
export interface PackSourceConfig {
  name: string;
  url?: string;
  /** Public key files (relative to the repository root); every pack from a url source must be signed by one. */
  keys?: string[];
  /** Environment variable holding a bearer token for a private url host; never written anywhere. */
  token_env?: string;
  git?: string;
  /** Branch or tag of a git source; default: the remote's default branch. */
  ref?: string;
}

export interface InstalledPack {
  name: string;
  version: string;
  layer: Layer;
  installed_at?: string;
  pack_checksum?: string;
  /**
   * The source the pack was installed from: "repository" (the repository's own pack folder), a
   * `packs.sources[].name`, or "builtin". Absent in states written before sources existed
   * (read as "repository").
   */
  source?: string;
  /**
   * What pins the exact content, so `edict pack install` with no argument reinstalls the same
   * bytes: `<envelope url>#sha256:<hex>` for a url source, `git+<url>@<commit>#packs/<name>` for
   * a git source, `<pack_checksum>` for the repository's folder and the built-in library.
   */
  resolved?: string;
  /** The version range asked for at install (`starter@^1.0.0` → `^1.0.0`); upgrades stay within it. */
  range?: string;
  files: InstalledPackFile[];
}

/** .edict/packs.yaml. */
export interface PackState {
  /** Always "v1" in a state edict writes; absent when a file read names another. */
  format_version?: "v1";
  installed_packs?: Record<string, InstalledPack>;
}
