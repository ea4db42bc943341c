/** Shapes of DataPolicy evaluation. */
import type { DataAction, MaskingMethod } from "../vocabulary.js";

/** One requested field; its tags are `tags` plus its `sensitivity` and `category`. */
export interface RequestedField {
  readonly name: string;
  readonly sensitivity?: string;
  readonly category?: string;
  readonly tags?: readonly string[];
}

export interface DataRequester {
  readonly role?: string;
  readonly clearance?: string;
  readonly region?: string;
}

export interface DataRequest {
  readonly dataset: string;
  readonly fields: readonly RequestedField[];
  readonly requester: DataRequester;
  readonly dataset_region?: string;
  readonly environment?: string;
}

export interface DataDecision {
  readonly action: DataAction;
  /** Id of the rule that supplied the reason; null when no rule matched. */
  readonly policy: string | null;
  readonly reason: string;
  /** From the deciding rule's `ttl`, in whole seconds. */
  readonly ttl_seconds?: number;
  readonly approver_role?: string;
  /** Field name → masking method; only when `action` is "mask". */
  readonly masks?: Readonly<Record<string, MaskingMethod>>;
  /** Ids of every matching rule, in the order of the effective rules. */
  readonly matched: readonly string[];
}

export interface DataEvaluator {
  /** Decides one request; `now` (default: the current time) is used by `time` windows. */
  decideData(request: DataRequest, now?: Date): DataDecision;
}
