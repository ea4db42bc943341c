/**
 * Mutations of repository files for the lint/loading fuzzer. A mutation is a small JSON value
 * (`Op`), so a failing case can be written down, replayed and shrunk; `applyOp` is pure and
 * deterministic. Line operations work on bytes, so invalid UTF-8 survives them.
 */
import type { Rng } from "./rng.js";

/** Text or bytes to insert, described rather than stored (a 900 KB scalar is `{k: "huge"}`). */
export type Payload =
  | { k: "text"; s: string }
  | { k: "bytes"; b: number[] }
  | { k: "deepSeq"; n: number; closed: boolean }
  | { k: "deepMap"; n: number; closed: boolean }
  | { k: "deepDash"; n: number }
  | { k: "deepBlock"; n: number }
  | { k: "huge"; n: number; style: "plain" | "double" | "single" | "block" | "key" }
  | { k: "manyKeys"; n: number }
  | { k: "aliasBomb"; levels: number; width: number; merge: boolean }
  | { k: "manyAnchors"; n: number };

export type Op =
  | { t: "set"; at: number; byte: number }
  | { t: "bitflip"; at: number; bit: number }
  | { t: "truncate"; at: number }
  | { t: "delete"; at: number; len: number }
  | { t: "insert"; at: number; p: Payload }
  | { t: "insertLine"; line: number; p: Payload; indent: boolean }
  | { t: "replaceValue"; line: number; p: Payload }
  | { t: "replaceValueOf"; key: string; nth: number; p: Payload }
  | { t: "replaceKey"; line: number; key: string }
  | { t: "dupLine"; line: number }
  | { t: "delLine"; line: number }
  | { t: "swapLines"; a: number; b: number }
  | { t: "lineEnds"; to: "crlf" | "cr" | "mixed" }
  | { t: "bom"; kind: "utf8" | "utf16le" | "twice" }
  | { t: "tabs"; line: number }
  | { t: "whole"; p: Payload };

const enc = new TextEncoder();

/** Strings that break naive code: traversal, NUL, bidi controls, case-folding oddities, YAML syntax. */
export const NASTY_STRINGS: readonly string[] = [
  "../../etc/passwd", "..", "a/../../b", "./x", "/abs/path", "C:\\x\\y", "\\\\server\\share",
  "\u0000", "x\u0000y", "\u202Eevil\u202C", "\u200F", "\u200B", "\uFEFF", "\uFFFE", "\uFFFF",
  "😀", "𝕏", "İ", "ı", "ß", "K", "Σ", "a\u0301", "\u0301", "ﬃ", "\u00A0", "\u2028", "\u2029", "\u0085",
  "%s%n", "${HOME}", "{{x}}", "'", '"', "`", "\t", "\r", " ", "", "#", ":", ": ", "- ", "? ", "&a", "*a", "!tag",
  "|", ">", "@", "[", "]", "{", "}", ",", "__proto__", "constructor", "prototype", "hasOwnProperty", "toString",
  "valueOf", "__defineGetter__", "x".repeat(300), "🏳️‍🌈", "\u0007", "\u001b[31m", "<script>", "NaN", "-0",
];

/** Keys that reach the prototype chain when an object is built from untrusted keys. */
export const PROTO_SNIPPETS: readonly string[] = [
  "__proto__: { polluted: yes }",
  "constructor: { prototype: { polluted: yes } }",
  "prototype: { polluted: yes }",
  '"__proto__": { polluted: yes }',
  "'constructor': { prototype: { polluted: yes } }",
  "? __proto__\n: { polluted: yes }",
  "<<: { __proto__: { polluted: yes } }",
  "__proto__: [1, 2]",
  "__proto__: null",
  "x: { __proto__: { polluted: yes }, constructor: { prototype: { polluted: yes } } }",
  "hasOwnProperty: 1",
  "toString: 1",
];

const SCALARS: readonly string[] = [
  "~", "null", "Null", "NULL", "", "true", "False", "yes", "no", "on", "off", "y", "1e400", "-1e400", "1e-400",
  "18446744073709551616", "9007199254740993", "-9007199254740993", "0x10000000000000000", "0x1F", "0o17", "0b101",
  "1_000", "+12", "-0", ".inf", "-.inf", ".nan", "2024-02-30", "2024-01-01T25:61:61Z", "12:30:45", "1:2:3:4",
  "[]", "{}", "[[]]", "{a: {b: {c: d}}}", "- a\n- b", "|\n  block", ">-\n  folded", "!!binary AAAA", "!!set {a, b}",
  "!!omap [a: 1, b: 2]", "!!pairs [a: 1]", "!!js/function 'function(){}'", "!!python/object/apply:os.system ['id']",
  "!<tag:yaml.org,2002:str> x", "!custom x", "!!int x", "!!float x", "!!bool x", "!!null x", "!!map [1]", "!!seq {a: 1}",
  "&anc x", "*nope", "*anc", "&r [*r]", "&r {a: *r}", "&r [1, [2, *r]]", '"\\u0000"', '"\\ud800"', '"\\x00"', "'\\'", '"unterminated', "'unterminated",
  "@reserved", "`reserved", "%directive", "--- x", "... x", "? x", "- - - x", "a: b: c", "[a, b", "{a: b",
  "-----BEGIN PRIVATE KEY-----", "*", "?", "**", "*:*", "x:*", "db://*", "0.0.0.0/0", "::/0", "999.1.1.1/33",
  "P1000000Y", "-5", "1.5.5", ">=1.0.0 <0.1.0", "^0.0.0-", "(a+)+$", "((a*)*)*b", "[", "\\", "\u202E",
];

const INVALID_UTF8: readonly number[][] = [
  [0x80], [0xbf], [0xc0, 0xaf], [0xc1, 0xbf], [0xc3], [0xc3, 0x28], [0xe2, 0x82], [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf0, 0x9f], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xfc, 0x84, 0x80, 0x80, 0x80, 0x80], [0xfe], [0xff], [0xff, 0xfe], [0xef, 0xbf, 0xbe],
];

const CONTROL: readonly number[][] = [[0x00], [0x01], [0x07], [0x08], [0x0b], [0x0c], [0x0d], [0x1b], [0x7f], [0xc2, 0x85], [0xe2, 0x80, 0xa8]];

const KEYS: readonly string[] = ["__proto__", "constructor", "prototype", "id", "kind", "apiVersion", "metadata", "spec", "Statement", "Effect", "Action", "Resource", "Condition", "<<", "? x", "", "''", '""', "1", "null", "true", "[a]", "{a: 1}", "x\u0000", "\u202Eid"];

// -------------------------------------------------------------------------------------------------
// payloads

export function materialize(p: Payload): Uint8Array {
  switch (p.k) {
    case "text":
      return enc.encode(p.s);
    case "bytes":
      return Uint8Array.from(p.b);
    case "deepSeq":
      return enc.encode("[".repeat(p.n) + (p.closed ? "x" + "]".repeat(p.n) : ""));
    case "deepMap":
      return enc.encode("{a: ".repeat(p.n) + (p.closed ? "x" + "}".repeat(p.n) : ""));
    case "deepDash":
      return enc.encode("- ".repeat(p.n) + "x");
    case "deepBlock": {
      let s = "";
      for (let i = 0; i < p.n; i++) s += `${" ".repeat(i)}a:\n`;
      return enc.encode(s);
    }
    case "huge": {
      const body = "x".repeat(p.n);
      switch (p.style) {
        case "plain":
          return enc.encode(body);
        case "double":
          return enc.encode(`"${body}"`);
        case "single":
          return enc.encode(`'${body}'`);
        case "block":
          return enc.encode(`|\n${body.replace(/(.{1000})/g, "  $1\n")}\n`);
        default:
          return enc.encode(`${body}: 1`);
      }
    }
    case "manyKeys": {
      let s = "";
      for (let i = 0; i < p.n; i++) s += `k${i}: ${i}\n`;
      return enc.encode(s);
    }
    case "aliasBomb": {
      const names = Array.from({ length: p.levels }, (_, i) => `l${i}`);
      let s = `${names[0]}: &${names[0]} [${Array.from({ length: p.width }, () => '"lol"').join(", ")}]\n`;
      for (let i = 1; i < p.levels; i++) {
        const prev = names[i - 1]!;
        s += p.merge
          ? `${names[i]}: &${names[i]}\n  <<: [${Array.from({ length: p.width }, () => `*${prev}`).join(", ")}]\n  v${i}: [${Array.from({ length: p.width }, () => `*${prev}`).join(", ")}]\n`
          : `${names[i]}: &${names[i]} [${Array.from({ length: p.width }, () => `*${prev}`).join(", ")}]\n`;
      }
      return enc.encode(s);
    }
    case "manyAnchors": {
      let s = "";
      for (let i = 0; i < p.n; i++) s += `a${i}: &a${i} ${i}\nb${i}: *a${i}\n`;
      return enc.encode(s);
    }
  }
}

/** A random payload: mostly small nasty text, now and then a heavy hostile document. */
export function randomPayload(rng: Rng, heavy = 0.01): Payload {
  if (rng.chance(heavy)) {
    switch (rng.below(10)) {
      case 0:
        return { k: "deepSeq", n: rng.pick([100, 1000, 5000, 10_000]), closed: rng.chance(0.5) };
      case 1:
        return { k: "deepMap", n: rng.pick([100, 1000, 5000, 10_000]), closed: rng.chance(0.5) };
      case 2:
        return { k: "deepDash", n: rng.pick([100, 1000, 10_000]) };
      case 3:
        return { k: "deepBlock", n: rng.pick([50, 300, 1000]) };
      case 4:
        return { k: "huge", n: rng.pick([100_000, 900_000, 1_100_000]), style: rng.pick(["plain", "double", "single", "block", "key"] as const) };
      case 5:
        // (30,000 keys take ~6 s and 5,000 anchors ~30 s: see test/hardening/lint-fuzz.test.ts, known bugs)
        return { k: "manyKeys", n: rng.pick([1000, 5000]) };
      case 6:
        return { k: "aliasBomb", levels: rng.int(3, 10), width: rng.int(2, 10), merge: rng.chance(0.3) };
      case 7:
        return { k: "manyAnchors", n: rng.pick([100, 1000]) };
      default:
        return { k: "text", s: rng.pick(PROTO_SNIPPETS) };
    }
  }
  switch (rng.below(8)) {
    case 0:
      return { k: "bytes", b: [...rng.pick(INVALID_UTF8)] };
    case 1:
      return { k: "bytes", b: [...rng.pick(CONTROL)] };
    case 2:
      return { k: "text", s: rng.pick(PROTO_SNIPPETS) };
    case 3: {
      const s = rng.pick(NASTY_STRINGS);
      return { k: "text", s: rng.chance(0.5) ? JSON.stringify(s) : s };
    }
    case 4:
      return { k: "text", s: rng.some(NASTY_STRINGS, 3, 1).join("") };
    case 5: {
      let s = "";
      const n = rng.int(1, 12);
      for (let i = 0; i < n; i++) s += String.fromCodePoint(rng.chance(0.7) ? rng.int(0x20, 0x7e) : rng.int(0x80, 0x10ffff) & (rng.chance(0.1) ? 0xffff : 0x1fffff));
      return { k: "text", s: s.replace(/[\uD800-\uDFFF]/g, "\uFFFD") };
    }
    default:
      return { k: "text", s: rng.pick(SCALARS) };
  }
}

// -------------------------------------------------------------------------------------------------
// applying

function splitLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      lines.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  lines.push(bytes.subarray(start));
  return lines;
}

function joinLines(lines: readonly Uint8Array[]): Uint8Array {
  const total = lines.reduce((n, l) => n + l.length, 0) + Math.max(0, lines.length - 1);
  const out = new Uint8Array(total);
  let o = 0;
  lines.forEach((l, i) => {
    if (i > 0) out[o++] = 0x0a;
    out.set(l, o);
    o += l.length;
  });
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function indentOf(line: Uint8Array): number {
  let i = 0;
  while (i < line.length && (line[i] === 0x20 || line[i] === 0x2d)) i++; // spaces and "- "
  return i;
}

/** Byte offset of the value in `key: value` (after ": "), or -1. */
function valueStart(line: Uint8Array): number {
  for (let i = 0; i + 1 < line.length; i++) if (line[i] === 0x3a && line[i + 1] === 0x20) return i + 2;
  if (line.length > 0 && line[line.length - 1] === 0x3a) return line.length;
  return -1;
}

const latin1 = new TextDecoder("latin1");

export function applyOp(input: Uint8Array, op: Op): Uint8Array {
  const len = input.length;
  const at = (n: number): number => (len === 0 ? 0 : n % (len + 1));
  switch (op.t) {
    case "set": {
      if (len === 0) return input;
      const out = Uint8Array.from(input);
      out[op.at % len] = op.byte;
      return out;
    }
    case "bitflip": {
      if (len === 0) return input;
      const out = Uint8Array.from(input);
      out[op.at % len]! ^= 1 << op.bit % 8;
      return out;
    }
    case "truncate":
      return input.slice(0, at(op.at));
    case "delete": {
      const s = at(op.at);
      return concat(input.subarray(0, s), input.subarray(Math.min(len, s + op.len)));
    }
    case "insert": {
      const s = at(op.at);
      return concat(input.subarray(0, s), materialize(op.p), input.subarray(s));
    }
    case "whole":
      return materialize(op.p);
    case "lineEnds": {
      const lines = splitLines(input);
      if (op.to === "crlf") return joinLines(lines.map((l, i) => (i < lines.length - 1 ? concat(l, Uint8Array.of(0x0d)) : l)));
      if (op.to === "cr") return Uint8Array.from(input, (b) => (b === 0x0a ? 0x0d : b));
      return joinLines(lines.map((l, i) => (i % 2 === 0 && i < lines.length - 1 ? concat(l, Uint8Array.of(0x0d)) : l)));
    }
    case "bom":
      if (op.kind === "utf8") return concat(Uint8Array.of(0xef, 0xbb, 0xbf), input);
      if (op.kind === "twice") return concat(Uint8Array.of(0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf), input);
      return concat(Uint8Array.of(0xff, 0xfe), Uint8Array.from(Buffer.from(latin1.decode(input), "utf16le")));
    default:
      break;
  }
  const lines = splitLines(input);
  const n = lines.length;
  const idx = (i: number): number => i % n;
  switch (op.t) {
    case "insertLine": {
      const i = idx(op.line);
      const pad = op.indent ? lines[i]!.subarray(0, indentOf(lines[i]!)).map((b) => (b === 0x2d ? 0x20 : b)) : new Uint8Array(0);
      const body = materialize(op.p);
      // indent every line of a multi-line payload like the first
      const indented = pad.length === 0 ? body : joinLines(splitLines(body).map((l) => concat(pad, l)));
      lines.splice(i, 0, indented);
      return joinLines(lines);
    }
    case "replaceValue":
    case "replaceValueOf": {
      let i: number;
      if (op.t === "replaceValue") {
        const keyed = lines.map((l, k) => (valueStart(l) >= 0 ? k : -1)).filter((k) => k >= 0);
        if (keyed.length === 0) return input;
        i = keyed[op.line % keyed.length]!;
      } else {
        const re = new RegExp(`^[\\s-]*${op.key}:`);
        const keyed = lines.map((l, k) => (re.test(latin1.decode(l)) ? k : -1)).filter((k) => k >= 0);
        if (keyed.length === 0) return input;
        i = keyed[op.nth % keyed.length]!;
      }
      const line = lines[i]!;
      const v = valueStart(line);
      lines[i] = concat(line.subarray(0, v), v === line.length ? Uint8Array.of(0x20) : new Uint8Array(0), materialize(op.p));
      return joinLines(lines);
    }
    case "replaceKey": {
      const keyed = lines.map((l, k) => (valueStart(l) >= 0 ? k : -1)).filter((k) => k >= 0);
      if (keyed.length === 0) return input;
      const i = keyed[op.line % keyed.length]!;
      const line = lines[i]!;
      const start = indentOf(line);
      const colon = valueStart(line) - (valueStart(line) === line.length ? 1 : 2);
      lines[i] = concat(line.subarray(0, start), enc.encode(op.key), line.subarray(Math.max(start, colon)));
      return joinLines(lines);
    }
    case "dupLine": {
      const i = idx(op.line);
      lines.splice(i, 0, lines[i]!);
      return joinLines(lines);
    }
    case "delLine":
      lines.splice(idx(op.line), 1);
      return joinLines(lines);
    case "swapLines": {
      const a = idx(op.a);
      const b = idx(op.b);
      [lines[a], lines[b]] = [lines[b]!, lines[a]!];
      return joinLines(lines);
    }
    case "tabs": {
      const i = idx(op.line);
      const line = lines[i]!;
      let s = 0;
      while (s < line.length && line[s] === 0x20) s++;
      lines[i] = concat(new Uint8Array(Math.ceil(s / 2)).fill(0x09), line.subarray(s));
      return joinLines(lines);
    }
  }
}

/** A random mutation of a file of `size` bytes. */
export function randomOp(rng: Rng, size: number, heavy = 0.01): Op {
  const at = rng.below(Math.max(1, size + 1));
  const line = rng.below(1000);
  switch (rng.below(20)) {
    case 0:
    case 1:
      return { t: "set", at, byte: rng.below(256) };
    case 2:
      return { t: "bitflip", at, bit: rng.below(8) };
    case 3:
      return { t: "truncate", at };
    case 4:
      return { t: "delete", at, len: rng.int(1, 40) };
    case 5:
    case 6:
      return { t: "insert", at, p: randomPayload(rng, heavy) };
    case 7:
    case 8:
      return { t: "insertLine", line, p: randomPayload(rng, heavy), indent: rng.chance(0.8) };
    case 9:
    case 10:
      return { t: "replaceValue", line, p: randomPayload(rng, heavy) };
    case 11:
      return { t: "replaceValueOf", key: rng.pick(["id", "name", "Sid", "priority", "version", "kind", "targets", "Action", "Resource", "layer", "path", "sha256", "dependencies"]), nth: rng.below(10), p: randomPayload(rng, heavy / 2) };
    case 12:
      return { t: "replaceKey", line, key: rng.pick(KEYS) };
    case 13:
    case 14:
      return { t: "dupLine", line };
    case 15:
      return { t: "delLine", line };
    case 16:
      return { t: "swapLines", a: line, b: rng.below(1000) };
    case 17:
      return rng.chance(0.5) ? { t: "lineEnds", to: rng.pick(["crlf", "cr", "mixed"] as const) } : { t: "bom", kind: rng.pick(["utf8", "utf8", "twice", "utf16le"] as const) };
    case 18:
      return { t: "tabs", line };
    default:
      return rng.chance(0.1) ? { t: "whole", p: randomPayload(rng, heavy * 5) } : { t: "insertLine", line, p: { k: "text", s: rng.pick(PROTO_SNIPPETS) }, indent: true };
  }
}

/** Paths a hostile or careless contributor could create. */
export function randomPath(rng: Rng, original: string): string {
  const nasty = rng.pick(NASTY_STRINGS).replace(/\//g, rng.chance(0.5) ? "/" : "_");
  switch (rng.below(9)) {
    case 0:
      return `policies/${nasty}.yaml`;
    case 1:
      return `policies/../${rng.pick(["x", "edict", ".edict/packs"])}.yaml`;
    case 2:
      return `packs/${nasty}/metadata.yaml`;
    case 3:
      return `packs/${rng.pick(["starter", "__proto__", "constructor", "..", "x y", "A", "a__b"])}/policies/${rng.pick(["01_x", "99_..", "1_x", "01_X", "01_", "01_a__b", "00_" + nasty])}.yaml`;
    case 4:
      return `policies/${rng.pick(["starter", "__proto__", "x"])}__${rng.pick(["01", "1", "99", "0x"])}__${rng.pick(["a", "..", "__proto__", nasty])}.yaml`;
    case 5:
      return original.replace(/\.yaml$/, rng.pick([".yml", ".json", ".YAML", ".yaml.bak", ""]));
    case 6:
      return `policies/${rng.pick(["a/b/c", "deep/".repeat(40), "\u202E", "x\u0000", "sub"])}/${nasty}.yaml`;
    case 7:
      return original.replace(/\//, `/${nasty}/`);
    default:
      return `${rng.pick(["policies", "packs/starter/policies"])}/${String.fromCodePoint(rng.int(0x20, 0x2fff)).replace(/[\uD800-\uDFFF/]/g, "_")}.yaml`;
  }
}
