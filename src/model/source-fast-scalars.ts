/**
 * Scalars for the fast path of source reading (source-fast.ts): plain scalars resolved by the
 * yaml library's own YAML 1.2 core-schema tags (so `010`, `0x1F`, `.inf`, `~` and `True` mean
 * exactly what the full parse makes of them), and one-line quoted scalars with the common
 * escapes. Whatever these functions do not read exactly, they reject with `FAST_PATH_BAIL`.
 */
import { Document, isScalar } from "yaml";

/** Thrown (never escapes source-fast.ts) when the text leaves the subset the fast path reads. */
export const FAST_PATH_BAIL: unique symbol = Symbol("fast path bail");

export function bail(): never {
  throw FAST_PATH_BAIL;
}

interface ScalarTag {
  default?: boolean | "key";
  test?: RegExp;
  resolve: (value: string, onError: (message: string) => void, options: object) => unknown;
}

/** The tags yaml tries on a plain scalar, in its order (`findScalarTagByTest`). */
const PLAIN_TAGS: readonly ScalarTag[] = (new Document().schema.tags as unknown as ScalarTag[]).filter((t) => t.default === true && t.test !== undefined);
const RESOLVE_OPTIONS = { intAsBigInt: false };

/**
 * Whether a plain scalar starting with this character could be anything but a string: the core
 * schema's null, bool, int and float patterns all start with one of `~ n N t T f F + - . 0-9`.
 */
function mayBeTyped(first: number): boolean {
  return (
    first === 0x7e || // ~
    first === 0x6e || first === 0x4e || // n N
    first === 0x74 || first === 0x54 || // t T
    first === 0x66 || first === 0x46 || // f F
    first === 0x2b || first === 0x2d || first === 0x2e || // + - .
    (first >= 0x30 && first <= 0x39)
  );
}

/** The value of a one-line plain scalar, as the yaml library resolves it. */
export function resolvePlain(source: string): unknown {
  if (!mayBeTyped(source.charCodeAt(0))) return source;
  for (const tag of PLAIN_TAGS) {
    if (tag.test!.test(source)) {
      // bool resolves to a Scalar (to keep its source), the others to the plain value
      const resolved = tag.resolve(source, bail, RESOLVE_OPTIONS);
      return isScalar(resolved) ? resolved.value : resolved;
    }
  }
  return source;
}

/**
 * Whether a plain scalar may start at `at`: not at an indicator (`- ? :` only when followed by a
 * character that keeps them in the scalar; the fast path accepts that for `-` alone).
 */
export function isPlainStart(text: string, at: number, flow: boolean): boolean {
  const c = text.charCodeAt(at);
  switch (c) {
    case 0x2d: {
      // -
      const n = text.charCodeAt(at + 1);
      if (Number.isNaN(n) || n === 0x20 || n === 0x0a) return false;
      return !(flow && (n === 0x2c || n === 0x5b || n === 0x5d || n === 0x7b || n === 0x7d));
    }
    case 0x3f: // ?
    case 0x3a: // :
    case 0x2c: // ,
    case 0x5b: // [
    case 0x5d: // ]
    case 0x7b: // {
    case 0x7d: // }
    case 0x23: // #
    case 0x26: // &
    case 0x2a: // *
    case 0x21: // !
    case 0x7c: // |
    case 0x3e: // >
    case 0x27: // '
    case 0x22: // "
    case 0x25: // %
    case 0x40: // @
    case 0x60: // `
    case 0x20:
    case 0x0a:
      return false;
    default:
      return !Number.isNaN(c);
  }
}

export interface QuotedScalar {
  value: string;
  /** Offset just after the closing quote. */
  end: number;
}

function hexValue(text: string, from: number, digits: number): number {
  let v = 0;
  for (let i = from; i < from + digits; i++) {
    const c = text.charCodeAt(i);
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) bail();
    v = v * 16 + d;
  }
  return v;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", n: "\n", t: "\t", r: "\r", b: "\b", f: "\f" };

/** A double-quoted scalar starting at `at` that closes on the same line. */
export function readDoubleQuoted(text: string, at: number): QuotedScalar {
  let i = at + 1;
  let from = i;
  let value = "";
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return { value: value + text.slice(from, i), end: i + 1 };
    if (Number.isNaN(c) || c === 0x0a) bail();
    if (c === 0x5c) {
      value += text.slice(from, i);
      const e = text[i + 1] ?? "";
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        value += simple;
        i += 2;
      } else if (e === "u") {
        const code = hexValue(text, i + 2, 4);
        if (code >= 0xd800 && code <= 0xdfff) bail();
        value += String.fromCharCode(code);
        i += 6;
      } else bail();
      from = i;
      continue;
    }
    i++;
  }
}

/** A single-quoted scalar starting at `at` that closes on the same line (`''` is a quote). */
export function readSingleQuoted(text: string, at: number): QuotedScalar {
  let i = at + 1;
  let from = i;
  let value = "";
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c) || c === 0x0a) bail();
    if (c === 0x27) {
      if (text.charCodeAt(i + 1) !== 0x27) return { value: value + text.slice(from, i), end: i + 1 };
      value += text.slice(from, i + 1);
      i += 2;
      from = i;
      continue;
    }
    i++;
  }
}
