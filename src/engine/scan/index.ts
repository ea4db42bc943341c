/** Regex compliance scanning (SPEC §2.2 `compliance`, §8: `engine.scan`). */
export { compileScanner, MATCH_PREVIEW_LENGTH, MAX_FINDINGS_PER_PATTERN, selectPacks } from "./scanner.js";
export type { ScanFinding, ScanLocation, Scanner, SkippedPattern, UnevaluatedRule } from "./types.js";
