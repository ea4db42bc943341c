/** Builds the effective policy of each target from a repository. Pure. */
import type { EffectiveAccess, EffectiveData, EffectiveDataRule, EffectiveLock, EffectivePosture, EffectiveRuntime, EffectiveStatement, EffectiveTarget, Provenance } from "../../engine/effective.js";
import type { Repository } from "../repository.js";
import { SPEC_SCHEMAS } from "../schemas/policy.js";
import type { DataSpec } from "../../engine/spec.js";
import type { PolicyKind } from "../../engine/vocabulary.js";
import { desugarToolApproval, desugarWorkspaceControls } from "./desugar.js";
import { mergeSpecs, provenanceOf } from "./merge.js";
import type { MergeEvent } from "./merge.js";
import { appliesTo, rankDocuments } from "./precedence.js";
import type { RankedDocument } from "./precedence.js";

export type KindKey = "access" | "runtime" | "data" | "posture";

export const KIND_KEYS: Record<PolicyKind, KindKey> = {
  AccessPolicy: "access",
  RuntimePolicy: "runtime",
  DataPolicy: "data",
  PosturePolicy: "posture",
};

export interface TargetMerge {
  target: string;
  effective: EffectiveTarget;
  /** Per kind: dotted spec path → documents that set it. */
  provenance: Record<KindKey, Record<string, Provenance[]>>;
  events: Array<MergeEvent & { policyKind: PolicyKind }>;
  /** The documents that applied, in precedence order. */
  documents: RankedDocument[];
}

function toList(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return undefined;
}

/** Statement with Action/Resource normalised to lists, keeping its provenance. */
function normaliseStatement(raw: Record<string, unknown>): EffectiveStatement | undefined {
  if (raw.Effect !== "Allow" && raw.Effect !== "Deny") return undefined;
  const st: Partial<EffectiveStatement> = {};
  if (typeof raw.Sid === "string") st.Sid = raw.Sid;
  st.Effect = raw.Effect;
  for (const k of ["Action", "NotAction", "Resource", "NotResource"] as const) {
    const list = toList(raw[k]);
    if (list) st[k] = list;
  }
  if (raw.Condition && typeof raw.Condition === "object") st.Condition = raw.Condition as EffectiveStatement["Condition"];
  st.source = raw.source as Provenance;
  return st as EffectiveStatement;
}

function buildAccess(docs: RankedDocument[]): { access: EffectiveAccess; provenance: Record<string, Provenance[]>; events: MergeEvent[] } {
  const merged = mergeSpecs(docs, SPEC_SCHEMAS.AccessPolicy);
  const { Version: _v, Statement, ...rest } = merged.value as Record<string, unknown>;
  const statements = ((Statement as Array<Record<string, unknown>> | undefined) ?? []).map(normaliseStatement).filter((s): s is EffectiveStatement => s !== undefined);
  const access = { ...rest, Statement: statements } as EffectiveAccess;
  access.Statement = [...statements, ...desugarWorkspaceControls(access, merged.provenance)];
  const approval = desugarToolApproval(access);
  if (approval !== undefined) access.RequireApproval = approval;
  return { access, provenance: merged.provenance, events: merged.events };
}

function buildData(docs: RankedDocument[], defaultAction: "allow" | "deny"): EffectiveData {
  const rules: EffectiveDataRule[] = docs.map((doc, i) => ({
    id: doc.entry.id ?? "",
    precedence: i,
    source: provenanceOf(doc),
    spec: doc.entry.document.spec as DataSpec,
  }));
  return { rules, default_action: defaultAction };
}

/**
 * The paths the documents lock, the first locker of each path winning as in the merge, sorted
 * by kind and path. DataPolicy documents have no mergeable fields, so their locks mean nothing.
 */
function locksOf(docs: RankedDocument[]): EffectiveLock[] {
  const seen = new Map<string, EffectiveLock>();
  for (const doc of docs) {
    const kind = KIND_KEYS[doc.entry.kind as PolicyKind];
    if (kind === undefined || kind === "data") continue;
    for (const path of doc.entry.document.metadata?.locked ?? []) {
      if (typeof path !== "string") continue;
      const key = `${kind}\u0000${path}`;
      if (!seen.has(key)) seen.set(key, { kind, path, policy: doc.entry.id ?? "", file: doc.entry.file.path });
    }
  }
  return [...seen.values()].sort((a, b) => (a.kind === b.kind ? (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) : a.kind < b.kind ? -1 : 1));
}

/** The target names of edict.yaml, in file order. */
export function targetNames(repo: Repository): string[] {
  return Object.keys(repo.config?.value.targets ?? {});
}

/** Merges every kind for one target. */
export function buildTarget(repo: Repository, target: string, ranked: RankedDocument[] = rankDocuments(repo)): TargetMerge {
  const applicable = ranked.filter((d) => appliesTo(d.entry, target));
  const byKind = (kind: PolicyKind) => applicable.filter((d) => d.entry.kind === kind);
  const events: TargetMerge["events"] = [];

  const access = buildAccess(byKind("AccessPolicy"));
  events.push(...access.events.map((e) => ({ ...e, policyKind: "AccessPolicy" as const })));
  const runtime = mergeSpecs(byKind("RuntimePolicy"), SPEC_SCHEMAS.RuntimePolicy);
  events.push(...runtime.events.map((e) => ({ ...e, policyKind: "RuntimePolicy" as const })));
  const posture = mergeSpecs(byKind("PosturePolicy"), SPEC_SCHEMAS.PosturePolicy);
  events.push(...posture.events.map((e) => ({ ...e, policyKind: "PosturePolicy" as const })));
  const options = repo.config?.value.targets?.[target];
  const defaultAction = options?.default_action ?? "deny";
  const dataDocs = byKind("DataPolicy");
  const effective: EffectiveTarget = {
    access: access.access,
    runtime: runtime.value as EffectiveRuntime,
    data: buildData(dataDocs, defaultAction),
    posture: posture.value as EffectivePosture,
  };
  const locks = locksOf(applicable);
  if (locks.length > 0) effective.locks = locks;

  return {
    target,
    effective,
    provenance: {
      access: access.provenance,
      runtime: runtime.provenance,
      posture: posture.provenance,
      data: Object.fromEntries(dataDocs.map((d) => [d.entry.id ?? "", [provenanceOf(d)]])),
    },
    events,
    documents: applicable,
  };
}

/** Merges every target of edict.yaml. */
export function buildAllTargets(repo: Repository): TargetMerge[] {
  const ranked = rankDocuments(repo);
  return targetNames(repo).map((t) => buildTarget(repo, t, ranked));
}
