/**
 * Reading one policy-repository file (YAML or JSON) into a plain value plus a map from JSON
 * pointers to source ranges, so every later finding can name file:line:col.
 *
 * Pure: takes bytes, returns values and problems. Problems are never thrown: alias bombs,
 * duplicate keys, multi-document streams, prototype keys, BOM, non-UTF-8 and oversized files
 * all become `SourceProblem`s and the value is built from what could be read.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit } from "yaml";
import type { Document, Node as YamlNode } from "yaml";
import { joinPointer } from "./pointer.js";
import { readCommonYaml } from "./source-fast.js";
import { DUPLICATE_KEY_HELP, MAX_FILE_BYTES, MAX_NODES, UNSAFE_KEYS, duplicateKeyMessage, unsafeKeyMessage } from "./source-limits.js";
import { firstLine, firstSyntaxProblem } from "./source-syntax.js";

/** A half-open range of character offsets into the decoded text. */
export type Span = readonly [start: number, end: number];

export interface NodeSpans {
  /** The key's span when the node is a mapping value. */
  key?: Span;
  value: Span;
}

export type SourceProblemCode =
  | "file-too-large"
  | "invalid-encoding"
  | "byte-order-mark"
  | "yaml-syntax"
  | "duplicate-key"
  | "multi-document-file"
  | "unsafe-key"
  | "alias-limit"
  | "empty-file"
  | "non-string-key";

export interface SourceProblem {
  code: SourceProblemCode;
  message: string;
  span: Span;
  help?: string;
}

export interface SourceFile {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  /** Decoded text with any BOM removed (offsets refer to this). */
  text: string;
  /** The document's value; undefined when nothing could be read. */
  value: unknown;
  spans: Map<string, NodeSpans>;
  problems: SourceProblem[];
  lines: LineIndex;
  /**
   * The document has a YAML syntax error. `value` is what the parser recovered by guessing, so
   * nothing read from it can be trusted: only the first error is reported (the later ones, and
   * any key problem in the recovered tree, usually follow from it).
   */
  syntaxError?: boolean;
}

export { MAX_FILE_BYTES, MAX_NODES } from "./source-limits.js";

/** Offsets → 1-based line/column. The line starts are found on first use (most files are never asked). */
export class LineIndex {
  private readonly text: string;
  private found: number[] | undefined;
  constructor(text: string) {
    this.text = text;
  }
  private get starts(): number[] {
    if (this.found === undefined) {
      const starts = [0];
      const text = this.text;
      for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
      this.found = starts;
    }
    return this.found;
  }
  position(offset: number): { line: number; column: number } {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }
  get lineCount(): number {
    return this.starts.length;
  }
  lineStart(line: number): number {
    return this.starts[line - 1] ?? 0;
  }
}

/**
 * A fast read's file: `spans` is found on first use, by reading the text again with its spans
 * logged (the same read, so the same nodes), then kept. Most files never need a position.
 */
function withLazySpans(file: Omit<SourceFile, "spans">): SourceFile {
  let spans: Map<string, NodeSpans> | undefined;
  return Object.defineProperty(file, "spans", {
    get: () => (spans ??= spansOfFastRead(file.text)),
    set: (map: Map<string, NodeSpans>) => {
      spans = map;
    },
    enumerable: true,
    configurable: true,
  }) as SourceFile;
}

function spansOfFastRead(text: string): Map<string, NodeSpans> {
  const log = readCommonYaml(text, true)?.spans;
  if (log === undefined) throw new Error("the fast path read this text once, so it reads it again");
  return log.toMap();
}

/** Decodes bytes as strict UTF-8; on failure names the offset of the first bad byte. */
function decodeUtf8(bytes: Uint8Array): { text: string } | { badByte: number } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    let lo = 0;
    let hi = bytes.length;
    const dec = new TextDecoder("utf-8", { fatal: true });
    // Binary search for the shortest prefix that fails to decode (a trailing partial sequence
    // also fails, so step back to the sequence start afterwards).
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      try {
        dec.decode(bytes.subarray(0, mid + 1));
        lo = mid + 1;
      } catch {
        hi = mid;
      }
    }
    let at = lo;
    while (at > 0 && (bytes[at]! & 0xc0) === 0x80) at--;
    return { badByte: at };
  }
}

export interface ParseOptions {
  /**
   * Read plain block YAML with the fast path (source-fast.ts), default true. False always takes
   * the full parse; the two give the same result, which the tests check.
   */
  fastPath?: boolean;
}

export function parseSource(path: string, input: Uint8Array | string, options: ParseOptions = {}): SourceFile {
  const problems: SourceProblem[] = [];
  const spans = new Map<string, NodeSpans>();
  const byteLength = typeof input === "string" ? Buffer.byteLength(input) : input.length;
  const empty = (text: string): SourceFile => ({ path, text, value: undefined, spans, problems, lines: new LineIndex(text) });

  if (byteLength > MAX_FILE_BYTES) {
    problems.push({
      code: "file-too-large",
      message: `file is larger than the ${MAX_FILE_BYTES}-byte limit`,
      span: [0, 0],
      help: "split the policy into several files; one policy per file keeps reviews small",
    });
    return empty("");
  }

  let text: string;
  if (typeof input === "string") text = input;
  else {
    const decoded = decodeUtf8(input);
    if ("badByte" in decoded) {
      const prefix = new TextDecoder("utf-8").decode(input.subarray(0, decoded.badByte));
      problems.push({
        code: "invalid-encoding",
        message: `file is not valid UTF-8 (bad byte 0x${input[decoded.badByte]!.toString(16).padStart(2, "0")} at byte ${decoded.badByte})`,
        span: [prefix.length, prefix.length + 1],
        help: "save the file as UTF-8",
      });
      return { ...empty(prefix), text: prefix };
    }
    text = decoded.text;
  }

  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
    problems.push({
      code: "byte-order-mark",
      message: "file starts with a UTF-8 byte-order mark",
      span: [0, 0],
      help: "save the file as UTF-8 without BOM; edict ignores the mark",
    });
  }

  const lines = new LineIndex(text);
  if (text.trim() === "") {
    problems.push({ code: "empty-file", message: "file is empty", span: [0, 0], help: "a policy file holds exactly one document" });
    return { path, text, value: undefined, spans, problems, lines };
  }

  if (options.fastPath !== false) {
    const fast = readCommonYaml(text, false);
    if (fast !== undefined) {
      for (const p of fast.problems) problems.push(p);
      return withLazySpans({ path, text, value: fast.value, problems, lines });
    }
  }

  const lineCounter = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true }) as Document.Parsed[];
  } catch (e) {
    problems.push({ code: "yaml-syntax", message: `cannot parse: ${(e as Error).message}`, span: [0, 0] });
    return { path, text, value: undefined, spans, problems, lines };
  }
  if (!Array.isArray(docs)) docs = [];
  if (docs.length === 0) {
    problems.push({ code: "empty-file", message: "file holds no document", span: [0, 0], help: "a policy file holds exactly one document" });
    return { path, text, value: undefined, spans, problems, lines };
  }
  if (docs.length > 1) {
    const second = docs[1]!;
    const start = second.range?.[0] ?? 0;
    problems.push({
      code: "multi-document-file",
      message: `file holds ${docs.length} documents; only the first is read`,
      span: [start, start],
      help: "move each document to its own file: one policy per file keeps ownership and diffs simple",
    });
  }
  const doc = docs[0]!;
  const broken = doc.errors.length > 0;
  if (broken) problems.push(firstSyntaxProblem(text, lines, doc));
  else {
    for (const warning of doc.warnings) {
      const [s, e] = warning.pos;
      problems.push({ code: "yaml-syntax", message: firstLine(warning.message), span: [s, Math.max(e, s)] });
    }
  }
  const flag = broken ? { syntaxError: true } : {};

  // In a broken document the recovered tree's own problems (a "non-string key" made of a
  // misplaced list, say) describe the parser's guess, not the file: they are not reported.
  const builder = new ValueBuilder(doc, spans, broken ? [] : problems);
  let value: unknown;
  try {
    value = builder.build(doc.contents as YamlNode | null, "");
  } catch (e) {
    // a chain of aliases, each naming a collection that holds the next, nests deeper than the stack
    if (!(e instanceof RangeError)) throw e;
    problems.push({ code: "alias-limit", message: "document nests too deeply (through aliases) to be read", span: [0, 0], help: "write the values out instead of nesting aliases" });
    return { path, text, value: undefined, spans, problems, lines, ...flag };
  }
  if (value === undefined && doc.contents == null && !broken) {
    problems.push({ code: "empty-file", message: "document is empty", span: [0, 0], help: "a policy file holds exactly one document" });
  }
  return { path, text, value, spans, problems, lines, ...flag };
}

class ValueBuilder {
  private nodes = 0;
  private aliasReported = false;
  private readonly doc: Document.Parsed;
  private readonly spans: Map<string, NodeSpans>;
  private readonly problems: SourceProblem[];
  /**
   * Each alias's target, found in one pass in document order: the last node before the alias with
   * its anchor, as yaml's `Alias.resolve(doc)` defines it. That method walks the whole document
   * per alias, which made a file of many anchors and aliases take minutes (quadratic).
   */
  private readonly aliasTargets = new Map<YamlNode, YamlNode | undefined>();
  /** Collections being built, outermost first: an alias to one of them is a cycle. */
  private readonly open = new Set<YamlNode>();

  constructor(doc: Document.Parsed, spans: Map<string, NodeSpans>, problems: SourceProblem[]) {
    this.doc = doc;
    this.spans = spans;
    this.problems = problems;
    const latest = new Map<string, YamlNode>();
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) this.aliasTargets.set(node, latest.get(node.source));
        else if (node.anchor) latest.set(node.anchor, node);
      },
    });
  }

  build(node: YamlNode | null | undefined, pointer: string, keySpan?: Span, viaAlias?: Span): unknown {
    if (node == null) {
      if (!this.spans.has(pointer)) this.spans.set(pointer, { ...(keySpan ? { key: keySpan } : {}), value: keySpan ?? [0, 0] });
      return null;
    }
    if (++this.nodes > MAX_NODES) {
      if (!this.aliasReported) {
        this.aliasReported = true;
        const at = viaAlias ?? spanOf(node);
        this.problems.push({
          code: "alias-limit",
          message: `document expands to more than ${MAX_NODES} nodes (alias expansion); the rest is ignored`,
          span: at,
          help: "write the values out instead of nesting aliases",
        });
      }
      return undefined;
    }
    const own = viaAlias ?? spanOf(node);
    if (!this.spans.has(pointer)) this.spans.set(pointer, keySpan ? { key: keySpan, value: own } : { value: own });

    if (isAlias(node)) {
      const target = this.aliasTargets.has(node) ? this.aliasTargets.get(node) : node.resolve(this.doc);
      if (!target) return null;
      // `a: &a [*a]`: an alias inside the node it names would expand forever
      if (this.open.has(target as YamlNode)) {
        this.problems.push({ code: "alias-limit", message: `alias *${node.source} refers to a node that contains it; it is read as null`, span: spanOf(node), help: "write the values out instead of nesting aliases" });
        return null;
      }
      return this.build(target as YamlNode, pointer, keySpan, spanOf(node));
    }
    if (isScalar(node)) return node.value;
    if (isSeq(node) || isMap(node)) {
      this.open.add(node);
      try {
        return this.buildCollection(node, pointer, own, viaAlias);
      } finally {
        this.open.delete(node);
      }
    }
    return null;
  }

  private buildCollection(node: YamlNode, pointer: string, own: Span, viaAlias: Span | undefined): unknown {
    if (isSeq(node)) {
      const out: unknown[] = [];
      node.items.forEach((item, i) => {
        const v = this.build(item as YamlNode, joinPointer(pointer, i), undefined, viaAlias);
        if (v !== undefined) out.push(v);
      });
      return out;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const seenKeys = new Set<string>();
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        const kSpan = viaAlias ?? (keyNode ? spanOf(keyNode) : own);
        let key: string;
        if (isScalar(keyNode)) {
          // Keys are names: `Null:` (an IAM operator) and `on:` must stay strings, not null/true.
          const src = (keyNode as { source?: unknown }).source;
          key = typeof src === "string" ? src : String(keyNode.value);
        } else if (keyNode == null) {
          key = "";
        } else {
          this.problems.push({ code: "non-string-key", message: "mapping keys must be plain strings", span: kSpan });
          continue;
        }
        if (UNSAFE_KEYS.has(key)) {
          this.problems.push({
            code: "unsafe-key",
            message: unsafeKeyMessage(key),
            span: kSpan,
            help: "remove the key",
          });
          continue;
        }
        // Duplicates are found here with a Set: yaml's own uniqueKeys check is quadratic in the keys.
        if (seenKeys.has(key)) {
          if (!viaAlias) {
            this.problems.push({ code: "duplicate-key", message: duplicateKeyMessage(key), span: kSpan, help: DUPLICATE_KEY_HELP });
          }
          continue;
        }
        seenKeys.add(key);
        const v = this.build(pair.value as YamlNode | null, joinPointer(pointer, key), kSpan, viaAlias);
        if (v !== undefined) out[key] = v;
      }
      return out;
    }
    return null;
  }
}

function spanOf(node: YamlNode): Span {
  const r = node.range;
  if (!r) return [0, 0];
  return [r[0], r[1]];
}
