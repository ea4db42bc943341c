/**
 * The compiled AccessPolicy evaluator the loader serves: same answers as
 * ./reference.ts, but statements are indexed once so a decision touches only candidates.
 *
 * Statements are filed under the `service:` that every action their Action patterns can match
 * begins with (`s3:` for `s3:GetObject` and `s3:Get*`), or under "" when a pattern's service part
 * has a wildcard (`*`, `*:Read`) or there is NotAction only: those are candidates for every action.
 *
 * Each Resource pattern files its statement under the pattern's `/`-ended literal prefix
 * (`db://prod/users/` for `db://prod/users/*` and `db://prod/users/42`; the root for `*` or no
 * Resource), numbered once in a {@link prefixTable}. Per distinct action (a bounded cache) the
 * statements under its service and under "" are cut down once to those whose Action/NotAction
 * match it, into an {@link ActionPlan}: per prefix, a table of the statements a resource with
 * that prefix meets. A decision walks its resource once to its deepest prefix and tests only
 * what is left to test there (a statement `prefix*` without Condition applies as soon as it is
 * met), so its cost follows the statements that can apply, not the size of the policy.
 * Decisions are frozen and shared.
 */
import type { ConditionBlock } from "../spec.js";
import { globMatch } from "../match/wildcard.js";
import { compileCondition, ipReader } from "./compiled-condition.js";
import type { CompiledCondition } from "./compiled-condition.js";
// this order of the modules below gives the loader bundle 23 B less gzip than alphabetical order
import { actionMatches, compileStatement, headLength } from "./statement.js";
import type { CompiledStatement } from "./statement.js";
import { prefixTable } from "./prefix-index.js";
import { actionPlan } from "./plan.js";
import type { ActionPlan } from "./plan.js";
import type { AccessDecision, AccessEvaluator, AccessPolicy, AccessRequest, ApprovalRequirement, RequestContext } from "./types.js";

/** Distinct actions remembered per engine before the cache starts over. */
const PLAN_CACHE_SIZE = 4096;

const EMPTY_CONTEXT: RequestContext = Object.freeze({});

/**
 * Compiles the effective access policy once; `authorize` then answers requests.
 *
 * @example
 * const engine = compileAccess(effective.access);
 * engine.authorize({ action: "db:Select", resource: "db://production/users", context: { "source.ip": "10.1.2.3" } });
 */
export function compileAccess(access: AccessPolicy): AccessEvaluator {
  const byService = new Map<string, CompiledStatement[]>();
  const prefixes = prefixTable();
  const readIp = ipReader();
  // one compiled condition per distinct block: statements that repeat a condition share its code
  const conditions = new Map<string, CompiledCondition | undefined>();
  const compileBlock = (block: ConditionBlock): CompiledCondition | undefined => {
    const key = JSON.stringify(block);
    if (!conditions.has(key)) conditions.set(key, compileCondition(block, readIp));
    return conditions.get(key);
  };
  access.Statement.forEach((statement, position) => {
    // a statement with neither Action nor NotAction applies to nothing
    if (statement.Action === undefined && statement.NotAction === undefined) return;
    const s = compileStatement(statement, position, compileBlock, prefixes.addHead);
    // filed under the `service:` every matching (lower-cased) action starts with, or ""
    const keys = (s.actions ?? ANY).map(serviceKey);
    for (const key of keys.includes("") ? ANY_KEY : keys) {
      const list = byService.get(key) ?? (byService.set(key, []).get(key) as CompiledStatement[]);
      if (list.at(-1) !== s) list.push(s);
    }
  });
  prefixes.seal();
  // what depends on the action alone, keyed by the action as the caller spelled it
  const plans = new Map<string, ActionPlan>();

  const planFor = (raw: string): ActionPlan => {
    let plan = plans.get(raw);
    if (plan === undefined) {
      const action = raw.toLowerCase();
      const colon = action.indexOf(":");
      // the statements under the action's `service:` and those under "" (a table puts them in document order)
      const candidates = [...(byService.get("") ?? []), ...((colon < 0 ? undefined : byService.get(action.slice(0, colon + 1))) ?? [])];
      plan = actionPlan(
        candidates.filter((s) => actionMatches(s, action)),
        prefixes,
        approvalFor(access, action),
      );
      // bounded, so a caller sending endless distinct actions cannot grow memory
      if (plans.size >= PLAN_CACHE_SIZE) plans.clear();
      plans.set(raw, plan);
    }
    return plan;
  };

  const authorize = (request: AccessRequest): AccessDecision => {
    return planFor(request.action)(request.resource, request.context ?? EMPTY_CONTEXT);
  };
  return { authorize };
}

/** The approval an allowed (lower-cased) action needs, or undefined; results are shared and frozen. */
function approvalFor({ RequireApproval: approval }: AccessPolicy, action: string): ApprovalRequirement | undefined {
  const actions = approval?.Actions?.filter((pattern) => globMatch(pattern.toLowerCase(), action));
  if (!actions?.length) return undefined;
  const { ApproverRole: approverRole, TimeoutSeconds: timeoutSeconds } = approval as NonNullable<typeof approval>;
  return Object.freeze({
    ...(approverRole !== undefined ? { approverRole } : {}),
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    actions: Object.freeze(actions),
  });
}

const ANY: readonly string[] = ["*"];
const ANY_KEY: readonly string[] = [""];

/** The `service:` a (lower-cased) action pattern's literal head starts with (`s3:` for `s3:Get*`), or "" when it has none. */
function serviceKey(pattern: string): string {
  const colon = pattern.indexOf(":");
  return colon < headLength(pattern) ? pattern.slice(0, colon + 1) : "";
}
