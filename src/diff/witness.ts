/**
 * Witness requests for the semantic diff of AccessPolicies (SPEC §5): concrete requests built
 * from every action, resource and condition literal of both versions, on which base and head
 * are evaluated. Deterministic and bounded. This module plans the requests; the actions and
 * resources come from `witness-targets.ts`, the condition contexts from `witness-contexts.ts`.
 *
 * - Only (action, resource) pairs some statement of either side applies to are kept (a pair
 *   no statement matches is denied on both sides); contexts vary only the keys of the
 *   conditional statements that apply to the pair.
 * - Pairs that the same statements and approval patterns match behave alike: one pair of each
 *   such class is tried first, so the cap never hides a whole class; contexts are taken
 *   round-robin, so no pair uses up the cap alone.
 * - Values, actions and resources are sorted, so the set does not depend on which side is base.
 */
import type { EffectiveStatement } from "../policy/effective.js";
import type { AccessPolicy } from "../policy/eval/access/index.js";
import { stableStringify } from "../policy/merge/index.js";
import { matchWildcard } from "../policy/match/index.js";
import type { WitnessContext, WitnessRequest } from "./types.js";
import { collectConditionValues, conditionKeys, contextsFor } from "./witness-contexts.js";
import { actionPart, collectActions, collectResources, compareText, compiledTarget, resourcePart, statementsOf } from "./witness-targets.js";

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
