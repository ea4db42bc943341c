/**
 * The condition contexts of witness requests (SPEC §5): candidate values for every condition
 * key, and the combinations of them tried on each (action, resource) pair.
 *
 * Condition keys get each literal, number boundaries (v-1, v, v+1), date boundaries (±1 s),
 * CIDR edges (network address, last address, one outside), both booleans, a fresh string, list
 * values for set operators, and "missing" (which exercises IfExists and Null). Values are sorted,
 * so the contexts do not depend on which side a literal came from.
 */
import type { EffectiveStatement } from "../policy/effective.js";
import type { ContextScalar } from "../policy/eval/access/index.js";
import { toEpochMillis, toNumber } from "../policy/eval/access/index.js";
import { stableStringify } from "../policy/merge/index.js";
import { parseCidr } from "../policy/match/index.js";
import type { Words } from "../policy/match/index.js";
import { parseConditionOperator } from "../policy/vocabulary.js";
import type { WitnessContext } from "./types.js";
import { compareText, FRESH, instantiatePattern } from "./witness-targets.js";

/** Values in first-added order, without repeats (compared by canonical JSON unless a key is given). */
class OrderedSet<T> {
  private readonly seen = new Set<string>();
  readonly items: T[] = [];
  constructor(private readonly key: (v: T) => string = (v) => stableStringify(v)) {}
  add(v: T): void {
    const k = this.key(v);
    if (!this.seen.has(k)) {
      this.seen.add(k);
      this.items.push(v);
    }
  }
}

function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function formatIpv6(w: Words): string {
  const groups: string[] = [];
  for (const word of w) groups.push(((word >>> 16) & 0xffff).toString(16), (word & 0xffff).toString(16));
  return groups.join(":");
}

/** Adds `delta` (±1) to a 128-bit value; undefined on overflow. */
function addWords(w: Words, delta: 1 | -1): Words | undefined {
  const out = [...w];
  for (let i = 3; i >= 0; i--) {
    const v = out[i]! + delta;
    if (v >= 0 && v <= 0xffffffff) {
      out[i] = v;
      return out as unknown as Words;
    }
    out[i] = delta === 1 ? 0 : 0xffffffff;
  }
  return undefined;
}

/** Network address, last address and the addresses just outside the range. */
function cidrEdges(text: string): string[] {
  const range = parseCidr(text);
  if (!range) return [text];
  const last = range.network.map((n, i) => (n | ~range.mask[i]!) >>> 0) as unknown as Words;
  const below = addWords(range.network, -1);
  const above = addWords(last, 1);
  const fmt = (w: Words) => (range.family === 4 ? formatIpv4(w[3]) : formatIpv6(w));
  const inFamily = (w: Words | undefined): w is Words => w !== undefined && (range.family === 6 || (w[0] === 0 && w[1] === 0 && w[2] === 0xffff));
  return [fmt(range.network), fmt(last), ...[above, below].filter(inFamily).map(fmt)];
}

function dateEdges(v: ContextScalar): ContextScalar[] {
  const ms = toEpochMillis(v);
  if (ms === undefined || !Number.isFinite(ms)) return [v];
  const iso = (t: number) => {
    const d = new Date(t);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  };
  return [iso(ms - 1000), iso(ms), iso(ms + 1000)].filter((x): x is string => x !== undefined);
}

function numberEdges(v: ContextScalar): ContextScalar[] {
  const n = toNumber(v);
  return n === undefined ? [v] : [n - 1, n, n + 1];
}

/** The candidate values of one condition key. */
export interface KeyValues {
  /** The key as first written (lookups are case-insensitive). */
  key: string;
  values: OrderedSet<ContextScalar | ContextScalar[]>;
}

/** Candidate values of every condition key, keyed by the lower-cased key name. */
export function collectConditionValues(statements: EffectiveStatement[]): Map<string, KeyValues> {
  const keys = new Map<string, KeyValues>();
  for (const s of statements) {
    for (const [opName, entries] of Object.entries(s.Condition ?? {})) {
      if (typeof entries !== "object" || entries === null) continue;
      const op = parseConditionOperator(opName);
      for (const [key, raw] of Object.entries(entries)) {
        const id = key.toLowerCase();
        let kv = keys.get(id);
        if (!kv) {
          kv = { key, values: new OrderedSet() };
          keys.set(id, kv);
        }
        const literals: ContextScalar[] = Array.isArray(raw) ? raw : [raw];
        const scalars: ContextScalar[] = [];
        const base = op?.base;
        for (const lit of literals) {
          if (base === undefined || base.startsWith("String")) {
            scalars.push(lit);
            if (typeof lit === "string") {
              if (base === "StringLike" || base === "StringNotLike") scalars.push(...instantiatePattern(lit));
              if (base === "StringEqualsIgnoreCase") scalars.push(lit.toUpperCase());
            }
          } else if (base.startsWith("Numeric")) scalars.push(...numberEdges(lit));
          else if (base.startsWith("Date")) scalars.push(...dateEdges(lit));
          else if (base === "IpAddress" || base === "NotIpAddress") scalars.push(...(typeof lit === "string" ? cidrEdges(lit) : [lit]));
          else if (base === "Bool") scalars.push(true, false);
          else if (base === "Null") scalars.push(FRESH);
        }
        if (base === undefined || base.startsWith("String")) scalars.push(FRESH);
        for (const v of scalars) kv.values.add(v);
        if (op?.set !== undefined) {
          const lits = literals.filter((l) => l !== undefined);
          kv.values.add(lits);
          if (lits[0] !== undefined) kv.values.add([lits[0], FRESH]);
          kv.values.add([]);
        }
      }
    }
  }
  // A canonical order, so the set does not depend on which side a literal came from.
  for (const kv of keys.values()) kv.values.items.sort((a, b) => compareText(stableStringify(a), stableStringify(b)));
  return keys;
}

/** Lower-cased condition keys of a statement. */
export function conditionKeys(s: EffectiveStatement): string[] {
  const out = new Set<string>();
  for (const entries of Object.values(s.Condition ?? {})) {
    if (typeof entries === "object" && entries !== null) for (const k of Object.keys(entries)) out.add(k.toLowerCase());
  }
  return [...out];
}

/** Every combination of the keys' values (missing first), at most `cap`. */
function product(keys: string[], values: Map<string, KeyValues>, cap: number): WitnessContext[] {
  const out: WitnessContext[] = [];
  const lists = keys.map((k) => [undefined, ...(values.get(k)?.values.items ?? [])]);
  const idx = keys.map(() => 0);
  for (;;) {
    const ctx: WitnessContext = {};
    keys.forEach((k, i) => {
      const v = lists[i]![idx[i]!];
      if (v !== undefined) ctx[values.get(k)?.key ?? k] = v;
    });
    out.push(ctx);
    if (out.length >= cap) return out;
    let i = keys.length - 1;
    while (i >= 0) {
      idx[i]!++;
      if (idx[i]! < lists[i]!.length) break;
      idx[i] = 0;
      i--;
    }
    if (i < 0) return out;
  }
}

function productSize(keys: string[], values: Map<string, KeyValues>): number {
  return keys.reduce((n, k) => n * (1 + (values.get(k)?.values.items.length ?? 0)), 1);
}

/**
 * Contexts for a pair whose applicable conditional statements have the key `groups`: the full
 * product when small, otherwise each group's product, each pair of groups', and each key alone.
 */
export function contextsFor(groups: string[][], values: Map<string, KeyValues>, cap: number): WitnessContext[] {
  const all = [...new Set(groups.flat())].sort();
  if (all.length === 0) return [{}];
  if (productSize(all, values) <= cap) return product(all, values, cap);
  const set = new OrderedSet<WitnessContext>();
  set.add({});
  for (const k of all) for (const c of product([k], values, cap)) set.add(c);
  const uniqueGroups = new OrderedSet<string[]>();
  for (const g of groups) uniqueGroups.add([...g].sort());
  const gs = uniqueGroups.items;
  for (const g of gs) for (const c of product(g, values, cap)) set.add(c);
  for (let i = 0; i < gs.length && set.items.length < cap; i++) {
    for (let j = i + 1; j < gs.length && set.items.length < cap; j++) {
      const keys = [...new Set([...gs[i]!, ...gs[j]!])].sort();
      if (productSize(keys, values) <= cap) for (const c of product(keys, values, cap)) set.add(c);
    }
  }
  return set.items.slice(0, cap);
}
