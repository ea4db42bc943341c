/** The machine format of SPEC Appendix A: a contract that scripts and the Action read. */
import type { ReportInput } from "../finding.js";
import { sortFindings } from "./common.js";

/** `{"findings": [...], "summary": {...}}`, 2-space indented, with a trailing newline. */
export function formatJson(input: ReportInput): string {
  // Built field by field so the key order is fixed and nothing else on the objects leaks out.
  const findings = sortFindings(input.findings).map((f) => ({
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    path: f.path,
    ...(f.help === undefined ? {} : { help: f.help }),
  }));
  const { errors, warnings, infos, files } = input.summary;
  return `${JSON.stringify({ findings, summary: { errors, warnings, infos, files } }, null, 2)}\n`;
}
