/**
 * Applies overlay documents on top of a target's effective policy, value by value, refusing
 * every value that is not at least as strict as what it replaces. The direction of each field is
 * its schema's `x-looser` annotation and the verdict the semantic diff's `leafVerdict`, so the
 * overlay and `edict diff` agree on what "tighter" means; nothing here names a policy field
 * except the statement list and the workspace controls, which the merge desugars too.
 *
 * - AccessPolicy statements: appended, and only Deny ones (an Allow is refused).
 * - all-of allowlists (`x-merge: all-of`): appended as one more list every value must pass; each
 *   entry must already be allowed by the lists in force (a wider entry is refused).
 * - Other fields: the value must be as strict or stricter (`leafVerdict` tightened or neutral);
 *   fields that cannot be ordered (`x-looser: review`, none) are refused.
 * - DataPolicy documents: added as rules whose action is `deny`, nothing else.
 * - The bundle's locks (`locks` of the target, from its documents' `metadata.locked`) hold for
 *   every overlay, and `metadata.locked` of an overlay locks its paths for the overlays after it.
 *   A value at or under a locked path is refused, even a stricter one: a lock fixes a value.
 */
import type { EffectiveStatement, EffectiveTarget, Provenance } from "../../engine/effective.js";
import { isRecord } from "../../engine/record.js";
import type { DataSpec } from "../../engine/spec.js";
import type { PolicyKind } from "../../engine/vocabulary.js";
import { leafVerdict } from "../../diff/fields.js";
import { desugarToolApproval, desugarWorkspaceControls } from "../../model/merge/desugar.js";
import type { KindKey } from "../../model/merge/index.js";
import { KIND_KEYS, stableStringify } from "../../model/merge/index.js";
import { joinPointer } from "../../model/pointer.js";
import type { LooserDirection, Schema } from "../../model/schemas/builders.js";
import { SPEC_SCHEMAS } from "../../model/schemas/policy.js";
import { childSchema } from "../../model/schemas/walk.js";
import { overlayError } from "./position.js";
import type { OverlayFile } from "./types.js";

/** Per kind: dotted spec path → the overlays that set it (the diff's `source.after`). */
export type OverlayProvenance = Record<KindKey, Record<string, Provenance[]>>;

export interface Tightened {
  target: EffectiveTarget;
  provenance: OverlayProvenance;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function isBranch(schema: Schema, value: unknown): boolean {
  return isRecord(value) && (schema["x-merge"] ?? "override") === "override" && (isRecord(schema.properties) || isRecord(schema.additionalProperties));
}

function toList(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;
}

/** Whether a document names targets and `target` is not one of them. */
function skipsTarget(file: OverlayFile, target: string | undefined): boolean {
  const targets = file.document.metadata?.targets;
  return target !== undefined && targets !== undefined && !targets.includes(target);
}

interface Lock {
  /** Who locked the path, for messages: "policy P of the bundle" or "overlay P (file)". */
  by: string;
}

/** The bundle's locks, keyed `kind:path`; malformed entries (the payload is not schema-checked here) are skipped. */
function bundleLocks(base: EffectiveTarget): Map<string, Lock> {
  const locks = new Map<string, Lock>();
  for (const lock of Array.isArray(base.locks) ? base.locks : []) {
    if (!isRecord(lock) || typeof lock.kind !== "string" || typeof lock.path !== "string") continue;
    const key = `${lock.kind}:${lock.path}`;
    const file = typeof lock.file === "string" && lock.file !== "" ? ` (${lock.file})` : "";
    if (!locks.has(key)) locks.set(key, { by: `policy ${typeof lock.policy === "string" ? lock.policy : "?"}${file} of the bundle` });
  }
  return locks;
}

function lockedBy(locks: Map<string, Lock>, kind: KindKey, path: string): Lock | undefined {
  let p = path;
  for (;;) {
    const l = locks.get(`${kind}:${p}`);
    if (l) return l;
    const dot = p.lastIndexOf(".");
    if (dot < 0) return undefined;
    p = p.slice(0, dot);
  }
}

function describeValue(v: unknown): string {
  return v === undefined ? "(not set)" : JSON.stringify(v);
}

/**
 * The bundle's target with the overlays applied, or throws EdictError CONFIG_ERROR at the first
 * value that would loosen it, touch a path an earlier overlay locked, or cannot be ordered.
 * `targetName`: documents whose `metadata.targets` leave it out are skipped.
 */
export function tightenTarget(base: EffectiveTarget, files: readonly OverlayFile[], targetName?: string): Tightened {
  const target = clone(base);
  const provenance: OverlayProvenance = { access: {}, runtime: {}, data: {}, posture: {} };
  const locks = bundleLocks(base);

  for (const file of files) {
    if (skipsTarget(file, targetName)) continue;
    const { document, source } = file;
    const kind = KIND_KEYS[document.kind as PolicyKind];
    const src: Provenance = { policy: document.metadata?.id ?? "", file: file.path };
    const spec = isRecord(document.spec) ? document.spec : {};
    const refuse = (pointer: string, message: string, atKey = false) => overlayError(source, pointer, `overlay refused: ${message}`, atKey);

    if (kind === "data") {
      applyDataRule(target, file, spec, src, refuse);
      provenance.data[src.policy] = [src];
    } else {
      const root = target[kind] as unknown as Record<string, unknown>;
      const walk = (out: Record<string, unknown>, input: Record<string, unknown>, schema: Schema, segs: string[], pointer: string, inherited: LooserDirection | undefined): void => {
        for (const [key, raw] of Object.entries(input)) {
          const sub = childSchema(schema, key);
          if (!sub) continue;
          const path = [...segs, key].join(".");
          const ptr = joinPointer(pointer, key);
          const looser = sub["x-looser"] ?? inherited;
          if (isBranch(sub, raw)) {
            const child = isRecord(out[key]) ? (out[key] as Record<string, unknown>) : {};
            walk(child, raw as Record<string, unknown>, sub, [...segs, key], ptr, looser);
            if (Object.keys(child).length > 0) out[key] = child;
            continue;
          }
          // the top-level neutral fields (Version, Description) say nothing about decisions
          if (looser === "neutral" && segs.length === 0) continue;
          const locker = lockedBy(locks, kind, path);
          if (locker) throw refuse(ptr, `${kind} ${path} is locked by ${locker.by}; edict has no way to bypass a lock`);
          const strategy = sub["x-merge"] ?? "override";
          if (strategy === "append") {
            appendStatements(target, raw, src, ptr, refuse);
            (provenance[kind][path] ??= []).push(src);
            continue;
          }
          const current = out[key];
          let next: unknown;
          if (strategy === "all-of") {
            const entries = Array.isArray(raw) ? raw : [];
            entries.forEach((entry, i) => {
              // an entry the lists in force do not already allow would widen them if it stood alone
              const alone = leafVerdict(looser, sub, current, [[entry]]);
              if (alone.verdict !== "tightened" && alone.verdict !== "neutral") throw refuse(joinPointer(ptr, i), `${kind} ${path}: ${describeValue(entry)} is not allowed by the bundle's list, so it cannot be added (an overlay may only narrow an allowlist)`);
            });
            next = [...((current as unknown[][] | undefined) ?? []), clone(entries)];
          } else if (strategy === "union") {
            const merged = [...((current as unknown[] | undefined) ?? [])];
            const seen = new Set(merged.map(stableStringify));
            for (const item of Array.isArray(raw) ? raw : []) if (!seen.has(stableStringify(item))) merged.push(clone(item)), seen.add(stableStringify(item));
            next = merged;
          } else {
            next = clone(raw);
          }
          const verdict = leafVerdict(looser, sub, current, next);
          if (verdict.verdict === "loosened" || verdict.verdict === "mixed") {
            throw refuse(ptr, `${kind} ${path}: ${describeValue(raw)} is looser than the bundle's ${describeValue(current)}${verdict.note ? ` (${verdict.note})` : ""}; an overlay may only tighten`);
          }
          if (verdict.verdict === "review" || verdict.review) {
            throw refuse(ptr, `${kind} ${path}: an overlay may not change this field (it cannot be ordered from looser to stricter${verdict.note ? `: ${verdict.note}` : ""})`);
          }
          if (stableStringify(current) !== stableStringify(next)) {
            out[key] = next;
            (provenance[kind][path] ??= []).push(src);
          }
        }
      };
      walk(root, spec, SPEC_SCHEMAS[document.kind as PolicyKind], [], "/spec", undefined);
      if (kind === "access") desugarOverlayControls(target, spec, src);
    }

    for (const path of document.metadata?.locked ?? []) if (!locks.has(`${kind}:${path}`)) locks.set(`${kind}:${path}`, { by: `overlay ${document.metadata?.id ?? ""} (${file.path})` });
  }
  return { target, provenance };
}

type Refuse = (pointer: string, message: string, atKey?: boolean) => Error;

/** Deny statements join the target's statements; an Allow (or anything else) is refused. */
function appendStatements(target: EffectiveTarget, raw: unknown, src: Provenance, pointer: string, refuse: Refuse): void {
  const items = Array.isArray(raw) ? raw : [];
  items.forEach((item, i) => {
    const ptr = joinPointer(pointer, i);
    if (!isRecord(item) || item.Effect !== "Deny") {
      throw refuse(joinPointer(ptr, "Effect"), `an overlay may only add Deny statements; ${isRecord(item) ? `Effect ${describeValue(item.Effect)}` : "this item"} would allow more than the bundle`);
    }
    const st: EffectiveStatement = { Effect: "Deny", source: src };
    if (typeof item.Sid === "string") st.Sid = item.Sid;
    for (const k of ["Action", "NotAction", "Resource", "NotResource"] as const) {
      const list = toList(item[k]);
      if (list) st[k] = list;
    }
    if (isRecord(item.Condition)) st.Condition = clone(item.Condition) as EffectiveStatement["Condition"];
    target.access.Statement.push(st);
  });
}

/**
 * The statements the overlay's own Models/Capabilities lists stand for: only their Deny
 * statements (the Allow the merge adds for a repository's allowlist would grant, so an overlay
 * never gets one), and `RequireToolApproval` as an approval pattern.
 */
function desugarOverlayControls(target: EffectiveTarget, spec: Record<string, unknown>, src: Provenance): void {
  const own: Record<string, unknown> = { Statement: [] };
  const prov: Record<string, Provenance[]> = {};
  for (const group of ["Models", "Capabilities"] as const) {
    const g = spec[group];
    if (!isRecord(g)) continue;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(g)) {
      if (!Array.isArray(value)) continue;
      const groupSchema = childSchema(SPEC_SCHEMAS.AccessPolicy, group);
      const allOf = groupSchema !== undefined && childSchema(groupSchema, key)?.["x-merge"] === "all-of";
      out[key] = allOf ? [value] : value;
      prov[`${group}.${key}`] = [src];
    }
    own[group] = out;
  }
  const denies = desugarWorkspaceControls(own as never, prov).filter((s) => s.Effect === "Deny");
  target.access.Statement.push(...denies);
  const approval = desugarToolApproval(target.access);
  if (approval !== undefined) target.access.RequireApproval = approval;
}

/** A DataPolicy overlay: one more rule, which may only deny. */
function applyDataRule(target: EffectiveTarget, file: OverlayFile, spec: Record<string, unknown>, src: Provenance, refuse: Refuse): void {
  const action = isRecord(spec.action) ? spec.action : {};
  for (const [key, value] of Object.entries(action)) {
    if (key === "reason") continue;
    if (key !== "deny" || value !== true) throw refuse(joinPointer("/spec/action", key), `a DataPolicy overlay may only deny (action.deny: true); action.${key} ${describeValue(value)} is refused`, key !== "deny");
  }
  if (action.deny !== true) throw refuse("/spec/action", "a DataPolicy overlay must deny (action.deny: true)", true);
  const precedence = Math.max(-1, ...target.data.rules.map((r) => r.precedence)) + 1;
  target.data.rules.push({ id: file.document.metadata?.id ?? "", precedence, source: src, spec: clone(spec) as unknown as DataSpec });
}
