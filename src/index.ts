/** edict's programmatic API: reading repositories, linting, and formatting reports. */
export { EdictError, isEdictError } from "./errors.js";
export type { EdictErrorCode, SourcePosition } from "./errors.js";
export { parseSource } from "./policy/source.js";
export type { SourceFile, SourceProblem } from "./policy/source.js";
export { buildRepository, classifyPath } from "./policy/repository.js";
export type { Repository, RepoFile, PolicyEntry, RawFile } from "./policy/repository.js";
export { readRepository } from "./policy/read-repository.js";
export { runLint } from "./lint/engine.js";
export { RULES, findRule } from "./lint/registry.js";
export type { Finding, LintResult, Severity } from "./lint/finding.js";
export type { Rule, RuleMeta } from "./lint/rule.js";
export { formatReport, REPORT_FORMATS } from "./lint/reporters/index.js";
export type * from "./policy/types.js";
export type * from "./policy/effective.js";
export { EDICT_VERSION } from "./version.js";
