/**
 * The request space of a DataPolicy comparison: the distinct rule predicates of both
 * sides, which of them belong to changed rules, and the shape every dimension (dataset, fields,
 * requester attributes, region, environment, time) takes once cut into cells. Pure.
 *
 * A predicate is a rule's `match` and `context` (what decides whether it matches); rules with
 * the same predicate share one bit, so a request's position in the space is one bitmask: the
 * predicates that hold for it. Each side's action is then the strongest action among its rules
 * whose predicate holds, or the side's default.
 */
import type { EffectiveData, EffectiveDataRule } from "../engine/effective.js";
import { stableStringify } from "../model/merge/index.js";
import type { DataSpec } from "../engine/spec.js";
import type { DataAction } from "../engine/vocabulary.js";

/** Weakest first, as the reference evaluator reads a rule's action. */
export const STRENGTH_ORDER: readonly DataAction[] = ["allow", "mask", "require_approval", "deny"];

export type Side = "base" | "head";

/** What decides whether a rule matches. */
export interface Predicate {
  match?: DataSpec["match"];
  context?: DataSpec["context"];
}

export interface RuleSpace {
  /** Distinct predicates of both sides, sorted by their canonical text (so the order does not depend on the side). */
  predicates: Predicate[];
  /** Per side, per predicate: the strength of the strongest rule using it (index in STRENGTH_ORDER), -1 for none. */
  strength: Record<Side, number[]>;
  defaults: Record<Side, DataAction>;
  /** Predicates used by a changed rule (on either side). */
  changed: bigint;
  /** Every predicate. */
  all: bigint;
  defaultChanged: boolean;
}

/** Ids of the rules whose spec differs, that exist on one side only, or whose precedence order moved. */
export interface RuleChanges {
  changed: Set<string>;
  /** Common rules with equal specs whose rank among the common rules differs. */
  reordered: Set<string>;
}

/** A partial assignment of a dimension's atoms: true, false, or undefined (free). */
export type Assignment = readonly (boolean | undefined)[];

export type DimensionKey = "dataset" | "role" | "clearance" | "region" | "dataset_region" | "environment" | "time" | "fields";

/** A set of values of one dimension that every predicate treats alike. */
export interface DimCell<V> {
  /** Bit i set: predicate i's constraint on this dimension holds for the cell's values. */
  vec: bigint;
  /** The readable value a witness request uses. */
  value: V;
  /** The cell's atoms, all fixed: the words that describe it. */
  atoms: readonly boolean[];
}

export interface Dimension<V = unknown> {
  key: DimensionKey;
  cells: DimCell<V>[];
  /** False when a budget cut the enumeration: there may be more cells. */
  complete: boolean;
  reasons: string[];
  /** The vectors of every value that satisfies `kept`, or undefined when they are not known. */
  vectorsUnder(kept: Assignment): bigint[] | undefined;
  /** Words for the values that satisfy `kept` (at least one atom fixed). */
  phrase(kept: Assignment): string;
  /** The atoms of any value of the dimension (what places it in a cell). */
  atomsOf(value: V): boolean[];
}

/** The action a rule yields as the reference evaluator reads it (-1: none set). */
export function strengthOf(rule: EffectiveDataRule): number {
  const action = rule.spec.action as Record<string, unknown> | undefined;
  return STRENGTH_ORDER.findIndex((a) => action?.[a] === true);
}

function predicateOf(spec: DataSpec): Predicate {
  const p: Predicate = {};
  if (spec.match !== undefined) p.match = spec.match;
  if (spec.context !== undefined) p.context = spec.context;
  return p;
}

/** The rank of each rule by precedence (ties: the later rule ranks higher, as in the evaluator). */
function ranks(rules: readonly EffectiveDataRule[], ids: ReadonlySet<string>): Map<string, number> {
  const kept = rules.map((r, i) => ({ r, i })).filter(({ r }) => ids.has(r.id));
  kept.sort((a, b) => a.r.precedence - b.r.precedence || a.i - b.i);
  return new Map(kept.map(({ r }, rank) => [r.id, rank]));
}

/** Which rules changed between two sides, by id. */
export function ruleChanges(base: EffectiveData, head: EffectiveData): RuleChanges {
  const group = (d: EffectiveData) => {
    const m = new Map<string, EffectiveDataRule[]>();
    for (const r of d.rules) m.set(r.id, [...(m.get(r.id) ?? []), r]);
    return m;
  };
  const a = group(base);
  const b = group(head);
  const changed = new Set<string>();
  const common = new Set<string>();
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    const ra = a.get(id);
    const rb = b.get(id);
    // a duplicated id cannot be paired with certainty: treat it as changed
    if (ra?.length !== 1 || rb?.length !== 1) changed.add(id);
    else if (stableStringify(ra[0]!.spec) !== stableStringify(rb[0]!.spec)) changed.add(id);
    else common.add(id);
  }
  const rankA = ranks(base.rules, common);
  const rankB = ranks(head.rules, common);
  const reordered = new Set([...common].filter((id) => rankA.get(id) !== rankB.get(id)));
  for (const id of reordered) changed.add(id);
  return { changed, reordered };
}

/** The predicates of both sides and how each side decides on them. */
export function buildRuleSpace(base: EffectiveData, head: EffectiveData): RuleSpace {
  const { changed: changedIds } = ruleChanges(base, head);
  const byKey = new Map<string, Predicate>();
  for (const r of [...base.rules, ...head.rules]) {
    const p = predicateOf(r.spec);
    byKey.set(stableStringify(p), p);
  }
  const keys = [...byKey.keys()].sort();
  const index = new Map(keys.map((k, i) => [k, i]));
  const strength = { base: keys.map(() => -1), head: keys.map(() => -1) };
  let changed = 0n;
  const sides: Array<[Side, EffectiveData]> = [["base", base], ["head", head]];
  for (const [side, data] of sides) {
    for (const r of data.rules) {
      const i = index.get(stableStringify(predicateOf(r.spec)))!;
      strength[side][i] = Math.max(strength[side][i]!, strengthOf(r));
      if (changedIds.has(r.id)) changed |= 1n << BigInt(i);
    }
  }
  const defaults = { base: defaultOf(base), head: defaultOf(head) };
  return {
    predicates: keys.map((k) => byKey.get(k)!),
    strength,
    defaults,
    changed,
    all: (1n << BigInt(keys.length)) - 1n,
    defaultChanged: defaults.base !== defaults.head,
  };
}

function defaultOf(data: EffectiveData): DataAction {
  return data.default_action === "allow" ? "allow" : "deny";
}

/** One side's action for the requests whose predicates are `mask`. */
export function actionOf(space: RuleSpace, side: Side, mask: bigint): DataAction {
  const s = space.strength[side];
  let best = -1;
  for (let i = 0; i < s.length; i++) if ((mask >> BigInt(i)) & 1n && s[i]! > best) best = s[i]!;
  return best < 0 ? space.defaults[side] : STRENGTH_ORDER[best]!;
}

/** Whether a state can still decide differently on the two sides (it must keep a changed predicate unless the default changed). */
export function relevant(space: RuleSpace, mask: bigint): boolean {
  return space.defaultChanged || (mask & space.changed) !== 0n;
}

/** A readable value that is not taken: `other`, `other-2`, … */
export function freshValue(taken: ReadonlySet<string>, base = "other"): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Does a cell's full assignment agree with a partial one? */
export function consistent(atoms: readonly boolean[], kept: Assignment): boolean {
  return kept.every((k, i) => k === undefined || atoms[i] === k);
}

/** "a", "a or b", "a, b or c". */
export function orList(items: readonly string[], word = "or"): string {
  return items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} ${word} ${items.at(-1)}`;
}

/** Distinct values in first-seen order. */
export function uniqueVectors(vecs: Iterable<bigint>): bigint[] {
  return [...new Set(vecs)];
}
