/**
 * The compiled AccessPolicy evaluator the loader serves (SPEC §8): same answers as
 * ./reference.ts, but statements are indexed once so a decision touches only candidates.
 *
 * Index (each list in document order, Deny and Allow statements kept apart):
 * - `exact`: lower-cased wildcard-free action → statements naming it;
 * - `wild`: service (text before the first `:`, lower-cased) → statements with a wildcard
 *   pattern whose service part is literal (`s3:Get*` can only match `s3:…`);
 * - `global`: statements with a pattern whose service part has a wildcard (`*`, `*:Read`) or
 *   with NotAction only; they are candidates for every request.
 * The three lists a request reads are disjoint (a statement in `wild` for a service is left out
 * of `exact` for that service's actions), so each statement is checked at most once; matches
 * found in more than one list are put back in document order.
 *
 * What depends on the action alone (its lists and its approval) is computed once per distinct
 * action and kept in a bounded cache; results are read-only and may be shared (the implicit deny,
 * the reason entries, the approval requirement).
 */
import type { EffectiveStatement } from "../../effective.js";
import { compileWildcard, hasWildcard } from "../../match/wildcard.js";
import type { WildcardMatcher } from "../../match/wildcard.js";
import { compileCondition } from "./compiled-condition.js";
import type { CompiledCondition } from "./compiled-condition.js";
import type {
  AccessDecision,
  AccessEvaluator,
  AccessPolicy,
  AccessRequest,
  ApprovalRequirement,
  DecisionReason,
  RequestContext,
} from "./types.js";

type StringTest = (value: string) => boolean;

interface CompiledStatement {
  /** Position in `Statement`, for document order. */
  readonly index: number;
  readonly deny: boolean;
  /** Action patterns, on the lower-cased action; undefined when the statement has no Action. */
  readonly action: StringTest | undefined;
  readonly notAction: StringTest | undefined;
  readonly resource: StringTest | undefined;
  readonly notResource: StringTest | undefined;
  readonly condition: CompiledCondition | undefined;
  /** Shared, frozen: every decision that names this statement hands out the same object. */
  readonly reason: DecisionReason;
}

/** Candidates of one index entry, Deny and Allow apart. */
interface Slot {
  readonly deny: CompiledStatement[];
  readonly allow: CompiledStatement[];
}

interface Index {
  readonly exact: Map<string, Slot>;
  readonly wild: Map<string, Slot>;
  readonly global: Slot;
}

/** Everything that depends on the action alone, computed once per distinct action. */
interface ActionPlan {
  /** Lower-cased action. */
  readonly action: string;
  readonly exact: Slot;
  readonly wild: Slot;
  readonly approval: ApprovalRequirement | undefined;
}

/** Distinct actions remembered per engine before the cache starts over. */
const PLAN_CACHE_SIZE = 4096;

const EMPTY_SLOT: Slot = Object.freeze({ deny: [], allow: [] });
const EMPTY_CONTEXT: RequestContext = Object.freeze({});
const IMPLICIT_DENY: AccessDecision = Object.freeze({ decision: "deny", reasons: Object.freeze([]) });

/**
 * Compiles the effective access policy once; `authorize` then answers requests.
 *
 * @example
 * const engine = compileAccess(effective.access);
 * engine.authorize({ action: "db:Select", resource: "db://production/users", context: { "source.ip": "10.1.2.3" } });
 */
export function compileAccess(access: AccessPolicy): AccessEvaluator {
  const index = buildIndex(access.Statement);
  const approvalFor = compileApproval(access.RequireApproval);
  // matches found while scanning; reused across requests (authorize is synchronous)
  const scratch: CompiledStatement[] = [];
  // what depends on the action alone, keyed by the action as the caller spelled it
  const plans = new Map<string, ActionPlan>();

  const planFor = (raw: string): ActionPlan => {
    let plan = plans.get(raw);
    if (plan === undefined) {
      const action = raw.toLowerCase();
      plan = {
        action,
        exact: index.exact.get(action) ?? EMPTY_SLOT,
        wild: index.wild.get(serviceOf(action)) ?? EMPTY_SLOT,
        approval: approvalFor(action),
      };
      // bounded, so a caller sending endless distinct actions cannot grow memory
      if (plans.size >= PLAN_CACHE_SIZE) plans.clear();
      plans.set(raw, plan);
    }
    return plan;
  };

  const authorize = (request: AccessRequest): AccessDecision => {
    const plan = planFor(request.action);
    const { action, exact, wild } = plan;
    const resource = request.resource;
    const context = request.context ?? EMPTY_CONTEXT;
    const global = index.global;

    const denies = scan(scratch, exact.deny, wild.deny, global.deny, action, resource, context);
    if (denies !== undefined) return { decision: "deny", reasons: denies };
    const reasons = scan(scratch, exact.allow, wild.allow, global.allow, action, resource, context);
    if (reasons === undefined) return IMPLICIT_DENY;
    return plan.approval === undefined
      ? { decision: "allow", reasons }
      : { decision: "approval_required", reasons, approval: plan.approval };
  };
  return { authorize };
}

/** The approval an allowed (lower-cased) action needs, or undefined; results are shared and frozen. */
function compileApproval(approval: AccessPolicy["RequireApproval"]): (action: string) => ApprovalRequirement | undefined {
  const patterns = (approval?.Actions ?? []).map((pattern) => ({ pattern, test: compileWildcard(pattern.toLowerCase()) }));
  const approverRole = approval?.ApproverRole;
  const timeoutSeconds = approval?.TimeoutSeconds;
  return (action) => {
    const actions = patterns.filter((p) => p.test(action)).map((p) => p.pattern);
    if (actions.length === 0) return undefined;
    return Object.freeze({
      ...(approverRole !== undefined ? { approverRole } : {}),
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      actions: Object.freeze(actions),
    });
  };
}

function buildIndex(statements: readonly EffectiveStatement[]): Index {
  const index: Index = { exact: new Map(), wild: new Map(), global: { deny: [], allow: [] } };
  statements.forEach((statement, position) => {
    const compiled = compileStatement(statement, position);
    if (compiled !== undefined) place(index, compiled, statement);
  });
  // keep the lists disjoint: the wild list already covers its service's exact actions
  for (const [action, slot] of index.exact) {
    const wild = index.wild.get(serviceOf(action));
    if (wild === undefined) continue;
    const inDeny = new Set(wild.deny);
    const inAllow = new Set(wild.allow);
    index.exact.set(action, {
      deny: slot.deny.filter((s) => !inDeny.has(s)),
      allow: slot.allow.filter((s) => !inAllow.has(s)),
    });
  }
  return index;
}

function serviceOf(action: string): string {
  const colon = action.indexOf(":");
  return colon < 0 ? action : action.slice(0, colon);
}

/** undefined for a statement that can never apply (no Action and no NotAction, or an empty Action). */
function compileStatement(s: EffectiveStatement, index: number): CompiledStatement | undefined {
  if (s.Action === undefined && s.NotAction === undefined) return undefined;
  if (s.Action !== undefined && s.Action.length === 0) return undefined;
  const reason: DecisionReason = Object.freeze(
    s.Sid === undefined
      ? { policy: s.source.policy, file: s.source.file, effect: s.Effect }
      : { policy: s.source.policy, file: s.source.file, sid: s.Sid, effect: s.Effect },
  );
  return {
    index,
    deny: s.Effect === "Deny",
    action: s.Action === undefined ? undefined : compilePatterns(s.Action, true),
    notAction: s.NotAction === undefined ? undefined : compilePatterns(s.NotAction, true),
    resource: s.Resource === undefined ? undefined : compilePatterns(s.Resource, false),
    notResource: s.NotResource === undefined ? undefined : compilePatterns(s.NotResource, false),
    condition: compileCondition(s.Condition),
    reason,
  };
}

/** Any-of test over patterns: a Set for literal ones, matchers for the rest. */
function compilePatterns(patterns: readonly string[], lowerCase: boolean): StringTest {
  const literal = new Set<string>();
  const matchers: WildcardMatcher[] = [];
  for (const raw of patterns) {
    const p = lowerCase ? raw.toLowerCase() : raw;
    if (/^\*+$/.test(p)) return () => true;
    if (hasWildcard(p)) matchers.push(compileWildcard(p));
    else literal.add(p);
  }
  if (matchers.length === 0) {
    if (literal.size === 0) return () => false;
    if (literal.size === 1) {
      const [only] = literal;
      return (value) => value === only;
    }
    return (value) => literal.has(value);
  }
  if (literal.size === 0 && matchers.length === 1) return matchers[0] as WildcardMatcher;
  return (value) => {
    if (literal.has(value)) return true;
    for (let i = 0; i < matchers.length; i++) if ((matchers[i] as WildcardMatcher)(value)) return true;
    return false;
  };
}

/** The literal service of an action pattern, or undefined when a wildcard comes before the first `:`. */
function literalService(pattern: string): string | undefined {
  const colon = pattern.indexOf(":");
  if (colon < 0) return undefined;
  const star = pattern.indexOf("*");
  const question = pattern.indexOf("?");
  if ((star >= 0 && star < colon) || (question >= 0 && question < colon)) return undefined;
  return pattern.slice(0, colon);
}

function place(index: Index, compiled: CompiledStatement, s: EffectiveStatement): void {
  const list = (slot: Slot): CompiledStatement[] => (compiled.deny ? slot.deny : slot.allow);
  if (s.Action === undefined) {
    list(index.global).push(compiled); // NotAction only: may match any action
    return;
  }
  const lowered = s.Action.map((p) => p.toLowerCase());
  if (lowered.some((p) => hasWildcard(p) && literalService(p) === undefined)) {
    list(index.global).push(compiled);
    return;
  }
  for (const p of lowered) {
    const map = hasWildcard(p) ? index.wild : index.exact;
    const key = hasWildcard(p) ? (literalService(p) as string) : p;
    let slot = map.get(key);
    if (slot === undefined) map.set(key, (slot = { deny: [], allow: [] }));
    const target = list(slot);
    if (target[target.length - 1] !== compiled) target.push(compiled);
  }
}

/**
 * Reasons of every applying statement among three disjoint candidate lists, in document order;
 * undefined when none applies.
 */
function scan(
  scratch: CompiledStatement[],
  exact: readonly CompiledStatement[],
  wild: readonly CompiledStatement[],
  global: readonly CompiledStatement[],
  action: string,
  resource: string,
  context: RequestContext,
): DecisionReason[] | undefined {
  let n = 0;
  let lists = 0;
  for (let i = 0; i < exact.length; i++) {
    const s = exact[i] as CompiledStatement;
    if (applies(s, true, action, resource, context)) scratch[n++] = s;
  }
  if (n > 0) lists++;
  let before = n;
  for (let i = 0; i < wild.length; i++) {
    const s = wild[i] as CompiledStatement;
    if (applies(s, false, action, resource, context)) scratch[n++] = s;
  }
  if (n > before) lists++;
  before = n;
  for (let i = 0; i < global.length; i++) {
    const s = global[i] as CompiledStatement;
    if (applies(s, false, action, resource, context)) scratch[n++] = s;
  }
  if (n > before) lists++;
  if (n === 0) return undefined;
  if (lists > 1) {
    // insertion sort by document position: matches are few
    for (let i = 1; i < n; i++) {
      const s = scratch[i] as CompiledStatement;
      let j = i - 1;
      while (j >= 0 && (scratch[j] as CompiledStatement).index > s.index) {
        scratch[j + 1] = scratch[j] as CompiledStatement;
        j--;
      }
      scratch[j + 1] = s;
    }
  }
  const reasons: DecisionReason[] = [];
  for (let i = 0; i < n; i++) reasons.push((scratch[i] as CompiledStatement).reason);
  return reasons;
}

/** `exactHit`: the statement came from the exact-action list, so its Action already matched. */
function applies(
  s: CompiledStatement,
  exactHit: boolean,
  action: string,
  resource: string,
  context: RequestContext,
): boolean {
  if (!exactHit && s.action !== undefined && !s.action(action)) return false;
  if (s.notAction !== undefined && s.notAction(action)) return false;
  if (s.resource !== undefined && !s.resource(resource)) return false;
  if (s.notResource !== undefined && s.notResource(resource)) return false;
  if (s.condition === undefined) return true;
  const result = s.condition(context);
  return result === "error" ? s.deny : result;
}
