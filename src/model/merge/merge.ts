/**
 * Schema-driven merge of partial documents. Every field's strategy is read from its
 * schema's `x-merge` annotation; nothing here names a field.
 */
import type { Schema } from "../schemas/builders.js";
import { childSchema } from "../schemas/walk.js";
import type { Provenance } from "../../engine/effective.js";
import type { RankedDocument } from "./precedence.js";
import { samePrecedence } from "./precedence.js";
import { isRecord } from "../../engine/record.js";
import { joinPointer } from "../pointer.js";
import { jsonCopy } from "./json-copy.js";

export type MergeEventKind = "locked" | "tighten-only" | "equal-precedence";

/** Something the merge ignored or had to decide arbitrarily; lint reports these. */
export interface MergeEvent {
  kind: MergeEventKind;
  /** Dotted path inside `spec` ("ResourceLimits.MaxTokens"). */
  path: string;
  /** JSON pointer inside the later document's file ("/spec/ResourceLimits/MaxTokens"). */
  pointer: string;
  /** The document whose value was ignored (or, for equal-precedence, the one that won). */
  document: RankedDocument;
  /** The document that locked the path, set the stricter value, or tied. */
  other: RankedDocument;
  attempted: unknown;
  kept: unknown;
}

export interface MergeResult {
  value: Record<string, unknown>;
  /** Dotted path → the documents that set the effective value (one for overrides). */
  provenance: Record<string, Provenance[]>;
  events: MergeEvent[];
}

export function provenanceOf(doc: RankedDocument): Provenance {
  return { policy: doc.entry.id ?? "", file: doc.entry.file.path };
}

/** Stable JSON text for equality and de-duplication (object keys sorted). */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function sameValue(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

function clone<T>(v: T): T {
  return v === undefined ? v : jsonCopy(v);
}


/** Whether a value has one of the schema's JSON types (invalid values are lint's business: skip them). */
function hasSchemaType(value: unknown, schema: Schema): boolean {
  const t = schema.type;
  if (t === undefined) return true;
  const types = Array.isArray(t) ? (t as string[]) : [t as string];
  return types.some((ty) => {
    switch (ty) {
      case "object":
        return isRecord(value);
      case "array":
        return Array.isArray(value);
      case "integer":
        return Number.isInteger(value);
      case "number":
        return typeof value === "number" && Number.isFinite(value);
      case "string":
        return typeof value === "string";
      case "boolean":
        return typeof value === "boolean";
      default:
        return false;
    }
  });
}

/** List items of the wrong type are lint's business too (invalid-type): the merge leaves them out. */
function validItems(raw: unknown[], schema: Schema): unknown[] {
  const item = schema.items;
  return isRecord(item) ? raw.filter((x) => hasSchemaType(x, item as Schema)) : raw;
}


/** Mappings the merge descends into (closed objects and open maps); everything else is a leaf. */
function isBranch(schema: Schema, value: unknown): boolean {
  return isRecord(value) && (schema.properties !== undefined || isRecord(schema.additionalProperties));
}

/** Picks the stricter of two tighten-only values; `undefined` when `next` is looser. */
function stricter(current: unknown, next: unknown, looser: string | undefined): { value: unknown; loosened: boolean } {
  if (typeof current === "boolean" && typeof next === "boolean") {
    const loose = looser === "true";
    // The loose boolean value is `loose`; the strict one wins.
    if (next === current) return { value: current, loosened: false };
    return next === !loose ? { value: next, loosened: false } : { value: current, loosened: true };
  }
  if (typeof current === "number" && typeof next === "number") {
    if (looser === "decrease") return next >= current ? { value: next, loosened: false } : { value: current, loosened: true };
    return next <= current ? { value: next, loosened: false } : { value: current, loosened: true };
  }
  return { value: next, loosened: false };
}

function lockedBy(locks: Map<string, RankedDocument>, path: string): RankedDocument | undefined {
  let p = path;
  for (;;) {
    const l = locks.get(p);
    if (l) return l;
    const dot = p.lastIndexOf(".");
    if (dot < 0) return undefined;
    p = p.slice(0, dot);
  }
}

/**
 * Merges the `spec`s of documents given in precedence order (lowest first). Appended items
 * (statements) carry the provenance of the document that wrote them.
 */
export function mergeSpecs(docs: readonly RankedDocument[], specSchema: Schema): MergeResult {
  const value: Record<string, unknown> = {};
  const provenance: Record<string, Provenance[]> = {};
  const setBy = new Map<string, RankedDocument>();
  const locks = new Map<string, RankedDocument>();
  const events: MergeEvent[] = [];

  for (const doc of docs) {
    const spec = doc.entry.document.spec;
    if (!isRecord(spec)) continue;
    const src = provenanceOf(doc);

    const visit = (out: Record<string, unknown>, input: Record<string, unknown>, schema: Schema, path: string, pointer: string): void => {
      for (const [key, raw] of Object.entries(input)) {
        const sub = childSchema(schema, key);
        if (!sub || !hasSchemaType(raw, sub)) continue;
        const p = path ? `${path}.${key}` : key;
        const ptr = joinPointer(pointer, key);
        if (isBranch(sub, raw) && (sub["x-merge"] ?? "override") === "override") {
          const child = isRecord(out[key]) ? (out[key] as Record<string, unknown>) : {};
          out[key] = child;
          visit(child, raw as Record<string, unknown>, sub, p, ptr);
          continue;
        }
        const locker = lockedBy(locks, p);
        if (locker && locker !== doc) {
          if (!sameValue(out[key], raw)) events.push({ kind: "locked", path: p, pointer: ptr, document: doc, other: locker, attempted: raw, kept: out[key] });
          continue;
        }
        const strategy = sub["x-merge"] ?? "override";
        switch (strategy) {
          case "append": {
            const items = (raw as unknown[]).filter(isRecord).map((item) => {
              const copied = clone(item);
              copied.source = src;
              return copied;
            });
            // appended in place: copying the list for every document made the merge quadratic
            const list = out[key] as unknown[] | undefined;
            if (list === undefined) out[key] = items;
            else for (const item of items) list.push(item);
            (provenance[p] ??= []).push(src);
            break;
          }
          case "union": {
            const existing = (out[key] as unknown[] | undefined) ?? [];
            const seen = new Set(existing.map(stableStringify));
            const merged = [...existing];
            for (const item of validItems(raw as unknown[], sub)) {
              const k = stableStringify(item);
              if (!seen.has(k)) {
                seen.add(k);
                merged.push(clone(item));
              }
            }
            out[key] = merged;
            (provenance[p] ??= []).push(src);
            break;
          }
          case "all-of":
            out[key] = [...((out[key] as unknown[][] | undefined) ?? []), clone(validItems(raw as unknown[], sub))];
            (provenance[p] ??= []).push(src);
            break;
          case "tighten-only": {
            if (out[key] === undefined) {
              out[key] = clone(raw);
              provenance[p] = [src];
              setBy.set(p, doc);
              break;
            }
            const r = stricter(out[key], raw, sub["x-looser"]);
            if (r.loosened) {
              events.push({ kind: "tighten-only", path: p, pointer: ptr, document: doc, other: setBy.get(p) ?? doc, attempted: raw, kept: out[key] });
            } else if (!sameValue(r.value, out[key])) {
              out[key] = r.value;
              provenance[p] = [src];
              setBy.set(p, doc);
            }
            break;
          }
          default: {
            const prev = setBy.get(p);
            if (prev && prev !== doc && samePrecedence(prev, doc) && !sameValue(out[key], raw)) {
              events.push({ kind: "equal-precedence", path: p, pointer: ptr, document: doc, other: prev, attempted: raw, kept: out[key] });
            }
            out[key] = clone(raw);
            provenance[p] = [src];
            setBy.set(p, doc);
          }
        }
      }
    };
    visit(value, spec, specSchema, "", "/spec");

    // Locks take effect for the documents after this one.
    for (const l of doc.entry.document.metadata?.locked ?? []) if (!locks.has(l)) locks.set(l, doc);
  }
  return { value, provenance, events };
}
