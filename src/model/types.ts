/** TypeScript shapes of edict's documents and configuration, mirroring the JSON Schemas in ./schemas (the `spec` shapes are ../engine/spec.ts). */
import type { AccessSpec, DataSpec, PostureSpec, RuntimeSpec } from "../engine/spec.js";
import type { Layer, PolicyKind } from "../engine/vocabulary.js";

export interface PolicyMetadata {
  id: string;
  priority: number;
  description?: string;
  targets?: string[];
  locked?: string[];
  owners?: string[];
}

export interface SpecByKind {
  AccessPolicy: AccessSpec;
  RuntimePolicy: RuntimeSpec;
  DataPolicy: DataSpec;
  PosturePolicy: PostureSpec;
}

export interface PolicyDocument<K extends PolicyKind = PolicyKind> {
  apiVersion: "edict/v1";
  kind: K;
  metadata: PolicyMetadata;
  spec: SpecByKind[K];
}

export interface TargetOptions {
  default_action?: "allow" | "deny";
  description?: string;
}

export interface EdictConfig {
  name: string;
  version?: string;
  targets: Record<string, TargetOptions>;
  bundle?: { expires?: string; tag_prefix?: string };
  lint?: { rules?: Record<string, "error" | "warning" | "info" | "off">; ignore?: string[] };
  packs?: { source?: string };
}

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

export interface PackState {
  format_version: "v1";
  installed_packs?: Record<string, InstalledPack>;
}
