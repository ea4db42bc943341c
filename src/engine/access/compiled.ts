/**
 * The compiled AccessPolicy evaluator the loader serves: same answers as
 * ./reference.ts, but statements are indexed once so a decision touches only candidates.
 *
 * Statements are filed under the `service:` that every action their Action patterns can match
 * begins with (`s3:` for `s3:GetObject` and `s3:Get*`), or under "" when a pattern's service part
 * has a wildcard (`*`, `*:Read`) or there is NotAction only: those are candidates for every action.
 *
 * Per distinct action (a bounded cache) the statements under its service and under "" are cut
 * down once to those whose Action/NotAction match it, in document order, Deny and Allow apart,
 * and filed the same way by resource: under the literal `scheme://authority/` that every Resource
 * pattern begins with, or under "" (`*`, NotResource only, …). A decision then reads "" and its
 * own resource's key, Deny first, and tests only Resource and Condition, so its cost follows the
 * statements that can apply, not the size of the policy. Results are read-only and may be shared
 * (the implicit deny, the reason entries, the approval requirement).
 */
import type { EffectiveStatement } from "../effective.js";
import { compileWildcard } from "../match/wildcard.js";
import { compileCondition, ipReader } from "./compiled-condition.js";
import type { CompiledCondition, IpReader } from "./compiled-condition.js";
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
  /** `scheme://authority/` keys every matching resource starts with; [""] when any resource may match. */
  readonly resourceKeys: readonly string[];
}

/** Statements by key, each list in document order; "" holds those that may match any value. */
type Index = Map<string, CompiledStatement[]>;

/** Everything that depends on the action alone, computed once per distinct action. */
interface ActionPlan {
  /** The Deny statements whose action part matches, by resource key. */
  readonly deny: Index;
  /** The Allow statements whose action part matches, by resource key. */
  readonly allow: Index;
  readonly approval: ApprovalRequirement | undefined;
}

/** Distinct actions remembered per engine before the cache starts over. */
const PLAN_CACHE_SIZE = 4096;

const EMPTY_LIST: readonly never[] = Object.freeze([]);
const IMPLICIT_DENY: AccessDecision = Object.freeze({ decision: "deny", reasons: EMPTY_LIST });

/**
 * Compiles the effective access policy once; `authorize` then answers requests.
 *
 * @example
 * const engine = compileAccess(effective.access);
 * engine.authorize({ action: "db:Select", resource: "db://production/users", context: { "source.ip": "10.1.2.3" } });
 */
export function compileAccess(access: AccessPolicy): AccessEvaluator {
  const byService: Index = new Map();
  const readIp = ipReader();
  access.Statement.forEach((statement, position) => {
    // a statement with neither Action nor NotAction applies to nothing
    if (statement.Action === undefined && statement.NotAction === undefined) return;
    const s = compileStatement(statement, position, readIp);
    // filed under the `service:` every matching (lower-cased) action starts with, or ""
    for (const key of patternKeys(lowerCase(statement.Action), "", ":")) addTo(byService, key, s);
  });
  const approvalFor = compileApproval(access.RequireApproval);
  // what depends on the action alone, keyed by the action as the caller spelled it
  const plans = new Map<string, ActionPlan>();

  const planFor = (raw: string): ActionPlan => {
    let plan = plans.get(raw);
    if (plan === undefined) {
      const action = raw.toLowerCase();
      plan = { deny: new Map(), allow: new Map(), approval: approvalFor(action) };
      const { deny, allow } = plan;
      forEachCandidate(byService, keyOf(action, "", ":"), (s) => {
        if (s.action?.(action) === false || s.notAction?.(action) === true) return;
        for (const key of s.resourceKeys) addTo(s.deny ? deny : allow, key, s);
      });
      // bounded, so a caller sending endless distinct actions cannot grow memory
      if (plans.size >= PLAN_CACHE_SIZE) plans.clear();
      plans.set(raw, plan);
    }
    return plan;
  };

  const authorize = (request: AccessRequest): AccessDecision => {
    const plan = planFor(request.action);
    const resource = request.resource;
    const context = request.context ?? {};
    const key = keyOf(resource, "://", "/");
    // a matching Deny wins, a matching Allow allows, and nothing matching is an implicit deny
    const denies = reasonsFor(plan.deny, key, resource, context);
    if (denies !== undefined) return { decision: "deny", reasons: denies };
    const allows = reasonsFor(plan.allow, key, resource, context);
    if (allows === undefined) return IMPLICIT_DENY;
    return plan.approval === undefined
      ? { decision: "allow", reasons: allows }
      : { decision: "approval_required", reasons: allows, approval: plan.approval };
  };
  return { authorize };
}

function addTo(index: Index, key: string, s: CompiledStatement): void {
  const list = index.get(key);
  if (list === undefined) index.set(key, [s]);
  else list.push(s);
}

/** Visits the statements filed under `key` and under "", in document order. */
function forEachCandidate(index: Index, key: string | undefined, visit: (s: CompiledStatement) => void): void {
  const any = index.get("") ?? EMPTY_LIST;
  const keyed = (key === undefined ? undefined : index.get(key)) ?? EMPTY_LIST;
  // two disjoint runs in document order, merged
  for (let i = 0, j = 0; i < any.length || j < keyed.length; ) {
    const a = any[i];
    const b = keyed[j];
    visit((a !== undefined && (b === undefined || a.index < b.index) ? any[i++] : keyed[j++]) as CompiledStatement);
  }
}

/** Reasons of the statements under `key` and "" that apply, in document order; undefined when none does. */
function reasonsFor(index: Index, key: string | undefined, resource: string, context: RequestContext): DecisionReason[] | undefined {
  let reasons: DecisionReason[] | undefined;
  forEachCandidate(index, key, (s) => {
    if (applies(s, resource, context)) (reasons ??= []).push(s.reason);
  });
  return reasons;
}

/** The approval an allowed (lower-cased) action needs, or undefined; results are shared and frozen. */
function compileApproval(approval: AccessPolicy["RequireApproval"]): (action: string) => ApprovalRequirement | undefined {
  const patterns = [...(approval?.Actions ?? [])];
  const tests = patterns.map((pattern) => compileWildcard(pattern.toLowerCase()));
  const approverRole = approval?.ApproverRole;
  const timeoutSeconds = approval?.TimeoutSeconds;
  return (action) => {
    const actions = patterns.filter((_, k) => tests[k]?.(action));
    if (actions.length === 0) return undefined;
    return Object.freeze({
      ...(approverRole !== undefined ? { approverRole } : {}),
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      actions: Object.freeze(actions),
    });
  };
}

function compileStatement(s: EffectiveStatement, index: number, readIp: IpReader): CompiledStatement {
  const { policy, file } = s.source;
  return {
    index,
    deny: s.Effect === "Deny",
    action: compilePatterns(lowerCase(s.Action)),
    notAction: compilePatterns(lowerCase(s.NotAction)),
    resource: compilePatterns(s.Resource),
    notResource: compilePatterns(s.NotResource),
    condition: compileCondition(s.Condition, readIp),
    reason: Object.freeze({ policy, file, ...(s.Sid !== undefined && { sid: s.Sid }), effect: s.Effect }),
    resourceKeys: patternKeys(s.Resource, "://", "/"),
  };
}

/**
 * `text` up to and including the first `end` after the first `from`: the `service:` of an
 * action, the `scheme://authority/` of a resource; undefined when there is none.
 */
function keyOf(text: string, from: string, end: string): string | undefined {
  const start = text.indexOf(from);
  const stop = start < 0 ? -1 : text.indexOf(end, start + from.length);
  return stop < 0 ? undefined : text.slice(0, stop + 1);
}

/**
 * The keys of patterns, each from its literal head (the text before any `*` or `?`); [""] when
 * one of them has none, or when there is no list (any value may match).
 */
function patternKeys(patterns: readonly string[] = ["*"], from: string, end: string): string[] {
  const keys = new Set<string>();
  for (const p of patterns) {
    const key = keyOf(p.split(/[*?]/, 1)[0] ?? "", from, end);
    if (key === undefined) return [""];
    keys.add(key);
  }
  return [...keys];
}

/** Actions match case-insensitively: their patterns are tested on the lower-cased action. */
function lowerCase(patterns: readonly string[] | undefined): string[] | undefined {
  return patterns?.map((p) => p.toLowerCase());
}

/** Any-of test over patterns; undefined for no list. */
function compilePatterns(patterns: readonly string[] | undefined): StringTest | undefined {
  const matchers = patterns?.map((p) => compileWildcard(p));
  return matchers?.length === 1 ? matchers[0] : matchers && ((value) => matchers.some((m) => m(value)));
}

/** The resource and condition parts; the action part was checked when the plan was made. */
function applies(s: CompiledStatement, resource: string, context: RequestContext): boolean {
  if (s.resource?.(resource) === false || s.notResource?.(resource) === true) return false;
  const result = s.condition?.(context) ?? true;
  return result === "error" ? s.deny : result;
}
