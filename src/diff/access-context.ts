/**
 * The condition part of the exact access diff: for a set of statements that all
 * apply to one cell of actions × resources, every combination of "which statements' conditions
 * hold" that some request context realises, each with one context and a phrase for people.
 *
 * A statement's Condition is the AND of its (operator, key) entries, so it depends only on the
 * cells of its keys (./cells/key-cells.ts). Statements that share no key are independent: keys
 * are grouped into components (statements link the keys they read), each component's cells are
 * combined exhaustively, and components are joined by what alone matters to the decision on
 * each side, "some Deny applies" and "some Allow applies" (4 bits, so at most 16 outcomes).
 */
import { and3 } from "../engine/access/conditions.js";
import type { EffectiveStatement } from "../engine/effective.js";
import type { ConditionResult, ContextEntry } from "../engine/access/index.js";
import { parseConditionOperator } from "../engine/vocabulary.js";
import { describeValues, foldKey, partitionKey } from "./cells/key-cells.js";
import type { KeyEntry, KeyPartition } from "./cells/key-cells.js";

/** Summary bits: which side has a Deny / an Allow that applies. */
export const BASE_DENY = 1;
export const BASE_ALLOW = 2;
export const HEAD_DENY = 4;
export const HEAD_ALLOW = 8;

/** A statement of either side, once (statements common to both carry both flags). */
export interface SideStatement {
  statement: EffectiveStatement;
  inBase: boolean;
  inHead: boolean;
  /** "error" when the block has an unknown operator or a malformed entry: Deny applies, Allow doesn't. */
  constant: ConditionResult;
  /** Folded key → indices into that key's partition entries. */
  keys: Map<string, number[]>;
}

export interface ContextOutcome {
  summary: number;
  context: Record<string, ContextEntry>;
  /** Phrases ANDed together; empty when every context gives this outcome. */
  condition: string[];
}

export interface ContextAnalysis {
  outcomes: ContextOutcome[];
  complete: boolean;
  reasons: string[];
}

/** Partitions of every condition key of `statements` (both sides), and each statement's entries. */
export function prepareConditions(statements: ReadonlyArray<{ statement: EffectiveStatement; inBase: boolean; inHead: boolean }>): {
  sides: SideStatement[];
  partitions: Map<string, KeyPartition>;
} {
  const entriesByKey = new Map<string, KeyEntry[]>();
  const sides: SideStatement[] = statements.map(({ statement, inBase, inHead }) => {
    let constant: ConditionResult = true;
    const keys = new Map<string, number[]>();
    for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
      if (parseConditionOperator(operator) === undefined || typeof block !== "object" || block === null) {
        constant = "error";
        continue;
      }
      for (const [spelling, values] of Object.entries(block)) {
        const key = foldKey(spelling);
        let list = entriesByKey.get(key);
        if (!list) entriesByKey.set(key, (list = []));
        list.push({ operator, spelling, values });
        const mine = keys.get(key);
        if (mine) mine.push(list.length - 1);
        else keys.set(key, [list.length - 1]);
      }
    }
    return { statement, inBase, inHead, constant, keys };
  });
  const partitions = new Map<string, KeyPartition>();
  for (const key of [...entriesByKey.keys()].sort()) partitions.set(key, partitionKey(key, entriesByKey.get(key)!));
  return { sides, partitions };
}


/** The bits a statement adds when its condition evaluates to `c` (fail closed: an error applies a Deny only). */
function bitsOf(s: SideStatement, c: ConditionResult): number {
  const applies = c === true || (c === "error" && s.statement.Effect === "Deny");
  if (!applies) return 0;
  const deny = s.statement.Effect === "Deny";
  return (s.inBase ? (deny ? BASE_DENY : BASE_ALLOW) : 0) | (s.inHead ? (deny ? HEAD_DENY : HEAD_ALLOW) : 0);
}

/** A key's cells as the statements of one component see them: cells they cannot tell apart merged. */
interface KeyClass {
  /** Per statement of the component: the AND of its entries on this key (true when it reads none). */
  perStatement: ConditionResult[];
  fragment: Record<string, ContextEntry>;
  phrases: string[];
  /** Phrases of cells reached only by lists: named only when nothing else is. */
  listPhrases: string[];
}

function classesOf(partition: KeyPartition, statements: readonly SideStatement[]): KeyClass[] {
  const byKey = new Map<string, KeyClass>();
  for (const cell of partition.cells) {
    const perStatement = statements.map((s) => (s.keys.get(partition.key) ?? []).reduce<ConditionResult>((acc, e) => and3(acc, cell.results[e]!), true));
    const sig = perStatement.map(String).join(",");
    const known = byKey.get(sig);
    const target = known ?? { perStatement, fragment: cell.fragment, phrases: [], listPhrases: [] };
    if (!known) byKey.set(sig, target);
    const into = cell.list ? target.listPhrases : target.phrases;
    for (const p of cell.phrases) if (!into.includes(p)) into.push(p);
  }
  return [...byKey.values()];
}

/** Most combinations tried within one component of keys. */
const MAX_COMBINATIONS = 50_000;

function describeKeyChoice(label: string, all: readonly KeyClass[], chosen: ReadonlySet<number>): string | undefined {
  if (chosen.size === all.length) return undefined;
  const phrases = [...new Set([...chosen].flatMap((i) => all[i]!.phrases))];
  return describeValues(label, phrases.length > 0 ? phrases : [...new Set([...chosen].flatMap((i) => all[i]!.listPhrases))]);
}

interface ComponentResult {
  /** summary bits → one context and the phrases that describe every context with these bits. */
  bySummary: Map<number, { fragment: Record<string, ContextEntry>; condition: string[] }>;
  complete: boolean;
}

function analyseComponent(keys: readonly string[], statements: readonly SideStatement[], partitions: ReadonlyMap<string, KeyPartition>): ComponentResult {
  const classes = keys.map((k) => classesOf(partitions.get(k)!, statements));
  const total = classes.reduce((n, c) => n * c.length, 1);
  const complete = total <= MAX_COMBINATIONS;
  // per summary: which class of each key occurs, and the combinations seen
  const seen = new Map<number, { first: number[]; perKey: Array<Set<number>>; count: number }>();
  const idx = keys.map(() => 0);
  for (let n = 0; n < Math.min(total, MAX_COMBINATIONS); n++) {
    let summary = 0;
    statements.forEach((s, si) => {
      let c: ConditionResult = s.constant;
      for (let k = 0; k < keys.length; k++) c = and3(c, classes[k]![idx[k]!]!.perStatement[si]!);
      summary |= bitsOf(s, c);
    });
    let entry = seen.get(summary);
    if (!entry) seen.set(summary, (entry = { first: [...idx], perKey: keys.map(() => new Set<number>()), count: 0 }));
    entry.count++;
    idx.forEach((v, k) => entry!.perKey[k]!.add(v));
    for (let k = keys.length - 1; k >= 0; k--) {
      idx[k]!++;
      if (idx[k]! < classes[k]!.length) break;
      idx[k] = 0;
    }
  }
  const bySummary = new Map<number, { fragment: Record<string, ContextEntry>; condition: string[] }>();
  for (const [summary, e] of seen) {
    const fragment = Object.assign({}, ...e.first.map((c, k) => classes[k]![c]!.fragment)) as Record<string, ContextEntry>;
    // a product of per-key choices reads as "a and b"; otherwise only the example's own classes are named
    const product = e.perKey.reduce((n, s) => n * s.size, 1) === e.count;
    const condition = keys.flatMap((_, k) => {
      const chosen = product ? e.perKey[k]! : new Set([e.first[k]!]);
      const text = describeKeyChoice(partitions.get(keys[k]!)!.entries[0]?.spelling ?? keys[k]!, classes[k]!, chosen);
      return text === undefined ? [] : [text];
    });
    bySummary.set(summary, { fragment, condition });
  }
  return { bySummary, complete };
}

/**
 * Every outcome the contexts of a request can produce for `statements` (which all apply by
 * action and resource), with one context each.
 */
export function analyseContexts(statements: readonly SideStatement[], partitions: ReadonlyMap<string, KeyPartition>): ContextAnalysis {
  const reasons: string[] = [];
  let fixed = 0;
  const conditional: SideStatement[] = [];
  for (const s of statements) {
    if (s.keys.size === 0) fixed |= bitsOf(s, s.constant);
    else conditional.push(s);
  }
  // components: keys linked by a statement that reads both
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(k, r);
    return r;
  };
  for (const s of conditional) {
    const ks = [...s.keys.keys()];
    for (const k of ks) if (!parent.has(k)) parent.set(k, k);
    for (const k of ks.slice(1)) parent.set(find(k), find(ks[0]!));
  }
  const components = new Map<string, { keys: string[]; statements: SideStatement[] }>();
  for (const k of [...parent.keys()].sort()) {
    const root = find(k);
    let c = components.get(root);
    if (!c) components.set(root, (c = { keys: [], statements: [] }));
    c.keys.push(k);
  }
  for (const s of conditional) components.get(find(s.keys.keys().next().value!))!.statements.push(s);

  let complete = true;
  let outcomes = new Map<number, { context: Record<string, ContextEntry>; condition: string[] }>([[fixed, { context: {}, condition: [] }]]);
  for (const c of components.values()) {
    for (const k of c.keys) for (const why of partitions.get(k)!.unsupported) if (!reasons.includes(why)) reasons.push(why);
    const r = analyseComponent(c.keys, c.statements, partitions);
    if (!r.complete) {
      complete = false;
      reasons.push(`conditions on ${c.keys.join(", ")}: more than ${MAX_COMBINATIONS.toLocaleString("en-US")} combinations`);
    }
    // a component whose every context gives the same bits constrains nothing: no phrase
    const single = r.bySummary.size === 1;
    const next = new Map<number, { context: Record<string, ContextEntry>; condition: string[] }>();
    for (const [bits, o] of outcomes) {
      for (const [cbits, co] of r.bySummary) {
        const summary = bits | cbits;
        if (next.has(summary)) continue;
        next.set(summary, { context: { ...o.context, ...co.fragment }, condition: single ? o.condition : [...o.condition, ...co.condition] });
      }
    }
    outcomes = next;
  }
  return {
    outcomes: [...outcomes].map(([summary, o]) => ({ summary, context: o.context, condition: o.condition })),
    complete: complete && reasons.length === 0,
    reasons,
  };
}
