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
 *
 * Per distinct action (a bounded cache) the three lists are cut down once to the statements
 * whose Action/NotAction match it, in document order, and split by resource: statements whose
 * every Resource pattern begins with a literal `scheme://authority/` are filed under that key,
 * the rest (`*`, NotResource only, …) under `any`. A decision then reads `any` plus its own
 * resource's key and tests only Resource and Condition, so its cost follows the statements that
 * can apply, not the size of the policy. Results are read-only and may be shared (the implicit
 * deny, the reason entries, the approval requirement).
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
  /** `scheme://authority/` keys every matching resource starts with; undefined when any resource may match. */
  readonly keys: readonly string[] | undefined;
}

/**
 * The statements whose Action (and NotAction) match one action, in document order, split by
 * resource: `byKey` holds those whose every Resource pattern starts with a literal
 * `scheme://authority/`, under that key; `any` holds the rest.
 */
interface Candidates {
  readonly any: readonly CompiledStatement[];
  readonly byKey: ReadonlyMap<string, readonly CompiledStatement[]>;
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
  readonly deny: Candidates;
  readonly allow: Candidates;
  readonly approval: ApprovalRequirement | undefined;
}

/** Distinct actions remembered per engine before the cache starts over. */
const PLAN_CACHE_SIZE = 4096;

const EMPTY_SLOT: Slot = Object.freeze({ deny: [], allow: [] });
const EMPTY_LIST: readonly CompiledStatement[] = Object.freeze([]);
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
      const exact = index.exact.get(action) ?? EMPTY_SLOT;
      const wild = index.wild.get(serviceOf(action)) ?? EMPTY_SLOT;
      plan = {
        deny: candidatesFor(action, exact.deny, wild.deny, index.global.deny),
        allow: candidatesFor(action, exact.allow, wild.allow, index.global.allow),
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
    const resource = request.resource;
    const context = request.context ?? EMPTY_CONTEXT;
    const key = resourceKey(resource);

    const denies = scan(scratch, plan.deny, key, resource, context);
    if (denies !== undefined) return { decision: "deny", reasons: denies };
    const reasons = scan(scratch, plan.allow, key, resource, context);
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
    keys: s.Resource === undefined ? undefined : resourceKeys(s.Resource),
  };
}

/** `scheme://authority/` of a resource (or of a pattern's literal head), or undefined. */
function resourceKey(text: string): string | undefined {
  const sep = text.indexOf("://");
  if (sep < 0) return undefined;
  const slash = text.indexOf("/", sep + 3);
  return slash < 0 ? undefined : text.slice(0, slash + 1);
}

/** The keys of Resource patterns, or undefined when one of them can match a resource without a key. */
function resourceKeys(patterns: readonly string[]): string[] | undefined {
  const keys = new Set<string>();
  for (const p of patterns) {
    const wildcard = p.search(/[*?]/);
    const key = resourceKey(wildcard < 0 ? p : p.slice(0, wildcard));
    if (key === undefined) return undefined;
    keys.add(key);
  }
  return [...keys];
}

/** The statements of three disjoint lists whose action part matches `action`, in document order, by resource key. */
function candidatesFor(action: string, ...lists: ReadonlyArray<readonly CompiledStatement[]>): Candidates {
  const matching = lists
    .flat()
    .filter((s) => (s.action === undefined || s.action(action)) && (s.notAction === undefined || !s.notAction(action)))
    .sort((a, b) => a.index - b.index);
  const any: CompiledStatement[] = [];
  const byKey = new Map<string, CompiledStatement[]>();
  for (const s of matching) {
    if (s.keys === undefined) {
      any.push(s);
      continue;
    }
    for (const k of s.keys) {
      let list = byKey.get(k);
      if (list === undefined) byKey.set(k, (list = []));
      list.push(s);
    }
  }
  return { any, byKey };
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

/** Reasons of every applying candidate, in document order; undefined when none applies. */
function scan(
  scratch: CompiledStatement[],
  candidates: Candidates,
  key: string | undefined,
  resource: string,
  context: RequestContext,
): DecisionReason[] | undefined {
  let n = 0;
  const any = candidates.any;
  for (let i = 0; i < any.length; i++) {
    const s = any[i] as CompiledStatement;
    if (applies(s, resource, context)) scratch[n++] = s;
  }
  const fromAny = n;
  const keyed = key === undefined ? EMPTY_LIST : (candidates.byKey.get(key) ?? EMPTY_LIST);
  for (let i = 0; i < keyed.length; i++) {
    const s = keyed[i] as CompiledStatement;
    if (applies(s, resource, context)) scratch[n++] = s;
  }
  if (n === 0) return undefined;
  if (fromAny > 0 && n > fromAny) {
    // two sorted runs: insertion sort by document position (matches are few)
    for (let i = fromAny; i < n; i++) {
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

/** The resource and condition parts; the action part was checked when the plan was made. */
function applies(s: CompiledStatement, resource: string, context: RequestContext): boolean {
  if (s.resource !== undefined && !s.resource(resource)) return false;
  if (s.notResource !== undefined && s.notResource(resource)) return false;
  if (s.condition === undefined) return true;
  const result = s.condition(context);
  return result === "error" ? s.deny : result;
}
