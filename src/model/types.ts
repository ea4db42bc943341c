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
  packs?: { source?: string };
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

export interface InstalledPack {
  name: string;
  version: string;
  layer: Layer;
  installed_at?: string;
  pack_checksum?: string;
  files: InstalledPackFile[];
}

/** .edict/packs.yaml. */
export interface PackState {
  /** Always "v1" in a state edict writes; absent when a file read names another. */
  format_version?: "v1";
  installed_packs?: Record<string, InstalledPack>;
}
