/** Regex compliance scanning. */
export { compileScanner, MATCH_PREVIEW_LENGTH, MAX_FINDINGS_PER_PATTERN, selectPacks } from "./scanner.js";
export type { ScanFinding, ScanLocation, Scanner } from "./types.js";
