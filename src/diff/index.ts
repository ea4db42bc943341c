/** The semantic diff of effective policies: compare, judge, render. Pure: no git, no files. */
export { diffEffectiveTargets } from "./effective-targets.js";
export { countsOf, diffRepositories, diffTargetMerges, emptyTargetMerge, DEFAULT_MAX_EXAMPLES } from "./diff.js";
export type { DiffOptions } from "./diff.js";
export { compareAccess, diffStatements, isLooserDecision, matchStatements, writtenStatements } from "./access.js";
export { diffData, ruleAction } from "./data.js";
export { compareData, isLooserAction, DEFAULT_MAX_DATA_CELLS } from "./data-regions.js";
export type { DataCompareOptions, DataComparison } from "./data-regions.js";
export { diffFields, diffLeaves, leafVerdict } from "./fields.js";
export type { LeafDiff, LeafVerdict } from "./fields.js";
export { diffInstalledPacks, diffPacks } from "./packs.js";
export { compareAccessRegions, DEFAULT_MAX_REGIONS } from "./access-regions.js";
export type { AccessRegionOptions } from "./access-regions.js";
export { compareTools } from "./tool-regions.js";
export type { ToolComparison } from "./tool-regions.js";
export { statementCovers } from "./statement-targets.js";
export { combineVerdicts, isLoosening, isTightening, nextVersion, notProvenNote, overallVerdict, verdictOfTargets } from "./verdict.js";
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
  DataDecisionChange,
  PackChange,
  ProofStatus,
  Region,
  ToolDecisionChange,
  PackChangeType,
  TargetDiff,
  WitnessContext,
  WitnessRequest,
} from "./types.js";
