/**
 * The decisions of the statements one lookup meets (for one action, in document order). Those
 * that apply to every request meeting them are set aside; the others are tested per request, and
 * the decision for each set of them that applies is made on first use, frozen and shared, so a
 * decision usually allocates nothing.
 */
import { applies, appliesAlways } from "./statement.js";
import type { CompiledStatement } from "./statement.js";
import type { AccessDecision, ApprovalRequirement, DecisionReason, RequestContext } from "./types.js";

/** Tested statements up to which decisions are remembered by the bit set of those that apply. */
const MEMO_BITS = 8;

const EMPTY_LIST: readonly never[] = Object.freeze([]);
const IMPLICIT_DENY: AccessDecision = Object.freeze({ decision: "deny", reasons: EMPTY_LIST });

/** The decision for a request that met the statements: from its resource and context. */
export type DecisionTable = (resource: string, context: RequestContext) => AccessDecision;

/** `met`: the statements met, in document order; `approval`: what an allowed request of this action needs. */
export function decisionTable(met: readonly CompiledStatement[], approval: ApprovalRequirement | undefined): DecisionTable {
  /** Statements that apply to every request that meets them. */
  const always = met.filter(appliesAlways);
  const denied = always.some((s) => s.deny);
  /** Statements with a Resource or Condition to test; Allows are left out when an `always` Deny decides. */
  const tested = met.filter((s) => !appliesAlways(s) && (s.deny || !denied));
  /** A matching Deny wins, a matching Allow allows, and nothing matching is an implicit deny. */
  const make = (applying: readonly CompiledStatement[]): AccessDecision => {
    const all = applying.length === 0 ? always : [...always, ...applying].sort((a, b) => a.index - b.index);
    const denies = all.filter((s) => s.deny);
    if (denies.length > 0) return { decision: "deny", reasons: denies.map(reasonOf) };
    if (all.length === 0) return IMPLICIT_DENY;
    const reasons = all.map(reasonOf);
    return approval === undefined ? { decision: "allow", reasons } : { decision: "approval_required", reasons, approval };
  };
  if (tested.length > MEMO_BITS) return (resource, context) => make(tested.filter((s) => applies(s, resource, context)));
  /** Decisions by the bit set of `tested` that apply. */
  const memo = new Array<AccessDecision | undefined>(1 << tested.length);
  return (resource, context) => {
    let bits = 0;
    for (let i = 0; i < tested.length; i++) if (applies(tested[i] as CompiledStatement, resource, context)) bits |= 1 << i;
    return (memo[bits] ??= freeze(make(tested.filter((_, i) => (bits >> i) & 1))));
  };
}

const reasonOf = (s: CompiledStatement): DecisionReason => s.reason;

function freeze(decision: AccessDecision): AccessDecision {
  Object.freeze(decision.reasons);
  return Object.freeze(decision);
}
