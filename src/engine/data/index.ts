/** DataPolicy evaluation: the compiled evaluator and its reference. */
export { ACTION_STRENGTH, compileData } from "./compiled.js";
export { referenceDecideData } from "./reference.js";
export { FALLBACK_MASK_METHOD, MASK_STRICTNESS, stricterMask } from "./masking.js";
export { compileTimeWindow } from "./time-window.js";
export type { TimeWindow } from "./time-window.js";
export type { DataDecision, DataEvaluator, DataRequest, DataRequester, RequestedField } from "./types.js";
