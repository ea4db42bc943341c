/**
 * Shapes of the effective policy: what the merge produces per target and what the
 * evaluators, the diff, the bundle and the loader consume. Field names stay the formats' own.
 *
 * "all-of" lists are kept as a list of lists (one list per document that set it): a value
 * passes only when every inner list allows it.
 */
import type { AccessSpec, ConditionBlock, DataSpec, PostureSpec, RuntimeSpec } from "./spec.js";

/** Which document set a value. */
export interface Provenance {
  policy: string;
  file: string;
}

export interface EffectiveStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Condition?: ConditionBlock;
  source: Provenance;
}

type AllOf<T, K extends keyof T> = Omit<T, K> & { [P in K]?: string[][] };

export interface EffectiveAccess
  extends Omit<AccessSpec, "Version" | "Statement" | "Models" | "Capabilities"> {
  /** Every statement of every document, with `Models`/`Capabilities` desugared into statements. */
  Statement: EffectiveStatement[];
  Models?: AllOf<NonNullable<AccessSpec["Models"]>, "AllowedProviders" | "AllowedModels">;
  Capabilities?: AllOf<NonNullable<AccessSpec["Capabilities"]>, "AllowedTools">;
}

export interface EffectiveRuntime extends Omit<RuntimeSpec, "tools" | "security"> {
  tools?: { allowlist?: string[][]; deny_if_unpinned_version?: boolean };
  security?: Omit<NonNullable<RuntimeSpec["security"]>, "egress_allowlist" | "fs_allowlist"> & {
    egress_allowlist?: string[][];
    fs_allowlist?: string[][];
  };
}

export interface EffectiveDataRule {
  /** Policy id of the DataPolicy document. */
  id: string;
  /** Position in precedence order: higher wins ties among rules of the same strength. */
  precedence: number;
  source: Provenance;
  spec: DataSpec;
}

export interface EffectiveData {
  rules: EffectiveDataRule[];
  /** The target's default_action from edict.yaml (default deny). */
  default_action: "allow" | "deny";
}

export interface EffectivePosture
  extends Omit<PostureSpec, "cloud" | "kubernetes"> {
  cloud?: AllOf<NonNullable<PostureSpec["cloud"]>, "allowed_accounts" | "allowed_regions">;
  kubernetes?: AllOf<NonNullable<PostureSpec["kubernetes"]>, "allowed_namespaces">;
}

/**
 * A path the bundle's own documents locked (`metadata.locked`): later documents could not change
 * it, and host overlays may not touch it either. Decisions never read it.
 */
export interface EffectiveLock {
  kind: "access" | "runtime" | "posture";
  /** Dotted spec path, as `metadata.locked` names it. */
  path: string;
  /** Policy id of the document that locked it. */
  policy: string;
  /** That document's file. */
  file: string;
}

/** The effective policy of one target: what a bundle carries and the loader evaluates. */
export interface EffectiveTarget {
  access: EffectiveAccess;
  runtime: EffectiveRuntime;
  data: EffectiveData;
  posture: EffectivePosture;
  /** The locked paths, sorted by kind and path; absent when no document locks anything. */
  locks?: EffectiveLock[];
}
