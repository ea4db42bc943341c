/** Shapes of the compliance scanner. */

/** Where text comes from: a tool's input or its output. */
export type ScanLocation = "input" | "output";

/** One match of a regex compliance rule. */
export interface ScanFinding {
  readonly pack: string;
  readonly rule: string;
  /** The pattern as written in the policy, e.g. "(?i)api_key=". */
  readonly pattern: string;
  /** Offset of the match in the scanned text (UTF-16 code units). */
  readonly index: number;
  /** The matched text, cut to at most 80 characters. */
  readonly match: string;
  /** Length of the whole match (UTF-16 code units), which `match` may not show in full. */
  readonly length: number;
}

export interface Scanner {
  /** Runs every enabled regex rule for the location; findings in rule order, then by offset. */
  scan(text: string, location: ScanLocation): ScanFinding[];
}
