export { buildAllTargets, buildTarget, KIND_KEYS, targetNames } from "./effective.js";
export type { KindKey, TargetMerge } from "./effective.js";
export { mergeSpecs, provenanceOf, stableStringify } from "./merge.js";
export type { MergeEvent, MergeEventKind, MergeResult } from "./merge.js";
export { appliesTo, compareRanked, packOwnership, rankDocuments } from "./precedence.js";
export type { RankedDocument } from "./precedence.js";
export { desugarWorkspaceControls } from "./desugar.js";
