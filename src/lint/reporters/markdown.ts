/**
 * Markdown for a pull-request comment or job summary: a summary line and one table, cut short
 * before GitHub's comment size limit (65,536 characters).
 */
import type { Finding, ReportInput, Severity } from "../finding.js";
import { count, sortFindings } from "./common.js";

export interface MarkdownOptions {
  /** Upper bound on the output length in characters; default 60,000. */
  maxChars?: number;
  /** Locations link to `${linkBase}/${file}#L${line}`, e.g. a blob URL at the head commit. */
  linkBase?: string;
}

export const DEFAULT_MAX_CHARS = 60_000;
const EMOJI: Record<Severity, string> = { error: "❌", warning: "⚠️", info: "ℹ️" };
const TABLE_HEAD = "| | Location | Rule | Message |\n|---|---|---|---|\n";

/**
 * The summary line, then a table of findings. Rows stop once the next would push the output
 * past `maxChars`, and a last line says how many were left out. Only a `maxChars` too small for
 * the summary line and that last line together can be exceeded.
 */
export function formatMarkdown(input: ReportInput, options: MarkdownOptions = {}): string {
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const head = `${summaryLine(input)}\n`;
  const findings = sortFindings(input.findings);
  if (findings.length === 0) return head;

  const rows = findings.map((f) => row(f, options.linkBase));
  const note = (n: number): string => `\n… ${count(n, "more finding")} not shown\n`;
  // The note is longest when its count is largest, so reserving that length is always enough.
  const reserve = note(findings.length).length;
  let out = `${head}\n${TABLE_HEAD}`;
  let shown = 0;
  for (const r of rows) {
    const isLast = shown === rows.length - 1;
    if (out.length + r.length + (isLast ? 0 : reserve) > maxChars) break;
    out += r;
    shown++;
  }
  if (shown === rows.length) return out;
  if (shown === 0) return `${head}${note(rows.length)}`;
  return out + note(rows.length - shown);
}

function summaryLine(input: ReportInput): string {
  const { errors, warnings, infos, files } = input.summary;
  const where = `in ${count(files, "file")}`;
  if (errors + warnings + infos === 0) return `**edict lint**: ✅ no problems ${where}`;
  return `**edict lint**: ${EMOJI.error} ${count(errors, "error")}, ${EMOJI.warning} ${count(warnings, "warning")}, ${EMOJI.info} ${count(infos, "info")} ${where}`;
}

function row(f: Finding, linkBase: string | undefined): string {
  const where = f.line >= 1 ? `${f.file}:${f.line}:${f.column}` : f.file;
  const location =
    linkBase === undefined
      ? escapeCell(where)
      : `[${escapeCell(where)}](${linkBase.replace(/\/+$/, "")}/${toUrlPath(f.file)}${f.line >= 1 ? `#L${f.line}` : ""})`;
  const rule = /^[\w.-]+$/.test(f.rule) ? `\`${f.rule}\`` : escapeCell(f.rule);
  const message = escapeCell(f.message) + (f.help === undefined ? "" : `<br>💡 ${escapeCell(f.help)}`);
  return `| ${EMOJI[f.severity]} | ${location} | ${rule} | ${message} |\n`;
}

/**
 * Text safe inside a table cell: `|` would split the cell, a newline would end the row, and
 * backticks, emphasis, links or HTML in a message must show as typed.
 */
export function escapeCell(s: string): string {
  return s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, "<br>");
}

function toUrlPath(file: string): string {
  return file
    .split("/")
    .map((seg) => encodeURIComponent(seg).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
}
