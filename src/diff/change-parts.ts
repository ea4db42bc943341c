/**
 * What a change changed, for people: the parts of its value that differ, each in full. A list
 * names the items added and removed (the unchanged ones are left out); a scalar is old → new;
 * an object is walked key by key, so a changed statement shows `Condition.IpAddress.source.ip:
 * added 192.168.0.0/16` rather than both whole statements cut to fit a line. Pure.
 */
import { stableStringify } from "../model/merge/index.js";
import type { Change } from "./types.js";

/** Where inside the change's value a part is ("" for the value itself): `Condition.IpAddress.source.ip`, `[1]`. */
export type PartPath = string;

export type ChangePart =
  /** A value replaced (or set, or unset: `undefined` on the side where it is absent). */
  | { at: PartPath; kind: "value"; before: unknown; after: unknown }
  /** List items added and removed, as many times as each was. */
  | { at: PartPath; kind: "items"; added: unknown[]; removed: unknown[] }
  /** The same items in another order. */
  | { at: PartPath; kind: "reordered"; before: unknown[]; after: unknown[] };

type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain => v !== null && typeof v === "object" && !Array.isArray(v);
const isContainer = (v: unknown): boolean => v !== null && typeof v === "object";
const key = (v: unknown): string => stableStringify(v);

function join(at: PartPath, next: string): PartPath {
  if (next.startsWith("[")) return `${at}${next}`;
  return at === "" ? next : `${at}.${next}`;
}

/** Items of `a` not matched by an equal item of `b`, each match used once. */
function unmatched(a: readonly unknown[], b: readonly unknown[]): unknown[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(key(x), (left.get(key(x)) ?? 0) + 1);
  const out: unknown[] = [];
  for (const x of a) {
    const n = left.get(key(x)) ?? 0;
    if (n > 0) left.set(key(x), n - 1);
    else out.push(x);
  }
  return out;
}

function listParts(at: PartPath, before: readonly unknown[], after: readonly unknown[]): ChangePart[] {
  const removed = unmatched(before, after);
  const added = unmatched(after, before);
  if (removed.length === 0 && added.length === 0) return [{ at, kind: "reordered", before: [...before], after: [...after] }];
  // lists of lists or objects (an allowlist per document, data rule fields): as many replaced as
  // added and removed, walked pairwise, so the difference inside each is what is shown
  if (removed.length === added.length && [...removed, ...added].every(isContainer)) {
    const label = before.length === 1 && after.length === 1;
    return removed.flatMap((r, i) => partsAt(label ? at : join(at, `[${after.findIndex((x) => x === added[i])}]`), r, added[i]));
  }
  return [{ at, kind: "items", added, removed }];
}

function partsAt(at: PartPath, before: unknown, after: unknown): ChangePart[] {
  if (key(before) === key(after) && (before === undefined) === (after === undefined)) return [];
  if (isPlain(before) && isPlain(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => partsAt(join(at, k), before[k], after[k]));
  }
  // a list on either side: a scalar (IAM's one-value form) or nothing counts as a list of it
  if (Array.isArray(before) || Array.isArray(after)) {
    const asList = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : v === undefined ? [] : isPlain(v) ? undefined : [v]);
    const a = asList(before);
    const b = asList(after);
    if (a !== undefined && b !== undefined) return listParts(at, a, b);
  }
  return [{ at, kind: "value", before, after }];
}

/**
 * The parts of a change to show. A statement or rule added or removed is one part, the whole
 * of it; a changed one is walked key by key; a field is walked the same way.
 *
 * @example
 * changeParts(change); // [{ at: "Condition.IpAddress.source.ip", kind: "items", added: ["192.168.0.0/16"], removed: [] }]
 */
export function changeParts(c: Change): ChangePart[] {
  if (c.subject !== "field" && (c.change === "added" || c.change === "removed")) return [{ at: "", kind: "value", before: c.before, after: c.after }];
  if (c.before === undefined && c.after === undefined) return [];
  return partsAt("", c.before, c.after);
}
