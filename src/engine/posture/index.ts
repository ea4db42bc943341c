/** PosturePolicy evaluation; detection lives in src/posture. */
export { evaluatePosture, isEnvironment, postureSections, providerFor } from "./evaluate.js";
export { BUILTIN_POSTURE_POLICIES, toEffectivePosture } from "./builtins.js";
export type { BuiltinPostureName } from "./builtins.js";
export type { PostureCheck, PostureFacts, PostureResult } from "./types.js";
