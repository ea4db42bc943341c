/**
 * A strict JSON parser (RFC 8259, with the I-JSON restrictions of RFC 7493) for signed
 * envelopes. `JSON.parse` keeps the last of duplicate keys while other parsers keep the first;
 * a signer and a verifier that disagree on which one counts is a parser-differential attack, so
 * duplicate keys (compared after unescaping) are an error here. Also rejected: lone surrogates,
 * numbers that overflow to ±Infinity, a byte-order mark, and nesting deeper than `maxDepth`.
 * Pure; no Node-only APIs.
 */

export class JsonSyntaxError extends SyntaxError {
  /** Offset in UTF-16 code units into the parsed text. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = "JsonSyntaxError";
    this.offset = offset;
  }
}

export interface StrictJsonOptions {
  /** Deepest nesting of arrays and objects accepted; 256 unless told. */
  maxDepth?: number;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** Parses JSON text strictly; throws `JsonSyntaxError` with the offset of the first problem. */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): unknown {
  if (typeof text !== "string") throw new TypeError("parseStrictJson: expected a string");
  const maxDepth = options.maxDepth ?? 256;
  let pos = 0;

  const fail = (message: string, at = pos): never => {
    throw new JsonSyntaxError(message, at);
  };

  const skipWhitespace = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else return;
    }
  };

  const parseString = (): string => {
    const start = pos;
    pos++; // opening quote
    let out = "";
    let runStart = pos;
    for (;;) {
      if (pos >= text.length) fail("unterminated string", start);
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(runStart, pos);
        pos++;
        break;
      }
      if (c < 0x20) fail("control character in string");
      if (c === 0x5c) {
        out += text.slice(runStart, pos);
        const e = text[pos + 1];
        if (e === "u") {
          const hex = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          pos += 6;
        } else if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
          out += ESCAPES[e];
          pos += 2;
        } else {
          fail("bad escape");
        }
        runStart = pos;
        continue;
      }
      pos++;
    }
    if (LONE_SURROGATE.test(out)) fail("lone surrogate in string (not I-JSON)", start);
    return out;
  };

  const parseValue = (depth: number): unknown => {
    skipWhitespace();
    const c = text[pos];
    if (c === "{" || c === "[") {
      if (depth >= maxDepth) fail(`nesting deeper than ${maxDepth}`);
      return c === "{" ? parseObject(depth + 1) : parseArray(depth + 1);
    }
    if (c === '"') return parseString();
    if (text.startsWith("true", pos)) {
      pos += 4;
      return true;
    }
    if (text.startsWith("false", pos)) {
      pos += 5;
      return false;
    }
    if (text.startsWith("null", pos)) {
      pos += 4;
      return null;
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m) {
      const n = Number(m[0]);
      if (!Number.isFinite(n)) fail("number out of range");
      pos += m[0].length;
      return n;
    }
    return fail(pos >= text.length ? "unexpected end of input" : "unexpected character");
  };

  const parseArray = (depth: number): unknown[] => {
    pos++;
    const out: unknown[] = [];
    skipWhitespace();
    if (text[pos] === "]") {
      pos++;
      return out;
    }
    for (;;) {
      out.push(parseValue(depth));
      skipWhitespace();
      const c = text[pos];
      pos++;
      if (c === "]") return out;
      if (c !== ",") fail("expected ',' or ']'", pos - 1);
    }
  };

  const parseObject = (depth: number): Record<string, unknown> => {
    pos++;
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    skipWhitespace();
    if (text[pos] === "}") {
      pos++;
      return out;
    }
    for (;;) {
      skipWhitespace();
      if (text[pos] !== '"') fail("expected a string key");
      const keyAt = pos;
      const key = parseString();
      // parser differential: a duplicate key means different parsers see different documents
      if (seen.has(key)) fail(`duplicate key ${JSON.stringify(key.length > 64 ? key.slice(0, 64) + "…" : key)}`, keyAt);
      seen.add(key);
      skipWhitespace();
      if (text[pos] !== ":") fail("expected ':'");
      pos++;
      const value = parseValue(depth);
      // defineProperty, not assignment: "__proto__" stays an own key instead of setting the prototype
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      skipWhitespace();
      const c = text[pos];
      pos++;
      if (c === "}") return out;
      if (c !== ",") fail("expected ',' or '}'", pos - 1);
    }
  };

  if (text.charCodeAt(0) === 0xfeff) fail("byte-order mark before JSON text", 0);
  const value = parseValue(0);
  skipWhitespace();
  if (pos < text.length) fail("unexpected data after JSON value");
  return value;
}
