/**
 * The exact comparison of two access policies. A decision can differ only on a request
 * that a statement present on one side only matches by action and resource (or, when the
 * approval patterns changed, whose action one of the changed patterns matches). Inside each such
 * domain the request space is cut into cells: actions by every action and approval pattern
 * matched or not (case-insensitive, so in lower case), resources by every resource pattern of
 * the statements those actions reach, contexts by the cells of every condition key the
 * applicable statements read (./access-context.ts). Base and head are decided on one
 * representative per cell, so "no flip found" means no request flips.
 *
 * Work is bounded: the cell searches by a state budget, the pairs of action × resource cells by
 * `maxRegions`. A comparison cut short is not proven and says how far it got.
 */
import type { EffectiveStatement } from "../engine/effective.js";
import { compileAccess } from "../engine/access/index.js";
import type { AccessDecisionKind, AccessPolicy } from "../engine/access/index.js";
import { compileWildcard } from "../engine/match/index.js";
import type { WildcardMatcher } from "../engine/match/index.js";
import { stableStringify } from "../model/merge/index.js";
import { BASE_ALLOW, BASE_DENY, HEAD_ALLOW, HEAD_DENY, analyseContexts, prepareConditions } from "./access-context.js";
import type { ContextOutcome, SideStatement } from "./access-context.js";
import { describeCell } from "./cells/describe-cell.js";
import { DEFAULT_MAX_STATES, findCells } from "./cells/glob-cells.js";
import type { Cell } from "./cells/glob-cells.js";
import type { AccessComparison, DecisionChange, ProofStatus, Region, WitnessContext } from "./types.js";

export interface AccessRegionOptions {
  /** Upper bound on action × resource cells evaluated per target (default 200,000). */
  maxRegions?: number;
  /** Upper bound on automaton states per cell search (default 200,000). */
  maxStates?: number;
}

export const DEFAULT_MAX_REGIONS = 200_000;

/** What a statement decides on, without its Sid and provenance. */
export function decisionKey(s: EffectiveStatement): string {
  return stableStringify({ Effect: s.Effect, Action: s.Action ?? null, NotAction: s.NotAction ?? null, Resource: s.Resource ?? null, NotResource: s.NotResource ?? null, Condition: s.Condition ?? null });
}

/** Interned patterns: index, text as compared, text as first written. */
class Patterns {
  readonly compared: string[] = [];
  readonly written: string[] = [];
  private readonly index = new Map<string, number>();
  constructor(private readonly ignoreCase: boolean) {}
  add(p: string): number {
    const key = this.ignoreCase ? p.toLowerCase() : p;
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.compared.length;
      this.index.set(key, i);
      this.compared.push(key);
      this.written.push(p);
    }
    return i;
  }
  private readonly matchers: Array<WildcardMatcher | undefined> = [];
  matcher(i: number): WildcardMatcher {
    return (this.matchers[i] ??= compileWildcard(this.compared[i]!, { ignoreCase: this.ignoreCase }));
  }
}

/** The literal text before the first and after the last wildcard: two patterns can only share a string when these agree. */
function affixes(p: string): { prefix: string; suffix: string; literal: boolean } {
  const first = p.search(/[*?]/);
  if (first < 0) return { prefix: p, suffix: p, literal: true };
  const last = Math.max(p.lastIndexOf("*"), p.lastIndexOf("?"));
  return { prefix: p.slice(0, first), suffix: p.slice(last + 1), literal: false };
}

/** False only when no string can match both patterns (a sound quick test, not an exact one). */
function mayOverlap(a: string, b: string): boolean {
  const x = affixes(a);
  const y = affixes(b);
  const n = Math.min(x.prefix.length, y.prefix.length);
  if (x.prefix.slice(0, n) !== y.prefix.slice(0, n)) return false;
  const m = Math.min(x.suffix.length, y.suffix.length);
  return x.suffix.slice(x.suffix.length - m) === y.suffix.slice(y.suffix.length - m);
}

interface Target {
  /** Pattern indices of Action / NotAction (or Resource / NotResource); undefined when absent. */
  some?: number[];
  none?: number[];
}

interface Unique extends SideStatement {
  id: number;
  action: Target;
  resource: Target;
}

/** Whether a target part holds for a cell that matches exactly the patterns in `matched`. */
function partHolds(t: Target, matched: ReadonlySet<number>, absentHolds: boolean): boolean {
  if (t.some === undefined && t.none === undefined) return absentHolds;
  return (t.some === undefined || t.some.some((i) => matched.has(i))) && (t.none === undefined || !t.none.some((i) => matched.has(i)));
}

interface SearchedCell extends Cell {
  /** Global pattern indices matched. */
  set: Set<number>;
  /** The global indices the search cut by (the cell is exact with respect to these). */
  relevant: number[];
}

interface Budget {
  states: number;
  regions: number;
}

function searchCells(patterns: Patterns, relevant: number[], domain: Target, budget: Budget, allowEmpty: boolean): { cells: SearchedCell[]; complete: boolean } {
  const local = new Map(relevant.map((g, i) => [g, i] as const));
  const toLocal = (list: number[] | undefined) => list?.map((g) => local.get(g)!).filter((i) => i !== undefined);
  const search = findCells(
    relevant.map((g) => ({ kind: "glob" as const, text: patterns.compared[g]! })),
    { ...(domain.some ? { someOf: toLocal(domain.some) } : {}), ...(domain.none ? { noneOf: toLocal(domain.none) } : {}), maxStates: Math.max(1, budget.states), allowEmpty },
  );
  budget.states -= search.states;
  return {
    cells: search.cells.map((c) => ({ ...c, set: new Set(c.matches.map((i) => relevant[i]!)), relevant })),
    complete: search.complete,
  };
}

function decide(deny: boolean, allow: boolean, approval: boolean): AccessDecisionKind {
  return deny ? "deny" : allow ? (approval ? "approval_required" : "allow") : "deny";
}

const RANK: Record<AccessDecisionKind, number> = { deny: 0, approval_required: 1, allow: 2 };

interface Flip {
  action: SearchedCell;
  resource: SearchedCell;
  outcome: ContextOutcome;
  before: AccessDecisionKind;
  after: AccessDecisionKind;
}

/**
 * Compares two access policies exactly: every request whose decision differs, one per cell,
 * grouped into regions, with a proof status.
 *
 * @example
 * const c = compareAccessRegions(base.effective.access, head.effective.access);
 * c.newlyAllowed; // [{ action: "api:Get", resource: "db://production/users", context: {}, before: "deny", after: "allow" }]
 */
export function compareAccessRegions(base: AccessPolicy, head: AccessPolicy, options: AccessRegionOptions = {}): AccessComparison {
  const budget: Budget = { states: options.maxStates ?? DEFAULT_MAX_STATES, regions: options.maxRegions ?? DEFAULT_MAX_REGIONS };
  const actions = new Patterns(true);
  const resources = new Patterns(false);
  const reasons: string[] = [];

  // every statement once, with the sides it is on
  const byKey = new Map<string, { statement: EffectiveStatement; inBase: boolean; inHead: boolean }>();
  for (const [side, policy] of [["base", base], ["head", head]] as const) {
    for (const s of policy.Statement) {
      const k = decisionKey(s);
      let u = byKey.get(k);
      if (!u) byKey.set(k, (u = { statement: s, inBase: false, inHead: false }));
      if (side === "base") u.inBase = true;
      else u.inHead = true;
    }
  }
  const ordered = [...byKey.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
  const { sides, partitions } = prepareConditions(ordered);
  const target = (list: string[] | undefined, pool: Patterns) => list?.map((p) => pool.add(p));
  const statements: Unique[] = sides.map((s, id) => ({
    ...s,
    id,
    action: { some: target(s.statement.Action, actions), none: target(s.statement.NotAction, actions) },
    resource: { some: target(s.statement.Resource, resources), none: target(s.statement.NotResource, resources) },
  }));
  // approval patterns in sorted order, so pattern numbering does not depend on which side is base
  for (const a of [...(base.RequireApproval?.Actions ?? []), ...(head.RequireApproval?.Actions ?? [])].sort()) actions.add(a);
  const approvalsOf = (p: AccessPolicy) => new Set((p.RequireApproval?.Actions ?? []).map((a) => actions.add(a)));
  const baseApprovals = approvalsOf(base);
  const headApprovals = approvalsOf(head);
  const changedApprovals = [...new Set([...baseApprovals, ...headApprovals])].filter((i) => baseApprovals.has(i) !== headApprovals.has(i));

  // the domains where a flip can be: each changed statement's targets, and the changed approvals
  const domains = new Map<string, { action: Target; resource: Target }>();
  for (const s of statements) {
    if (s.inBase === s.inHead) continue;
    if (s.action.some === undefined && s.action.none === undefined) continue; // applies to nothing
    domains.set(JSON.stringify([s.action, s.resource]), { action: s.action, resource: s.resource });
  }
  if (changedApprovals.length > 0) domains.set("approvals", { action: { some: changedApprovals }, resource: {} });

  const flips: Flip[] = [];
  const memo = new Map<string, ContextOutcome[]>();
  const resourceSearches = new Map<string, Array<{ cell: SearchedCell; holds: (s: Unique) => boolean }>>();
  let checked = 0;
  let total = 0;
  let complete = true;
  const byActionPattern = new Map<number, Unique[]>(); // action pattern → statements listing it in Action
  for (const s of statements) for (const i of s.action.some ?? []) (byActionPattern.get(i) ?? byActionPattern.set(i, []).get(i)!).push(s);
  const notActionStatements = statements.filter((s) => s.action.some === undefined && s.action.none !== undefined);

  for (const domain of [...domains.values()]) {
    // actions: every action and approval pattern that can meet the domain
    const domainActions = domain.action.some?.map((i) => actions.compared[i]!);
    const relevantActions = actions.compared.map((_, i) => i).filter((i) => domainActions === undefined || domainActions.some((d) => mayOverlap(d, actions.compared[i]!)) || (domain.action.none ?? []).includes(i));
    const actionSearch = searchCells(actions, relevantActions, domain.action, budget, true);
    if (!actionSearch.complete) complete = false;
    const actionCells = actionSearch.cells.map((cell) => {
      const candidates = new Set<Unique>(notActionStatements);
      for (const i of cell.set) for (const s of byActionPattern.get(i) ?? []) candidates.add(s);
      const applicable = [...candidates].filter((s) => partHolds(s.action, cell.set, false));
      const approval = { base: [...baseApprovals].some((i) => cell.set.has(i)), head: [...headApprovals].some((i) => cell.set.has(i)) };
      return { cell, applicable: new Set(applicable), approval };
    });
    // Resources, per group of action cells that reach the same statements: only those
    // statements' resource patterns can tell the group's requests apart.
    const groups = new Map<string, typeof actionCells>();
    for (const a of actionCells) {
      const key = [...a.applicable].map((s) => s.id).sort((x, y) => x - y).join(",");
      const g = groups.get(key);
      if (g) g.push(a);
      else groups.set(key, [a]);
    }
    const domainResources = domain.resource.some?.map((i) => resources.compared[i]!);
    for (const group of groups.values()) {
      const relevantSet = new Set<number>([...(domain.resource.some ?? []), ...(domain.resource.none ?? [])]);
      for (const s of group[0]!.applicable) {
        for (const i of [...(s.resource.some ?? []), ...(s.resource.none ?? [])]) {
          if (domainResources === undefined || domainResources.some((d) => mayOverlap(d, resources.compared[i]!))) relevantSet.add(i);
        }
      }
      const relevantResources = [...relevantSet].sort((a, b) => a - b);
      const searchKey = `${relevantResources.join(",")}|${JSON.stringify(domain.resource)}`;
      let resourceCells = resourceSearches.get(searchKey);
      if (!resourceCells) {
        const search = searchCells(resources, relevantResources, domain.resource, budget, true);
        if (!search.complete) complete = false;
        resourceCells = search.cells.map((cell) => ({ cell, holds: (st: Unique) => partHolds(st.resource, cell.set, true) }));
        resourceSearches.set(searchKey, resourceCells);
      }
      total += group.length * resourceCells.length;
      for (const a of group) {
        for (const r of resourceCells) {
          if (checked >= budget.regions) continue; // counted in total, not checked: not proven
          checked++;
          const applicable = [...a.applicable].filter(r.holds);
          const key = applicable.map((st) => st.id).join(",");
          let outcomes = memo.get(key);
          if (!outcomes) {
            const analysis = analyseContexts(applicable, partitions);
            for (const why of analysis.reasons) if (!reasons.includes(why)) reasons.push(why);
            if (!analysis.complete) complete = false;
            outcomes = analysis.outcomes;
            memo.set(key, outcomes);
          }
          for (const o of outcomes) {
            const before = decide((o.summary & BASE_DENY) !== 0, (o.summary & BASE_ALLOW) !== 0, a.approval.base);
            const after = decide((o.summary & HEAD_DENY) !== 0, (o.summary & HEAD_ALLOW) !== 0, a.approval.head);
            if (before !== after) flips.push({ action: a.cell, resource: r.cell, outcome: o, before, after });
          }
        }
      }
    }
  }
  if (budget.states <= 0) reasons.push(`budget: the cell search stopped at ${(options.maxStates ?? DEFAULT_MAX_STATES).toLocaleString("en-US")} states`);
  if (checked < total) reasons.push(`budget: ${checked.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} regions checked (maxRegions)`);
  return report(base, head, flips, actions, resources, { proven: complete && checked === total && reasons.length === 0, checked, total, complete, reasons });
}

/**
 * Readable strings of a cell: a written literal, a pattern filled with words of the policy, a
 * plain default shaped like the values (`db:Example`, `db://example`), or the search's own example.
 */
function niceExamples(patterns: Patterns, shape: "action" | "resource"): (cell: SearchedCell) => string {
  const memo = new Map<SearchedCell, string>();
  const heads = [...new Set(patterns.written.map((p) => (shape === "action" ? /^([A-Za-z0-9_.-]+):/ : /^([a-z][a-z0-9+.-]*):\/\//).exec(p)?.[1]).filter((h): h is string => h !== undefined))].slice(0, 12);
  const wordsOf = (p: string) => p.split(/[^A-Za-z0-9]+/).filter((w) => w.length >= 3 && /[A-Za-z]/.test(w) && !heads.includes(w));
  const words = [...new Set(patterns.written.flatMap(wordsOf))].slice(0, 12);
  const defaults = shape === "action" ? [...heads.map((h) => `${h}:Example`), "example:Action"] : [...heads.map((h) => `${h}://example`), "example://resource"];
  const inCell = (cell: SearchedCell, v: string) => cell.relevant.every((g) => patterns.matcher(g)(v) === cell.set.has(g));
  let budget = 20_000; // candidate checks in all: beyond this the search's own example is used
  return (cell) => {
    let nice = memo.get(cell);
    if (nice !== undefined) return nice;
    const tries: string[] = [];
    for (const g of cell.set) if (!/[*?]/.test(patterns.written[g]!)) tries.push(patterns.written[g]!);
    for (const g of cell.set) {
      const w = patterns.written[g]!;
      if (!/[*?]/.test(w) || w.replace(/\*+/g, "*") === "*") continue;
      // words of other patterns read best ("db://production/users"), then a plain "example"
      const own = wordsOf(w);
      for (const f of [...words.filter((x) => !own.includes(x)), "example", ""]) tries.push(w.replace(/\*+/g, f).replace(/\?/g, f.slice(0, 1) || "x"));
    }
    tries.push(...defaults);
    nice = cell.example;
    for (const t of tries) {
      if (budget-- <= 0) break;
      if (inCell(cell, t)) {
        nice = t;
        break;
      }
    }
    memo.set(cell, nice);
    return nice;
  };
}

function describeActionCell(patterns: Patterns, cell: SearchedCell, example: string): string {
  const literal = [...cell.set].map((g) => patterns.written[g]!).find((w) => !/[*?]/.test(w));
  if (literal !== undefined) return literal;
  const text = describeCell("action", cell.relevant.map((g) => patterns.written[g]!), cell.relevant.flatMap((g, i) => (cell.set.has(g) ? [i] : [])));
  return `${example} (${text})`;
}

function report(base: AccessPolicy, head: AccessPolicy, flips: Flip[], actions: Patterns, resources: Patterns, proof: ProofStatus): AccessComparison {
  const niceAction = niceExamples(actions, "action");
  const niceResource = niceExamples(resources, "resource");
  const engines = { base: compileAccess(base), head: compileAccess(head) };
  const result: AccessComparison = { witnesses: proof.checked, truncated: !proof.proven, newlyAllowed: [], newlyDenied: [], approvalChanges: [], regions: [], proof };
  const seen = new Set<string>();
  const groups = new Map<string, Region>();
  for (const f of flips) {
    const request = { action: niceAction(f.action), resource: niceResource(f.resource), context: f.outcome.context as WitnessContext };
    const id = stableStringify(request);
    if (seen.has(id)) continue;
    seen.add(id);
    // the evaluator has the last word: a witness that does not flip is never reported
    const before = engines.base.authorize(request).decision;
    const after = engines.head.authorize(request).decision;
    if (before !== f.before || after !== f.after) {
      proof.proven = false;
      const why = `internal: the cell of ${request.action} ${request.resource} decided ${f.before} → ${f.after}, the evaluator ${before} → ${after}`;
      if (!proof.reasons.includes(why)) proof.reasons.push(why);
    }
    if (before === after) continue;
    const entry: DecisionChange = { ...request, before, after };
    if (after === "allow") result.newlyAllowed.push(entry);
    else if (before === "allow") result.newlyDenied.push(entry);
    else result.approvalChanges.push(entry);
    const resourceText = describeCell("resource", f.resource.relevant.map((g) => resources.written[g]!), f.resource.relevant.flatMap((g, i) => (f.resource.set.has(g) ? [i] : [])));
    const clauses = f.outcome.condition;
    const condition = clauses.length > 1 ? clauses.map((c) => (c.includes(" or ") ? `(${c})` : c)).join(" and ") : (clauses[0] ?? "");
    const key = `${before}>${after}|${resourceText}|${condition}`;
    const actionText = describeActionCell(actions, f.action, request.action);
    const region = groups.get(key);
    if (region) {
      region.cells++;
      const list = region.where.actions!.split(", ");
      if (!list.includes(actionText)) region.where.actions = [...list, actionText].join(", ");
    } else {
      groups.set(key, {
        kind: "access",
        verdict: RANK[after] > RANK[before] ? "loosened" : "tightened",
        before,
        after,
        where: { actions: actionText, resource: resourceText, ...(condition !== "" ? { condition } : {}) },
        cells: 1,
        example: request,
      });
    }
  }
  result.regions = [...groups.values()];
  return result;
}
