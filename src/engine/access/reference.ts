/**
 * The reference AccessPolicy evaluator: every statement is checked on every request,
 * straight from the rules. It is the oracle the compiled evaluator is tested against.
 *
 * - A statement applies when its Action matches (or, with NotAction, the action matches none of
 *   them), its Resource matches (or NotResource matches none; neither means any resource) and its
 *   Condition is true. A statement with neither Action nor NotAction applies to nothing.
 * - Fail closed: a Condition that evaluates to "error" applies for a Deny, not for an Allow.
 * - A matching Deny wins; otherwise a matching Allow allows; otherwise implicit deny.
 * - An allowed action matching any `RequireApproval.Actions` pattern needs approval.
 */
import type { EffectiveStatement } from "../effective.js";
import { matchWildcard } from "../match/wildcard.js";
import { evaluateCondition } from "./conditions.js";
import type { AccessDecision, AccessPolicy, AccessRequest, ApprovalRequirement, DecisionReason, RequestContext } from "./types.js";

export function evaluateAccessReference(access: AccessPolicy, request: AccessRequest): AccessDecision {
  const context = request.context ?? {};
  const applying = (effect: "Allow" | "Deny"): EffectiveStatement[] =>
    access.Statement.filter((s) => s.Effect === effect && applies(s, request, context));

  const denies = applying("Deny");
  if (denies.length > 0) return { decision: "deny", reasons: denies.map(toReason) };

  const allows = applying("Allow");
  if (allows.length === 0) return { decision: "deny", reasons: [] };
  const reasons = allows.map(toReason);

  const approval = access.RequireApproval;
  const actions = (approval?.Actions ?? []).filter((p) => matchWildcard(p, request.action, true));
  if (actions.length === 0) return { decision: "allow", reasons };
  const requirement: ApprovalRequirement = {
    ...(approval?.ApproverRole !== undefined ? { approverRole: approval.ApproverRole } : {}),
    ...(approval?.TimeoutSeconds !== undefined ? { timeoutSeconds: approval.TimeoutSeconds } : {}),
    actions,
  };
  return { decision: "approval_required", reasons, approval: requirement };
}

function applies(s: EffectiveStatement, request: AccessRequest, context: RequestContext): boolean {
  if (s.Action === undefined && s.NotAction === undefined) return false;
  const actionOk =
    (s.Action === undefined || anyMatch(s.Action, request.action, true)) &&
    (s.NotAction === undefined || !anyMatch(s.NotAction, request.action, true));
  const resourceOk =
    (s.Resource === undefined || anyMatch(s.Resource, request.resource, false)) &&
    (s.NotResource === undefined || !anyMatch(s.NotResource, request.resource, false));
  if (!actionOk || !resourceOk) return false;
  const condition = evaluateCondition(s.Condition, context);
  return condition === "error" ? s.Effect === "Deny" : condition;
}

function anyMatch(patterns: readonly string[], value: string, ignoreCase: boolean): boolean {
  return patterns.some((p) => matchWildcard(p, value, ignoreCase));
}

function toReason(s: EffectiveStatement): DecisionReason {
  return s.Sid === undefined
    ? { policy: s.source.policy, file: s.source.file, effect: s.Effect }
    : { policy: s.source.policy, file: s.source.file, sid: s.Sid, effect: s.Effect };
}
