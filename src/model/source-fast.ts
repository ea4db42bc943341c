/**
 * The fast path of `parseSource`: reads the plain block YAML policy files are written in straight
 * from the text, with exactly the value, spans and key problems the full parse (the yaml library's
 * documents, read by source.ts) gives. It accepts block mappings and sequences, one-line flow
 * collections, plain scalars and one-line quoted scalars, with blank lines anywhere and comment
 * lines before the document. Anything else (comments further on, anchors, aliases, tags, block
 * or multi-line scalars, explicit keys, directives and markers, tabs, CR, control characters,
 * more than `MAX_NODES` nodes) makes it return undefined, and the full parse reads the file: the
 * fast path only has to be exact on what it accepts, and test/model/source-fast.test.ts compares
 * the two on random documents and on every policy of the repository.
 */
import type { SourceProblem } from "./source.js";
import { FAST_PATH_BAIL, bail, isPlainStart, readDoubleQuoted, readSingleQuoted, resolvePlain } from "./source-fast-scalars.js";
import { SpanLog } from "./source-fast-spans.js";
import { DUPLICATE_KEY_HELP, MAX_NODES, UNSAFE_KEYS, duplicateKeyMessage, unsafeKeyMessage } from "./source-limits.js";

export interface FastRead {
  value: unknown;
  /**
   * Every node's spans, as numbers (`toMap()` gives the pointer map the full parse builds); only
   * when asked for: a second read of the same text gives them when a position is needed.
   */
  spans: SpanLog | undefined;
  problems: SourceProblem[];
}

/** Where a node sits: its depth (the root's is 0) and its key or index in its parent. */
type Seg = string | number;

/** Characters the fast path leaves to the full parse: tabs, CR, controls, separators, surrogates, BOM. */
const UNREAD_CHARACTER = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\uD800-\uDFFF\uFEFF\uFFFE\uFFFF]/;

const NL = 0x0a;
const SPACE = 0x20;
const HASH = 0x23;
const COLON = 0x3a;
const COMMA = 0x2c;
const DASH = 0x2d;

function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d;
}

/** A value read from one line: its value and where its text ends (trailing spaces not included). */
interface Inline {
  value: unknown;
  end: number;
}

/**
 * Reads `text` (already decoded, without BOM, not blank) when it is in the subset; undefined
 * otherwise. `withSpans` logs every node's spans as well (the value and problems are the same).
 */
export function readCommonYaml(text: string, withSpans = true): FastRead | undefined {
  if (UNREAD_CHARACTER.test(text)) return undefined;
  try {
    return new FastReader(text, withSpans ? new SpanLog() : undefined).read();
  } catch (e) {
    // a flow collection nested deeper than the stack: the full parse reports it
    if (e === FAST_PATH_BAIL || e instanceof RangeError) return undefined;
    throw e;
  }
}

class FastReader {
  readonly spans: SpanLog | undefined;
  readonly problems: SourceProblem[] = [];
  private readonly text: string;
  private readonly len: number;
  private nodes = 0;
  /** Above 0 while reading the value of a repeated or unsafe key, which the full parse skips: nothing in it is recorded. */
  private dropping = 0;
  /** Start of the line being read. */
  private pos = 0;

  constructor(text: string, spans: SpanLog | undefined) {
    this.text = text;
    this.len = text.length;
    this.spans = spans;
  }

  read(): FastRead {
    this.skipHeader();
    if (this.nextContent() !== 0) bail();
    const value = this.isSeqItem(this.pos) ? this.seq(0, 0, "", -1).value : this.map(0, this.pos, 0, "", -1).value;
    if (this.nextContent() !== -1) bail();
    return { value, spans: this.spans, problems: this.problems };
  }

  /** Blank and comment lines before the document. */
  private skipHeader(): void {
    const t = this.text;
    for (;;) {
      let i = this.pos;
      while (t.charCodeAt(i) === SPACE) i++;
      if (t.charCodeAt(i) === NL) {
        this.pos = i + 1;
        continue;
      }
      if (t.charCodeAt(i) !== HASH) return;
      const nl = t.indexOf("\n", i);
      if (nl < 0) bail();
      this.pos = nl + 1;
      if (this.pos < this.len && (t.startsWith("---", this.pos) || t.startsWith("...", this.pos) || t.charCodeAt(this.pos) === 0x25)) bail();
    }
  }

  /**
   * Moves `pos` over blank lines to the next line with content and returns its indentation,
   * or -1 at the end of the text. A comment line leaves the subset.
   */
  private nextContent(): number {
    const t = this.text;
    for (;;) {
      let i = this.pos;
      while (t.charCodeAt(i) === SPACE) i++;
      if (i >= this.len) {
        this.pos = this.len;
        return -1;
      }
      const c = t.charCodeAt(i);
      if (c === NL) {
        this.pos = i + 1;
        continue;
      }
      if (c === HASH) bail();
      if (i === this.pos && (t.startsWith("---", i) || t.startsWith("...", i))) bail();
      return i - this.pos;
    }
  }

  /** `-` followed by a space, a line end or the end of the text. */
  private isSeqItem(at: number): boolean {
    if (this.text.charCodeAt(at) !== DASH) return false;
    const n = this.text.charCodeAt(at + 1);
    return n === SPACE || n === NL || at + 1 >= this.len;
  }

  /**
   * Counts a node and logs its spans before its children's (the full parse's order); returns its
   * place in the log, where a collection's end is set when known. `keyStart` and `keyEnd` are -1
   * for a node that is not a mapping value.
   */
  private open(depth: number, seg: Seg, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): number {
    if (this.dropping > 0) return -1;
    if (++this.nodes > MAX_NODES) bail();
    return this.spans === undefined ? -1 : this.spans.add(depth, seg, keyStart, keyEnd, valueStart, valueEnd);
  }

  /**
   * Whether `key` may be stored: unsafe and repeated keys are reported (at the key) and skipped,
   * as source.ts does.
   */
  private admitKey(out: Record<string, unknown>, key: string, keyStart: number, keyEnd: number): boolean {
    if (UNSAFE_KEYS.has(key)) {
      if (this.dropping === 0) this.problems.push({ code: "unsafe-key", message: unsafeKeyMessage(key), span: [keyStart, keyEnd], help: "remove the key" });
      return false;
    }
    if (Object.hasOwn(out, key)) {
      if (this.dropping === 0) this.problems.push({ code: "duplicate-key", message: duplicateKeyMessage(key), span: [keyStart, keyEnd], help: DUPLICATE_KEY_HELP });
      return false;
    }
    return true;
  }

  /**
   * A block mapping whose first key starts at `keyAt`, in column `column` of the line at `pos`.
   * Returns its value and its end (the full parse's `range[1]`); leaves `pos` at the next line
   * with content, which is indented less than `column` or is the end of the text.
   */
  private map(column: number, keyAt: number, depth: number, seg: Seg, keyStart: number, keyEnd = -1): { value: unknown; end: number } {
    const entry = this.open(depth, seg, keyStart, keyEnd, keyAt, keyAt);
    const out: Record<string, unknown> = {};
    let at = keyAt;
    let end: number;
    for (;;) {
      const key = this.key(at, false);
      const admitted = this.admitKey(out, key.value, at, key.end);
      if (!admitted) this.dropping++;
      const r = this.blockValue(key.end + 1, column, depth + 1, key.value, at, key.end);
      if (admitted) out[key.value] = r.value;
      else this.dropping--;
      end = r.end;
      const indent = this.nextContent();
      if (indent < column) break;
      if (indent > column) bail();
      at = this.pos + column;
    }
    this.spans?.setValueEnd(entry, end);
    return { value: out, end };
  }

  /**
   * A block sequence whose first `-` is in column `column` of the line at `pos`. Returns as `map`.
   */
  private seq(column: number, depth: number, seg: Seg, keyStart: number, keyEnd = -1): { value: unknown; end: number } {
    const start = this.pos + column;
    const entry = this.open(depth, seg, keyStart, keyEnd, start, start);
    const out: unknown[] = [];
    let end: number;
    for (;;) {
      const dash = this.pos + column;
      const q = this.skipSpaces(dash + 1);
      if (this.isSeqItem(q)) bail();
      const c = this.text.charCodeAt(q);
      // `- key: value` opens a mapping in the column of its first key
      const r = q < this.len && c !== NL && this.startsKey(q) ? this.map(q - this.pos, q, depth + 1, out.length, -1) : this.blockValue(dash + 1, column, depth + 1, out.length, -1, -1);
      out.push(r.value);
      end = r.end;
      const indent = this.nextContent();
      if (indent > column) bail();
      if (indent < column || !this.isSeqItem(this.pos + column)) break;
    }
    this.spans?.setValueEnd(entry, end);
    return { value: out, end };
  }

  /** Whether the node at `at` is the first key of a compact mapping (`- key: value`). */
  private startsKey(at: number): boolean {
    const t = this.text;
    const c = t.charCodeAt(at);
    if (c === 0x22 || c === 0x27) {
      const q = c === 0x22 ? readDoubleQuoted(t, at) : readSingleQuoted(t, at);
      return t.charCodeAt(q.end) === COLON;
    }
    if (!isPlainStart(t, at, false)) return false;
    return this.plain(at, false).indicator >= 0;
  }

  /**
   * The value after an indicator (`:` of a key or `-` of an item) at `after - 1`: on the same
   * line, on the lines below (a nested collection), or empty. Leaves `pos` at the start of the
   * line after the value's last line, or at the next line with content.
   */
  private blockValue(after: number, column: number, depth: number, seg: Seg, keyStart: number, keyEnd: number): { value: unknown; end: number } {
    const t = this.text;
    const q = this.skipSpaces(after);
    if (q >= this.len || t.charCodeAt(q) === NL) {
      this.pos = q >= this.len ? this.len : q + 1;
      const indent = this.nextContent();
      const lineStart = this.pos;
      const seqHere = indent >= 0 && this.isSeqItem(lineStart + indent);
      // a mapping's sequence may sit in its key's column; a sequence item's value only deeper
      if (indent > column || (indent === column && seqHere && keyStart >= 0)) {
        return seqHere ? this.seq(indent, depth, seg, keyStart, keyEnd) : this.map(indent, lineStart + indent, depth, seg, keyStart, keyEnd);
      }
      this.open(depth, seg, keyStart, keyEnd, q, q);
      return { value: null, end: q };
    }
    if (t.charCodeAt(q) === HASH) bail();
    const r = this.inline(q, depth, seg, keyStart, keyEnd, false);
    const e = this.skipSpaces(r.end);
    if (e < this.len && t.charCodeAt(e) !== NL) bail();
    this.pos = e >= this.len ? this.len : e + 1;
    return { value: r.value, end: this.pos };
  }

  /**
   * A plain scalar from `at` to the end of its line (block) or to the next flow indicator (flow).
   * `indicator` is the offset of a `:` that makes it a key, or -1. A comment leaves the subset.
   */
  private plain(at: number, flow: boolean): { end: number; indicator: number } {
    const t = this.text;
    let i = at;
    let end = at;
    for (; i < this.len; i++) {
      const c = t.charCodeAt(i);
      if (c === NL) break;
      if (c === COLON) {
        const n = t.charCodeAt(i + 1);
        if (i + 1 >= this.len || n === SPACE || n === NL || (flow && isFlowIndicator(n))) return { end, indicator: i };
      } else if (c === SPACE) {
        if (t.charCodeAt(i + 1) === HASH) bail();
        continue;
      } else if (flow && isFlowIndicator(c)) break;
      end = i + 1;
    }
    if (flow && (i >= this.len || t.charCodeAt(i) === NL)) bail();
    return { end, indicator: -1 };
  }

  /** A key at `at` (plain or quoted), which must be followed directly by `:` and a space or line end. */
  private key(at: number, flow: boolean): { value: string; end: number } {
    const t = this.text;
    const c = t.charCodeAt(at);
    let value: string;
    let end: number;
    if (c === 0x22 || c === 0x27) {
      const q = c === 0x22 ? readDoubleQuoted(t, at) : readSingleQuoted(t, at);
      ({ value, end } = q);
      if (t.charCodeAt(end) !== COLON) bail();
    } else {
      if (!isPlainStart(t, at, flow)) bail();
      const p = this.plain(at, flow);
      if (p.indicator < 0 || p.end !== p.indicator) bail();
      end = p.end;
      value = t.slice(at, end);
    }
    const n = t.charCodeAt(end + 1);
    if (!(end + 1 >= this.len || n === SPACE || n === NL) || end - at > 1000) bail();
    return { value, end };
  }

  /** A scalar or flow collection on one line at `at`. */
  private inline(at: number, depth: number, seg: Seg, keyStart: number, keyEnd: number, flow: boolean): Inline {
    const t = this.text;
    const c = t.charCodeAt(at);
    if (c === 0x5b || c === 0x7b) return c === 0x5b ? this.flowSeq(at, depth, seg, keyStart, keyEnd) : this.flowMap(at, depth, seg, keyStart, keyEnd);
    let value: unknown;
    let end: number;
    if (c === 0x22 || c === 0x27) {
      const q = c === 0x22 ? readDoubleQuoted(t, at) : readSingleQuoted(t, at);
      value = q.value;
      end = q.end;
    } else {
      if (!isPlainStart(t, at, flow)) bail();
      const p = this.plain(at, flow);
      if (p.indicator >= 0) bail();
      end = p.end;
      value = resolvePlain(t.slice(at, end));
    }
    this.open(depth, seg, keyStart, keyEnd, at, end);
    return { value, end };
  }

  private skipSpaces(i: number): number {
    while (this.text.charCodeAt(i) === SPACE) i++;
    return i;
  }

  /** After an item of a flow collection: `,` (not before the closing bracket) or the closing bracket. */
  private flowNext(i: number, close: number): { at: number; done: boolean } {
    const t = this.text;
    const c = t.charCodeAt(i);
    if (c === close) return { at: i + 1, done: true };
    if (c !== COMMA) bail();
    const next = this.skipSpaces(i + 1);
    if (t.charCodeAt(next) === close || t.charCodeAt(next) === COMMA) bail();
    return { at: next, done: false };
  }

  private flowSeq(at: number, depth: number, seg: Seg, keyStart: number, keyEnd: number): Inline {
    const entry = this.open(depth, seg, keyStart, keyEnd, at, at);
    const out: unknown[] = [];
    let i = this.skipSpaces(at + 1);
    if (this.text.charCodeAt(i) === 0x5d) i++;
    else {
      for (;;) {
        const item = this.inline(i, depth + 1, out.length, -1, -1, true);
        out.push(item.value);
        i = this.skipSpaces(item.end);
        // `[a: b]` and `["a": b]` hold a one-pair mapping
        if (this.text.charCodeAt(i) === COLON) bail();
        const n = this.flowNext(i, 0x5d);
        i = n.at;
        if (n.done) break;
      }
    }
    this.spans?.setValueEnd(entry, i);
    return { value: out, end: i };
  }

  private flowMap(at: number, depth: number, seg: Seg, keyStart: number, keyEnd: number): Inline {
    const t = this.text;
    const entry = this.open(depth, seg, keyStart, keyEnd, at, at);
    const out: Record<string, unknown> = {};
    let i = this.skipSpaces(at + 1);
    if (t.charCodeAt(i) === 0x7d) i++;
    else {
      for (;;) {
        const key = this.key(i, true);
        const v = this.skipSpaces(key.end + 1);
        const c = t.charCodeAt(v);
        if (c === COMMA || c === 0x7d || c === NL || v >= this.len) bail();
        const admitted = this.admitKey(out, key.value, i, key.end);
        if (!admitted) this.dropping++;
        const item = this.inline(v, depth + 1, key.value, i, key.end, true);
        if (admitted) out[key.value] = item.value;
        else this.dropping--;
        const n = this.flowNext(this.skipSpaces(item.end), 0x7d);
        i = n.at;
        if (n.done) break;
      }
    }
    this.spans?.setValueEnd(entry, i);
    return { value: out, end: i };
  }
}
