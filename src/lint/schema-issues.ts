/**
 * One finding per mistake in a file's schema issues.
 *
 * - A misspelled required key (`Efect: Deny`) is both an unknown key and a missing one; the
 *   unknown-key issue already says `did you mean "Effect"?`, so the missing-required issue it
 *   explains is dropped.
 * - A key indented too little (a statement's `Resource:` moved left onto the spec's column) is an
 *   unknown key of the outer mapping, and the mapping it belongs to misses it. The unknown-key
 *   issue says where the key belongs, instead of suggesting a look-alike of the outer mapping
 *   ("did you mean ResourceLimits?"), and explains the missing key.
 */
import { schemaFor } from "../model/repository.js";
import type { RepoFile } from "../model/repository.js";
import { getAtPointer, joinPointer, parentPointer, splitPointer, toJsonPath } from "../model/pointer.js";
import { schemaAt } from "../model/schemas/walk.js";
import type { Schema } from "../model/schemas/builders.js";
import type { SchemaIssue } from "../model/schemas/validate.js";
import { lastVisibleOffset } from "./text-span.js";

export interface LintSchemaIssue extends SchemaIssue {
  /** For a key indented too little: the pointer of the mapping it belongs to. */
  belongsTo?: string;
}

export function reconcileSchemaIssues(file: RepoFile): readonly LintSchemaIssue[] {
  const issues: LintSchemaIssue[] = file.issues.map((i) => (i.kind === "unknown-key" ? withPlacement(file, i) : i));
  const explained = new Set<string>();
  for (const i of issues) {
    if (i.kind !== "unknown-key") continue;
    for (const key of explainedKeys(i)) explained.add(joinPointer(i.belongsTo ?? parentPointer(i.pointer) ?? "", key));
  }
  if (explained.size === 0) return issues;
  return issues.filter((i) => !(i.kind === "missing-required" && i.key !== undefined && explained.has(joinPointer(i.pointer, i.key))));
}

/** The keys that unknown keys explain as missing from the mapping at `pointer` (misspelled or misplaced). */
export function explainedKeysAt(issues: readonly LintSchemaIssue[], pointer: string): Set<string> {
  const out = new Set<string>();
  for (const i of issues) {
    if (i.kind !== "unknown-key" || (i.belongsTo ?? parentPointer(i.pointer)) !== pointer) continue;
    for (const key of explainedKeys(i)) out.add(key);
  }
  return out;
}

function explainedKeys(issue: LintSchemaIssue): string[] {
  if (issue.belongsTo !== undefined) return issue.key === undefined ? [] : [issue.key];
  return issue.suggestion === undefined ? [] : [issue.suggestion];
}

/** The unknown-key issue, told where the key belongs when it is a key of the block above indented too little. */
function withPlacement(file: RepoFile, issue: SchemaIssue): LintSchemaIssue {
  const key = issue.key;
  const parent = parentPointer(issue.pointer);
  const schema = schemaFor(file);
  if (key === undefined || parent === undefined || !schema) return issue;
  const owner = misplacedOwner(file, schema, parent, issue.pointer, key);
  if (!owner) return issue;
  const { suggestion: _, ...rest } = issue;
  return {
    ...rest,
    belongsTo: owner.pointer,
    message: `unknown key "${key}" in ${toJsonPath(parent) || "the document"}; it looks like a key of ${toJsonPath(owner.pointer)} above, indented too little`,
    help: `indent "${key}" to column ${owner.column}, like the other keys of ${toJsonPath(owner.pointer)}`,
  };
}

/** Per file: line → the pointers whose value ends on it, in span order; built once, so a file with thousands of unknown keys stays linear. */
const endLines = new WeakMap<RepoFile["source"], Map<number, string[]>>();

function valuesEndingOn(source: RepoFile["source"], line: number): readonly string[] {
  let index = endLines.get(source);
  if (!index) {
    index = new Map();
    for (const [pointer, spans] of source.spans) {
      const end = source.lines.position(lastVisibleOffset(source.text, spans.value)).line;
      const list = index.get(end);
      if (list) list.push(pointer);
      else index.set(end, [pointer]);
    }
    endLines.set(source, index);
  }
  return index.get(line) ?? [];
}

/**
 * The mapping that ends on the line just above the key, starts its keys further right, and
 * declares the key without having it: the mapping the author meant the key for.
 */
function misplacedOwner(file: RepoFile, schema: Schema, parent: string, pointer: string, key: string): { pointer: string; column: number } | undefined {
  const { source } = file;
  const keySpan = source.spans.get(pointer)?.key;
  if (!keySpan) return undefined;
  const at = source.lines.position(keySpan[0]);
  const above = previousContentLine(source.text, source.lines, at.line);
  if (above === undefined) return undefined;
  let best: { pointer: string; column: number; depth: number } | undefined;
  for (const candidate of valuesEndingOn(source, above)) {
    if (!candidate.startsWith(`${parent}/`) || candidate === pointer) continue;
    const value = getAtPointer(source.value, candidate);
    if (value === null || typeof value !== "object" || Array.isArray(value) || key in value) continue;
    const firstKey = Object.keys(value)[0];
    const firstSpan = firstKey === undefined ? undefined : source.spans.get(joinPointer(candidate, firstKey))?.key;
    if (!firstSpan) continue;
    const column = source.lines.position(firstSpan[0]).column;
    if (column <= at.column) continue;
    const declared = schemaAt(schema, splitPointer(candidate))?.properties as Record<string, unknown> | undefined;
    if (!declared || !Object.prototype.hasOwnProperty.call(declared, key)) continue;
    const depth = splitPointer(candidate).length;
    if (!best || depth > best.depth) best = { pointer: candidate, column, depth };
  }
  return best && { pointer: best.pointer, column: best.column };
}

function previousContentLine(text: string, lines: RepoFile["source"]["lines"], line: number): number | undefined {
  for (let l = line - 1; l >= 1; l--) {
    const start = lines.lineStart(l);
    const end = text.indexOf("\n", start);
    const content = text.slice(start, end === -1 ? text.length : end).trim();
    if (content !== "" && !content.startsWith("#")) return l;
  }
  return undefined;
}
