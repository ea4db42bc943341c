/** The semantic diff of effective policies (SPEC §5): compare, judge, render. Pure: no git, no files. */
export { diffRepositories, diffTargetMerges, emptyTargetMerge, DEFAULT_MAX_EXAMPLES } from "./diff.js";
export type { DiffOptions } from "./diff.js";
export { compareAccess, diffStatements, isLooserDecision, matchStatements, writtenStatements } from "./access.js";
export { diffData, ruleAction } from "./data.js";
export { diffFields, diffLeaves, leafVerdict } from "./fields.js";
export type { LeafDiff, LeafVerdict } from "./fields.js";
export { diffPacks } from "./packs.js";
export { buildWitnesses, DEFAULT_MAX_REQUESTS } from "./witness.js";
export type { WitnessOptions, WitnessSet } from "./witness.js";
export { instantiatePattern, statementCovers, FRESH } from "./witness-targets.js";
export { combineVerdicts, isLoosening, isTightening, nextVersion, overallVerdict } from "./verdict.js";
export { renderDiffJson, toDiffJson } from "./render-json.js";
export { renderDiffMarkdown, effectivePatch, DEFAULT_MARKDOWN_MAX } from "./render-markdown.js";
export type { DiffMarkdownOptions } from "./render-markdown.js";
export { renderDiffText } from "./render-text.js";
export type { DiffTextOptions } from "./render-text.js";
export type {
  AccessComparison,
  Change,
  ChangeSubject,
  ChangeType,
  ChangeVerdict,
  DecisionChange,
  DiffCounts,
  DiffResult,
  DiffVerdict,
  PackChange,
  PackChangeType,
  TargetDiff,
  WitnessContext,
  WitnessRequest,
} from "./types.js";
