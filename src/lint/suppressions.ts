/**
 * Inline suppressions: `# edict-disable-next-line rule-a, rule-b -- reason` silences those rules
 * on the YAML node that begins on the next line, through its last line: above `- Sid: X` it
 * covers the whole statement, above `Condition:` the whole condition block, above a scalar
 * `MaxTokens: ten` that one line. Without rule names it silences every rule. Comments exist
 * only in YAML, so JSON files have none.
 */
import type { SourceFile, Span } from "../model/source.js";
import { lastVisibleOffset } from "./text-span.js";

export interface Suppression {
  /** 1-based line of the comment. */
  commentLine: number;
  /** First and last 1-based line silenced. */
  from: number;
  to: number;
  rules: Set<string>;
  /** Each rule name as written, with its span in the text (to report names no rule has). */
  names: Array<{ rule: string; span: Span }>;
  reason?: string;
}

const DIRECTIVE = /#\s*edict-disable-next-line\b([^\n]*)/g;

/** The directives of a text, each silencing only the line after it. */
export function parseSuppressions(text: string): Suppression[] {
  const out: Suppression[] = [];
  let lineNo = 1;
  let scanned = 0;
  for (const m of text.matchAll(DIRECTIVE)) {
    for (let i = text.indexOf("\n", scanned); i !== -1 && i < m.index; i = text.indexOf("\n", i + 1)) lineNo++;
    scanned = m.index;
    // only a comment on its own line or after a value: `#` inside a quoted string is text
    const lineStart = text.lastIndexOf("\n", m.index - 1) + 1;
    if (!isCommentStart(text, lineStart, m.index)) continue;
    const body = m[1]!;
    const bodyStart = m.index + m[0].length - body.length;
    const sep = body.indexOf("--");
    const rulesPart = sep === -1 ? body : body.slice(0, sep);
    const reason = sep === -1 ? "" : body.slice(sep + 2).trim();
    const names: Suppression["names"] = [];
    for (const n of rulesPart.matchAll(/[^\s,]+/g)) names.push({ rule: n[0], span: [bodyStart + n.index, bodyStart + n.index + n[0].length] });
    out.push({ commentLine: lineNo, from: lineNo + 1, to: lineNo + 1, rules: new Set(names.map((n) => n.rule)), names, ...(reason ? { reason } : {}) });
  }
  return out;
}

/** Whether the `#` at `at` starts a comment: first on its line, or after whitespace outside quotes. */
function isCommentStart(text: string, lineStart: number, at: number): boolean {
  const before = text.slice(lineStart, at);
  if (before.trim() === "") return true;
  if (!/\s$/.test(before)) return false;
  // an odd number of quotes before the `#` leaves it inside a string
  const quotes = (q: string) => before.split(q).length - 1;
  return quotes('"') % 2 === 0 && quotes("'") % 2 === 0;
}

/** The directives of a parsed file, each widened to the whole node that begins on its next line. */
export function suppressionsOf(source: SourceFile): Suppression[] {
  if (source.path.toLowerCase().endsWith(".json")) return [];
  const directives = parseSuppressions(source.text);
  if (directives.length === 0) return directives;
  const wanted = new Set(directives.map((d) => d.from));
  const lastLine = new Map<number, number>();
  for (const [pointer, spans] of source.spans) {
    // the document itself is not "the node on the next line", even when its first key is
    if (pointer === "") continue;
    const begin = source.lines.position((spans.key ?? spans.value)[0]).line;
    if (!wanted.has(begin)) continue;
    const end = source.lines.position(lastVisibleOffset(source.text, spans.value)).line;
    if (end > (lastLine.get(begin) ?? begin)) lastLine.set(begin, end);
  }
  return directives.map((d) => ({ ...d, to: lastLine.get(d.from) ?? d.from }));
}

export function isSuppressed(suppressions: readonly Suppression[], rule: string, line: number): boolean {
  return suppressions.some((s) => line >= s.from && line <= s.to && (s.rules.size === 0 || s.rules.has(rule)));
}
