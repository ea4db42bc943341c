/** RuntimePolicy tool checks. */
export { compileRuntime } from "./compiled.js";
export { compileToolPattern, formatToolUri, parseToolUri } from "./tool-uri.js";
export type { ToolMatcher } from "./tool-uri.js";
export { compileHostPattern, compilePathPattern, normalizePath, toHost } from "./boundary.js";
export type {
  GuardSeverity,
  RuntimeEvaluator,
  ScanStatus,
  ToolDecision,
  ToolFacts,
  ToolUri,
  ToolViolation,
} from "./types.js";
