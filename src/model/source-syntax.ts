/**
 * The one YAML syntax error a broken document is reported by. After the first error the parser
 * guesses, and every later error (and every key it recovered) usually follows from that guess:
 * one dedented line yields "bad indentation" on each line after it. So edict reports the first
 * error, at the character the author has to fix, and says how many more the parser found.
 */
import { isScalar, visit } from "yaml";
import type { Document, YAMLError } from "yaml";
import type { LineIndex, SourceProblem, Span } from "./source.js";

/** The problem for a document whose `errors` is not empty. */
export function firstSyntaxProblem(text: string, lines: LineIndex, doc: Document.Parsed): SourceProblem {
  const errors = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const first = errors[0]!;
  const span = realSpan(text, doc, first);
  const help: string[] = [];
  const indent = indentationHint(text, lines, span[0], first);
  if (indent) help.push(indent);
  if (errors.length > 1) {
    const more = errors.length - 1;
    help.push(`the parser found ${more} more syntax error${more === 1 ? "" : "s"} after this one, usually caused by it; fix this one and lint again`);
  }
  return { code: "yaml-syntax", message: firstLine(first.message), span, ...(help.length ? { help: help.join("; ") } : {}) };
}

/** yaml appends " at line L, column C"; edict prints positions itself. */
export function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, "").trim();
}

/**
 * Where the author has to look. yaml places indentation errors at the start of the line (on the
 * indentation itself) and an unclosed quote at the end of the file; the first is moved to the
 * line's first visible character, the second to the quote that opened the string.
 */
function realSpan(text: string, doc: Document.Parsed, err: YAMLError): Span {
  const [s, e] = err.pos;
  if (err.code === "MISSING_CHAR" && /^Missing closing ["']quote/.test(err.message)) {
    const open = openingQuote(doc, s);
    if (open !== undefined) return [open, open + 1];
  }
  if (err.code !== "TAB_AS_INDENT" && inIndentation(text, s)) {
    let at = s;
    while (at < text.length && (text[at] === " " || text[at] === "\t")) at++;
    if (at < text.length && text[at] !== "\n" && text[at] !== "\r") return [at, tokenEnd(text, at)];
  }
  return [s, Math.max(e, s)];
}

/** Whether `offset` lies in the leading whitespace of its line (or at its start). */
function inIndentation(text: string, offset: number): boolean {
  for (let i = offset - 1; i >= 0 && text[i] !== "\n"; i--) if (text[i] !== " " && text[i] !== "\t") return false;
  return true;
}

/** The end of the word at `offset` (a key up to its colon, or a lone dash). */
function tokenEnd(text: string, offset: number): number {
  let e = offset + 1;
  while (e < text.length && !/[\s:]/.test(text[e]!)) e++;
  return e;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf("\n", offset);
  return nl === -1 ? text.length : nl;
}

/** The start of the quoted scalar that runs up to `end` without being closed. */
function openingQuote(doc: Document.Parsed, end: number): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Scalar: (_key, node) => {
      if (!isScalar(node) || (node.type !== "QUOTE_DOUBLE" && node.type !== "QUOTE_SINGLE") || !node.range) return;
      if (node.range[0] < end && node.range[1] >= end) found = node.range[0];
    },
  });
  return found;
}

/** For indentation errors: this line's column against the line above it, when they differ. */
function indentationHint(text: string, lines: LineIndex, offset: number, err: YAMLError): string | undefined {
  if (err.code !== "BAD_INDENT" && err.code !== "BLOCK_AS_IMPLICIT_KEY") return undefined;
  const here = lines.position(offset);
  for (let line = here.line - 1; line >= 1; line--) {
    const start = lines.lineStart(line);
    const content = text.slice(start, lineEnd(text, start));
    const trimmed = content.trimStart();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    // the column of a sequence item's first key, not of its dash
    const column = content.length - trimmed.length + 1 + (/^-\s+/.exec(trimmed)?.[0].length ?? 0);
    if (column === here.column) return undefined;
    return `this line starts at column ${here.column}, the line above at column ${column}; the keys of one mapping start at the same column`;
  }
  return undefined;
}
