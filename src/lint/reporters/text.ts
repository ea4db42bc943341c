/**
 * The human format: findings grouped by file, each with the offending source line and a caret
 * under the range, then one summary line. Colours are plain ANSI escapes, off unless asked for.
 */
import { posix } from "node:path";
import type { Finding, ReportInput, Severity } from "../finding.js";
import { count, sortFindings } from "./common.js";

export interface TextOptions {
  color: boolean;
  /**
   * The repository-relative directory the user ran from ("" or undefined for the root); file
   * headings are printed relative to it so they can be opened from that terminal.
   */
  cwd?: string;
}

/** Tab stops every 4 columns, so a caret under text after a tab lines up. */
export const TAB_WIDTH = 4;
/** Excerpts wider than this are cut around the finding's column. */
export const MAX_EXCERPT_WIDTH = 120;
/** How much of the line to keep left of the column when a long line is cut. */
const CUT_CONTEXT = 30;
const ELLIPSIS = "…";

type Paint = (s: string) => string;
interface Palette {
  bold: Paint;
  dim: Paint;
  green: Paint;
  severity: Record<Severity, Paint>;
}

const ansi = (open: number, close: number): Paint => (s) => (s === "" ? s : `\x1b[${open}m${s}\x1b[${close}m`);
const plain: Paint = (s) => s;
const COLOR: Palette = {
  bold: ansi(1, 22),
  dim: ansi(2, 22),
  green: ansi(32, 39),
  severity: { error: ansi(31, 39), warning: ansi(33, 39), info: ansi(34, 39) },
};
const NO_COLOR: Palette = { bold: plain, dim: plain, green: plain, severity: { error: plain, warning: plain, info: plain } };

/**
 * Formats findings for a terminal.
 *
 * @example
 * process.stdout.write(formatText(input, { color: shouldUseColor(process.stdout, process.env) }));
 */
export function formatText(input: ReportInput, options: TextOptions): string {
  const p = options.color ? COLOR : NO_COLOR;
  const out: string[] = [];
  const layouts = new LayoutMemo();
  const byFile = new Map<string, Finding[]>();
  for (const f of sortFindings(input.findings)) {
    const group = byFile.get(f.file);
    if (group) group.push(f);
    else byFile.set(f.file, [f]);
  }

  for (const [file, findings] of byFile) {
    out.push(p.bold(sanitize(displayPath(file, options.cwd))));
    const lines = splitLines(input.sources.get(file));
    const locWidth = Math.max(...findings.map((f) => location(f).length));
    const gutterWidth = Math.max(...findings.map((f) => String(f.line).length));
    for (const f of findings) {
      const paint = p.severity[f.severity];
      const message = sanitize(f.message).replaceAll("\n", `\n${" ".repeat(locWidth + 13)}`);
      out.push(`  ${location(f).padEnd(locWidth)}  ${paint(f.severity)}${" ".repeat(7 - f.severity.length)}  ${message}  ${f.rule}`);
      const source = lines?.[f.line - 1];
      if (source !== undefined && f.line >= 1) {
        const ex = excerpt(source, f.column, f.endLine > f.line ? undefined : f.endColumn, MAX_EXCERPT_WIDTH, layouts);
        out.push(`    ${p.dim(`${String(f.line).padStart(gutterWidth)} |`)}${ex.text === "" ? "" : ` ${ex.text}`}`);
        out.push(`    ${p.dim(`${" ".repeat(gutterWidth)} |`)} ${" ".repeat(ex.caretStart)}${paint(`^${"~".repeat(ex.caretLength - 1)}`)}`);
      }
      if (f.help !== undefined) out.push(`    help: ${sanitize(f.help).replaceAll("\n", "\n          ")}`);
    }
    out.push("");
  }

  out.push(summaryLine(input, p));
  return `${out.join("\n")}\n`;
}

function summaryLine(input: ReportInput, p: Palette): string {
  const { errors, warnings, infos, files } = input.summary;
  const total = errors + warnings + infos;
  if (total === 0) return p.green(`✔ no problems in ${count(files, "file")}`);
  const paint = errors > 0 ? p.severity.error : warnings > 0 ? p.severity.warning : p.severity.info;
  return paint(
    p.bold(`✖ ${count(total, "problem")} (${count(errors, "error")}, ${count(warnings, "warning")}, ${count(infos, "info")}) in ${count(files, "file")}`),
  );
}

function location(f: Finding): string {
  return `${f.line}:${f.column}`;
}

function displayPath(file: string, cwd: string | undefined): string {
  if (cwd === undefined || cwd === "" || cwd === ".") return file;
  return posix.relative(cwd, file) || file;
}

function splitLines(text: string | undefined): string[] | undefined {
  return text?.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/** Control characters other than newline become U+FFFD (a tab, a space): a policy file must not drive the terminal. */
function sanitize(s: string): string {
  return s.replace(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/g, (c) => (c === "\t" ? " " : "\uFFFD"));
}

export interface Excerpt {
  /** The line as printed: tabs expanded, control characters replaced, cut with "…" when long. */
  text: string;
  /** Display columns before the caret (0-based). */
  caretStart: number;
  /** Width of `^~~~`, at least 1. */
  caretLength: number;
}

/**
 * The printable form of one source line and where its caret goes. Columns are 1-based UTF-16
 * offsets; `endColumn` is exclusive, and undefined underlines to the end of the line.
 */
export function excerpt(line: string, column: number, endColumn: number | undefined, maxWidth = MAX_EXCERPT_WIDTH, layouts = new LayoutMemo()): Excerpt {
  const { at, shown } = layouts.of(line);

  const s = Math.min(Math.max(column - 1, 0), line.length);
  const e = endColumn === undefined ? line.length : Math.min(Math.max(endColumn - 1, s), line.length);
  const start = at[s]!;
  const end = at[e]!;
  if (shown.length <= maxWidth) return { text: shown, caretStart: start, caretLength: Math.max(1, end - start) };

  // Keep some context left of the caret, but never leave the window short at the right end.
  const room = maxWidth - 2 * ELLIPSIS.length;
  let from = Math.min(Math.max(0, start - CUT_CONTEXT), shown.length - room);
  if (isLowSurrogate(shown.charCodeAt(from))) from++;
  let to = Math.min(from + room, shown.length);
  if (to < shown.length && isLowSurrogate(shown.charCodeAt(to))) to--;
  const prefix = from > 0 ? ELLIPSIS : "";
  const suffix = to < shown.length ? ELLIPSIS : "";
  const caretStart = Math.min(start, to) - from + prefix.length;
  return { text: prefix + shown.slice(from, to) + suffix, caretStart, caretLength: Math.max(1, Math.min(end, to) - Math.max(start, from)) };
}

interface Layout {
  /** at[i] is the display column where line[i] starts; at[line.length] is the full width. */
  at: number[];
  shown: string;
}

/**
 * The last line laid out: findings come sorted by file and line, so the many findings of one
 * long line (a minified JSON policy, a hostile one-line file) lay it out once, not once each.
 * One memo per report, so nothing is kept between reports.
 */
class LayoutMemo {
  private last: { line: string; layout: Layout } | undefined;

  of(line: string): Layout {
    if (this.last?.line === line) return this.last.layout;
    const at: number[] = [];
    let shown = "";
    for (let i = 0; i < line.length; i++) {
      at.push(shown.length);
      const c = line[i]!;
      if (c === "\t") shown += " ".repeat(TAB_WIDTH - (shown.length % TAB_WIDTH));
      else shown += sanitize(c);
    }
    at.push(shown.length);
    const layout = { at, shown };
    this.last = { line, layout };
    return layout;
  }
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Whether to print colours: NO_COLOR (non-empty) wins, then FORCE_COLOR ("0" or "false" turn
 * colours off, any other value on), else only when writing to a terminal.
 */
export function shouldUseColor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  const noColor = env["NO_COLOR"];
  if (noColor !== undefined && noColor !== "") return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return force !== "0" && force !== "false";
  return stream.isTTY === true;
}
