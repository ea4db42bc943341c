/** Shapes shared by the reference and the compiled AccessPolicy evaluators. */
import type { EffectiveAccess } from "../effective.js";

/** One value of a request context key. */
export type ContextScalar = string | number | boolean;

/** A context entry: a scalar, a multi-valued key, or absent (`null` / `undefined`). */
export type ContextEntry = ContextScalar | readonly ContextScalar[] | null | undefined;

/**
 * Request context, e.g. `{ "source.ip": "10.1.2.3" }`. Key names are looked up like IAM context
 * keys: an exact match first, otherwise the first key equal under ASCII case folding.
 */
export type RequestContext = Readonly<Record<string, ContextEntry>>;

/** Three-valued result of a Condition block: `"error"` when a value could not be interpreted. */
export type ConditionResult = boolean | "error";

export interface AccessRequest {
  readonly action: string;
  readonly resource: string;
  readonly context?: RequestContext;
}

/** What an evaluator needs from the effective access policy. */
export type AccessPolicy = Pick<EffectiveAccess, "Statement" | "RequireApproval">;

export type AccessDecisionKind = "allow" | "deny" | "approval_required";

/** A statement that decided the request. */
export interface DecisionReason {
  readonly policy: string;
  readonly file: string;
  /** Present only when the statement has a `Sid`. */
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
}

export interface ApprovalRequirement {
  /** Present only when `RequireApproval.ApproverRole` is set. */
  readonly approverRole?: string;
  /** Present only when `RequireApproval.TimeoutSeconds` is set. */
  readonly timeoutSeconds?: number;
  /** The `RequireApproval.Actions` patterns the action matched, in document order. */
  readonly actions: readonly string[];
}

/**
 * The answer to one request. Results are read-only: the compiled evaluator may hand out shared
 * frozen objects (the implicit deny, the reason entries).
 */
export interface AccessDecision {
  readonly decision: AccessDecisionKind;
  /** Every matching Deny, or else every matching Allow, in document order; empty for an implicit deny. */
  readonly reasons: readonly DecisionReason[];
  /** Present only for `approval_required`. */
  readonly approval?: ApprovalRequirement;
}

export interface AccessEvaluator {
  authorize(request: AccessRequest): AccessDecision;
}
