/**
 * Witness requests for the semantic diff of AccessPolicies (SPEC §5): concrete requests built
 * from every action, resource and condition literal of both versions, on which base and head
 * are evaluated. Deterministic and bounded.
 *
 * - Patterns are instantiated: each `*` filled with a fresh value and with nothing, each `?`
 *   with one character; actions also upper-cased (actions compare case-insensitively).
 * - Condition keys get each literal, number boundaries (v-1, v, v+1), date boundaries (±1 s),
 *   CIDR edges (network address, last address, one outside), both booleans, a fresh string,
 *   list values for set operators, and "missing" (which exercises IfExists and Null).
 * - Only (action, resource) pairs some statement of either side applies to are kept (a pair
 *   no statement matches is denied on both sides); contexts vary only the keys of the
 *   conditional statements that apply to the pair.
 * - Pairs that the same statements and approval patterns match behave alike: one pair of each
 *   such class is tried first, so the cap never hides a whole class; contexts are taken
 *   round-robin, so no pair uses up the cap alone.
 * - Values, actions and resources are sorted, so the set does not depend on which side is base.
 */
import type { EffectiveStatement } from "../policy/effective.js";
import type { AccessPolicy, ContextScalar } from "../policy/eval/access/index.js";
import { toEpochMillis, toNumber } from "../policy/eval/access/index.js";
import { stableStringify } from "../policy/merge/index.js";
import { compileWildcard, matchWildcard, parseCidr } from "../policy/match/index.js";
import type { WildcardMatcher, Words } from "../policy/match/index.js";
import { parseConditionOperator } from "../policy/vocabulary.js";
import type { WitnessContext, WitnessRequest } from "./types.js";

/** The value wildcards are filled with: unlikely to be a literal anywhere. */
export const FRESH = "zz-fresh";
export const FRESH_ACTION = `${FRESH}:${FRESH}`;
export const FRESH_RESOURCE = `${FRESH}://${FRESH}`;

export interface WitnessOptions {
  /** Upper bound on requests per target (default 20,000). */
  maxRequests?: number;
  /** Upper bound on contexts per (action, resource) pair (default 1,024). */
  maxContexts?: number;
}

export const DEFAULT_MAX_REQUESTS = 20_000;
const DEFAULT_MAX_CONTEXTS = 1_024;

export interface WitnessSet {
  requests: WitnessRequest[];
  truncated: boolean;
}

/** Concrete values a wildcard pattern matches: `*` filled with a fresh value and with nothing. */
export function instantiatePattern(pattern: string): string[] {
  if (!pattern.includes("*") && !pattern.includes("?")) return [pattern];
  const out = [pattern.replace(/\*/g, FRESH).replace(/\?/g, "z"), pattern.replace(/\*/g, "").replace(/\?/g, "q")];
  return [...new Set(out)].filter((v) => v !== "");
}

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

function statementsOf(...policies: AccessPolicy[]): EffectiveStatement[] {
  return policies.flatMap((p) => p.Statement);
}

/**
 * Every action to try, sorted (so the witness set does not depend on which side is the base):
 * the instantiated patterns and a fresh action first, then their upper-case variants.
 */
function collectActions(policies: AccessPolicy[]): string[] {
  const written = new Set<string>();
  const add = (pattern: string) => {
    // "*" alone is covered by the fresh action, which is a well-formed one
    if (pattern.replace(/\*+/g, "*") === "*") return;
    for (const v of instantiatePattern(pattern)) written.add(v);
  };
  for (const s of statementsOf(...policies)) for (const p of [...(s.Action ?? []), ...(s.NotAction ?? [])]) add(p);
  for (const p of policies) for (const a of p.RequireApproval?.Actions ?? []) add(a);
  written.add(FRESH_ACTION);
  const upper = new Set([...written].map((v) => v.toUpperCase()).filter((u) => !written.has(u)));
  return [...[...written].sort(compareText), ...[...upper].sort(compareText)];
}

/** Every resource to try, sorted: the instantiated patterns and a fresh resource. */
function collectResources(policies: AccessPolicy[]): string[] {
  const set = new Set<string>([FRESH_RESOURCE]);
  for (const s of statementsOf(...policies)) {
    for (const p of [...(s.Resource ?? []), ...(s.NotResource ?? [])]) {
      // "*" alone is covered by the fresh resource, which is a well-formed one
      if (p.replace(/\*+/g, "*") !== "*") for (const v of instantiatePattern(p)) set.add(v);
    }
  }
  return [...set].sort(compareText);
}

// ---------------------------------------------------------------------------------------------
// Condition values

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

interface KeyValues {
  /** The key as first written (lookups are case-insensitive). */
  key: string;
  values: OrderedSet<ContextScalar | ContextScalar[]>;
}

/** Candidate values of every condition key, keyed by the lower-cased key name. */
function collectConditionValues(statements: EffectiveStatement[]): Map<string, KeyValues> {
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

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lower-cased condition keys of a statement. */
function conditionKeys(s: EffectiveStatement): string[] {
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
function contextsFor(groups: string[][], values: Map<string, KeyValues>, cap: number): WitnessContext[] {
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

interface CompiledTarget {
  action?: WildcardMatcher[];
  notAction?: WildcardMatcher[];
  resource?: WildcardMatcher[];
  notResource?: WildcardMatcher[];
}

const compiledTargets = new WeakMap<EffectiveStatement, CompiledTarget>();

function compiledTarget(s: EffectiveStatement): CompiledTarget {
  let c = compiledTargets.get(s);
  if (!c) {
    const comp = (list: string[] | undefined, ignoreCase: boolean) => list?.map((p) => compileWildcard(p, { ignoreCase }));
    c = {};
    const action = comp(s.Action, true);
    const notAction = comp(s.NotAction, true);
    const resource = comp(s.Resource, false);
    const notResource = comp(s.NotResource, false);
    if (action) c.action = action;
    if (notAction) c.notAction = notAction;
    if (resource) c.resource = resource;
    if (notResource) c.notResource = notResource;
    compiledTargets.set(s, c);
  }
  return c;
}

function actionPart(c: CompiledTarget, action: string): boolean {
  if (c.action === undefined && c.notAction === undefined) return false;
  return (c.action === undefined || c.action.some((m) => m(action))) && (c.notAction === undefined || !c.notAction.some((m) => m(action)));
}

function resourcePart(c: CompiledTarget, resource: string): boolean {
  return (c.resource === undefined || c.resource.some((m) => m(resource))) && (c.notResource === undefined || !c.notResource.some((m) => m(resource)));
}

function matchesTarget(s: EffectiveStatement, action: string, resource: string): boolean {
  const c = compiledTarget(s);
  return actionPart(c, action) && resourcePart(c, resource);
}

/** Whether a statement applies to the request's action and resource, ignoring its Condition. */
export function statementCovers(s: EffectiveStatement, action: string, resource: string): boolean {
  return matchesTarget(s, action, resource);
}

/** What a statement decides on, without its Sid and provenance. */
function decisionKey(s: EffectiveStatement): string {
  return stableStringify({ Effect: s.Effect, Action: s.Action ?? null, NotAction: s.NotAction ?? null, Resource: s.Resource ?? null, NotResource: s.NotResource ?? null, Condition: s.Condition ?? null });
}

/** Indices (into base's statements followed by head's) of statements the other side lacks, counting duplicates. */
function changedStatements(base: AccessPolicy, head: AccessPolicy): number[] {
  const baseKeys = base.Statement.map(decisionKey);
  const headKeys = head.Statement.map(decisionKey);
  const missing = (keys: string[], other: string[], offset: number): number[] => {
    const count = new Map<string, number>();
    for (const k of other) count.set(k, (count.get(k) ?? 0) + 1);
    const out: number[] = [];
    keys.forEach((k, i) => {
      const n = count.get(k) ?? 0;
      if (n > 0) count.set(k, n - 1);
      else out.push(offset + i);
    });
    return out;
  };
  return [...missing(baseKeys, headKeys, 0), ...missing(headKeys, baseKeys, baseKeys.length)];
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort(compareText);
  const y = [...b].sort(compareText);
  return x.every((v, i) => v === y[i]);
}

/** A witness request with the statements of each side that can apply to it. */
export interface WitnessItem {
  request: WitnessRequest;
  /** Each side's policy cut down to the statements matching the request's action and resource. */
  base: AccessPolicy;
  head: AccessPolicy;
}

/** The witness requests for comparing two access policies. */
export function buildWitnesses(base: AccessPolicy, head: AccessPolicy, options: WitnessOptions = {}): WitnessSet {
  const plan = planWitnesses(base, head, options);
  return { requests: plan.items.map((i) => i.request), truncated: plan.truncated };
}

/**
 * The witness requests, each with the statements that can apply to it: a statement whose
 * Action and Resource do not match a request never applies, so evaluating the cut-down policy
 * gives the same decision at a fraction of the cost.
 */
export function planWitnesses(base: AccessPolicy, head: AccessPolicy, options: WitnessOptions = {}): { items: WitnessItem[]; truncated: boolean } {
  const maxRequests = options.maxRequests ?? DEFAULT_MAX_REQUESTS;
  const maxContexts = options.maxContexts ?? DEFAULT_MAX_CONTEXTS;
  const policies = [base, head];
  const statements = statementsOf(base, head);
  const values = collectConditionValues(statements);
  const keysOf = statements.map(conditionKeys);
  const approvals = policies.flatMap((p) => p.RequireApproval?.Actions ?? []);

  interface Pair {
    action: string;
    resource: string;
    /** The distinct condition-key groups of the conditional statements that apply. */
    groups: string[][];
    groupsKey: string;
    base: AccessPolicy;
    head: AccessPolicy;
  }
  const nBase = base.Statement.length;
  const cut = new Map<string, { base: AccessPolicy; head: AccessPolicy }>();
  const cutFor = (hits: number[], key: string) => {
    let c = cut.get(key);
    if (!c) {
      const side = (p: AccessPolicy, list: number[]): AccessPolicy => ({ ...p, Statement: list.map((i) => statements[i]!) });
      c = { base: side(base, hits.filter((i) => i < nBase)), head: side(head, hits.filter((i) => i >= nBase)) };
      cut.set(key, c);
    }
    return c;
  };
  const compiled = statements.map(compiledTarget);
  const groupKeys = keysOf.map((g) => [...g].sort().join("\u0000"));
  const actions = collectActions(policies);
  // A request whose applicable statements are the same on both sides gets the same decision:
  // only (action, resource) pairs some changed statement applies to can flip. When the approval
  // patterns differ every pair may, so all are kept.
  const changed = changedStatements(base, head);
  const approvalsChanged = !sameMultiset((base.RequireApproval?.Actions ?? []).map((a) => a.toLowerCase()), (head.RequireApproval?.Actions ?? []).map((a) => a.toLowerCase()));
  const relevant = (hits: (i: number) => boolean): boolean => approvalsChanged || changed.some(hits);
  const resources = collectResources(policies).filter((r) => relevant((i) => resourcePart(compiled[i]!, r)));
  const resourceHits = resources.map((r) => compiled.map((c) => resourcePart(c, r)));
  const firsts: Pair[] = [];
  const rest: Pair[] = [];
  const seen = new Set<string>();
  for (const action of actions) {
    const approvalSig = approvals.map((p) => (matchWildcard(p, action, true) ? "1" : "0")).join("");
    const actionHits: number[] = [];
    compiled.forEach((c, i) => {
      if (actionPart(c, action)) actionHits.push(i);
    });
    if (actionHits.length === 0) continue;
    const changedHere = approvalsChanged ? undefined : changed.filter((i) => actionPart(compiled[i]!, action));
    if (changedHere !== undefined && changedHere.length === 0) continue;
    resources.forEach((resource, ri) => {
      const rh = resourceHits[ri]!;
      if (changedHere !== undefined && !changedHere.some((i) => rh[i])) return;
      const hits = actionHits.filter((i) => rh[i]);
      if (hits.length === 0) return;
      const distinct = new Map<string, string[]>();
      for (const i of hits) if (keysOf[i]!.length > 0 && !distinct.has(groupKeys[i]!)) distinct.set(groupKeys[i]!, keysOf[i]!);
      const groupsKey = [...distinct.keys()].sort().join("\u0001");
      const hitsKey = hits.join(",");
      const groups = [...distinct.entries()].sort((x, y) => compareText(x[0], y[0])).map((e) => e[1]);
      const pair: Pair = { action, resource, groups, groupsKey, ...cutFor(hits, hitsKey) };
      // Pairs matched by the same statements and approval patterns behave alike: one of each class first.
      const signature = `${hitsKey}|${approvalSig}`;
      if (seen.has(signature)) rest.push(pair);
      else {
        seen.add(signature);
        firsts.push(pair);
      }
    });
  }

  const items: WitnessItem[] = [];
  const memo = new Map<string, WitnessContext[]>();
  const contexts = (p: Pair) => {
    let c = memo.get(p.groupsKey);
    if (!c) {
      c = contextsFor(p.groups, values, maxContexts);
      memo.set(p.groupsKey, c);
    }
    return c;
  };
  // Round-robin over contexts, so one pair with many contexts cannot use up the cap alone.
  for (const phase of [firsts, rest]) {
    const lists = phase.map(contexts);
    const rounds = lists.reduce((n, l) => Math.max(n, l.length), 0);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < phase.length; i++) {
        const context = lists[i]![round];
        if (context === undefined) continue;
        if (items.length >= maxRequests) return { items, truncated: true };
        const p = phase[i]!;
        items.push({ request: { action: p.action, resource: p.resource, context }, base: p.base, head: p.head });
      }
    }
  }
  return { items, truncated: false };
}
