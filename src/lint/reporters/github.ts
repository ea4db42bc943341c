/**
 * GitHub Actions workflow commands, one per finding, which GitHub turns into annotations on the
 * pull request's diff. Escaping follows the runner's `toCommandValue`/`escapeProperty`.
 */
import type { Finding, ReportInput, Severity } from "../finding.js";
import { sortFindings } from "./common.js";

const COMMAND: Record<Severity, string> = { error: "error", warning: "warning", info: "notice" };

/** `::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=RULE::MESSAGE` lines. */
export function formatGithub(input: ReportInput): string {
  return sortFindings(input.findings)
    .map((f) => `${formatCommand(f)}\n`)
    .join("");
}

function formatCommand(f: Finding): string {
  const props: Array<[string, string]> = [["file", f.file]];
  // A finding about the whole file has no position; GitHub then annotates the file.
  if (f.line >= 1) {
    props.push(["line", String(f.line)], ["col", String(Math.max(1, f.column))]);
    props.push(["endLine", String(Math.max(f.line, f.endLine))], ["endColumn", String(Math.max(1, f.endColumn))]);
  }
  props.push(["title", f.rule]);
  const message = f.help === undefined ? f.message : `${f.message}\nhelp: ${f.help}`;
  const list = props.map(([k, v]) => `${k}=${escapeProperty(v)}`).join(",");
  return `::${COMMAND[f.severity]} ${list}::${escapeData(message)}`;
}

/** Message text: a raw newline would end the command and let the rest run as a new one. */
export function escapeData(s: string): string {
  return s.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** Property values: additionally `:` and `,`, which delimit the property list. */
export function escapeProperty(s: string): string {
  return escapeData(s).replaceAll(":", "%3A").replaceAll(",", "%2C");
}
