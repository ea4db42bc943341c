/** Helpers shared by the reporters: a stable order and English counts. */
import { compareFindings } from "../finding.js";
import type { Finding, RuleCategory, Severity } from "../finding.js";

/** Rule documentation a reporter may print (the `meta` of a lint rule). */
export interface RuleDoc {
  id: string;
  category: RuleCategory;
  severity: Severity;
  /** One paragraph: what it finds, why it matters, how to fix it. */
  description: string;
}

/** A sorted copy, so every format lists findings in the same order whatever the caller passed. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/** "1 error", "2 errors", "0 infos". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
