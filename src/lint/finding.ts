/** A lint finding: collected, never thrown. */

export type Severity = "error" | "warning" | "info";
export type RuleCategory = "schema" | "structure" | "merge" | "security" | "effect";

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  /** Repository-relative path with forward slashes. */
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** JSON path inside the document ("spec.Statement[0].Effect"); "" for the whole file. */
  path: string;
  help?: string;
}

export interface LintSummary {
  errors: number;
  warnings: number;
  infos: number;
  files: number;
}

export interface LintResult {
  findings: Finding[];
  summary: LintSummary;
}

/** What reporters need besides findings: file texts for excerpts and carets. */
export interface ReportInput extends LintResult {
  /** Repository-relative path → file text, for excerpt lines. */
  sources: ReadonlyMap<string, string>;
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    ORDER[a.severity] - ORDER[b.severity] ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}

export function summarize(findings: readonly Finding[], files: number): LintSummary {
  const s: LintSummary = { errors: 0, warnings: 0, infos: 0, files };
  for (const f of findings) {
    if (f.severity === "error") s.errors++;
    else if (f.severity === "warning") s.warnings++;
    else s.infos++;
  }
  return s;
}
