/** AccessPolicy evaluation: a reference evaluator and the compiled one the loader serves. */
export { compileAccess } from "./compiled.js";
export { evaluateAccessReference } from "./reference.js";
export { evaluateCondition, lookupContext } from "./conditions.js";
export { compileCondition } from "./compiled-condition.js";
export type { CompiledCondition } from "./compiled-condition.js";
export { toBool, toEpochMillis, toNumber } from "./values.js";
export type {
  AccessDecision,
  AccessDecisionKind,
  AccessEvaluator,
  AccessPolicy,
  AccessRequest,
  ApprovalRequirement,
  ConditionResult,
  ContextEntry,
  ContextScalar,
  DecisionReason,
  RequestContext,
} from "./types.js";
