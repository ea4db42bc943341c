/**
 * The decision engine: the effective-policy types, every evaluator, and `compileEngine`, which
 * compiles one target's effective policy once. Pure and self-contained (it imports nothing outside
 * src/engine but the shared error base), so the loader, `edict serve` and the report page can ship
 * it to any runtime with `fetch`.
 */
export { compileEngine } from "./engine.js";
export type { Engine } from "./engine.js";
export type {
  EffectiveAccess,
  EffectiveData,
  EffectiveDataRule,
  EffectiveLock,
  EffectivePosture,
  EffectiveRuntime,
  EffectiveStatement,
  EffectiveTarget,
  Provenance,
} from "./effective.js";
export type { AccessSpec, ComplianceRule, ConditionBlock, ConditionValue, ContextMatcher, DataSpec, OneOrMany, PostureSpec, RuntimeSpec, Statement } from "./spec.js";
export * from "./access/index.js";
export * from "./data/index.js";
export * from "./posture/index.js";
export * from "./runtime/index.js";
export * from "./scan/index.js";
export * from "./match/index.js";
export * from "./vocabulary.js";
