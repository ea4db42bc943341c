/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): sorted keys (by UTF-16 code units), ECMAScript
 * number serialisation, minimal string escaping, no whitespace. The bytes hashed and signed are
 * always these canonical bytes, never a re-serialised object. The value must be I-JSON (RFC 7493)
 * so nothing is silently dropped or coerced: the serialiser checks that as it writes, and on any
 * doubt the full check (`assertJsonValue`) names the problem. A property test compares the output
 * with `canonicalize` (the RFC 8785 reference implementation). Pure; no Node-only APIs.
 */
import { utf8Decode } from "./bytes.js";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  return proto?.constructor?.name ?? "object";
}

function pathOf(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

function checkString(s: string, path: string): void {
  if (LONE_SURROGATE.test(s)) throw new TypeError(`canonical json: lone surrogate in string at ${path} (RFC 8785 requires I-JSON)`);
}

// Rejects what JSON.stringify would drop, coerce or serialise via toJSON, so the signed bytes
// always mean exactly the value the caller passed.
function assertJsonValue(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case "string":
      checkString(value, path);
      return;
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonical json: non-finite number ${value} at ${path}`);
      return;
    case "object":
      break;
    default:
      throw new TypeError(`canonical json: ${typeof value} is not JSON at ${path}`);
  }
  if (value === null) return;
  if (ancestors.has(value)) throw new TypeError(`canonical json: cycle at ${path}`);
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw new TypeError(`canonical json: hole in array at ${pathOf(path, i)}`);
      assertJsonValue(value[i], pathOf(path, i), ancestors);
    }
  } else {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`canonical json: ${describe(value)} is not a plain object at ${path}`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) {
      throw new TypeError(`canonical json: symbol keys are not JSON at ${path}`);
    }
    for (const [key, child] of Object.entries(value)) {
      checkString(key, pathOf(path, key));
      assertJsonValue(child, pathOf(path, key), ancestors);
    }
  }
  ancestors.delete(value);
}

/** A value the one-pass serialiser cannot write: `assertJsonValue` says why. */
const NOT_I_JSON: unique symbol = Symbol("not I-JSON");

const isWellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function"
    ? (s) => (s as string & { isWellFormed(): boolean }).isWellFormed()
    : (s) => !LONE_SURROGATE.test(s);

const encoder = new TextEncoder();

/** Any code unit a string cannot be copied with as it is: control characters, quote, backslash, non-ASCII. */
const NOT_PLAIN_ASCII = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
/** Outputs shorter than this are copied out of the writer's buffer (see `bytes`). */
const COPY_BELOW = 1 << 20;
/** Strings at least this long take the native path; shorter ones are cheaper to copy by hand. */
const LONG_STRING = 1024;

/**
 * Writes canonical JSON as UTF-8 bytes in one pass, checking as it goes what `assertJsonValue`
 * checks; stops with `NOT_I_JSON` at the first doubt. Strings of printable ASCII (nearly all of
 * a bundle) are copied code unit by code unit; others go through `JSON.stringify` and the
 * encoder. Objects in `known` are written as their given canonical bytes.
 */
class CanonicalWriter {
  private buf = new Uint8Array(1 << 16);
  private at = 0;
  private readonly known: ReadonlyMap<object, Uint8Array> | undefined;

  constructor(known?: ReadonlyMap<object, Uint8Array>) {
    this.known = known;
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.at));
    this.buf = grown;
  }

  private byte(b: number): void {
    this.room(1);
    this.buf[this.at++] = b;
  }

  /** Text known to be ASCII (numbers, literals). */
  private ascii(text: string): void {
    this.room(text.length);
    const buf = this.buf;
    let at = this.at;
    for (let i = 0; i < text.length; i++) buf[at++] = text.charCodeAt(i);
    this.at = at;
  }

  private string(value: string): void {
    const n = value.length;
    this.room(n + 2);
    const buf = this.buf;
    let at = this.at;
    buf[at++] = 0x22;
    // a long string (a base64 payload) is checked by one native scan and copied by the encoder
    if (n >= LONG_STRING && !NOT_PLAIN_ASCII.test(value)) {
      at += encoder.encodeInto(value, buf.subarray(at)).written;
      buf[at++] = 0x22;
      this.at = at;
      return;
    }
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      // control characters, quote, backslash and non-ASCII: JSON.stringify's escaping and UTF-8
      if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) {
        this.quoted(value);
        return;
      }
      buf[at++] = c;
    }
    buf[at++] = 0x22;
    this.at = at;
  }

  private quoted(value: string): void {
    if (!isWellFormed(value)) throw NOT_I_JSON;
    const text = JSON.stringify(value);
    this.room(text.length * 3);
    this.at += encoder.encodeInto(text, this.buf.subarray(this.at)).written;
  }

  write(value: unknown): void {
    switch (typeof value) {
      case "string":
        this.string(value);
        return;
      case "boolean":
        this.ascii(value ? "true" : "false");
        return;
      case "number":
        if (!Number.isFinite(value)) throw NOT_I_JSON;
        this.ascii(JSON.stringify(value));
        return;
      case "object":
        break;
      default:
        throw NOT_I_JSON;
    }
    if (value === null) {
      this.ascii("null");
      return;
    }
    const bytes = this.known?.get(value);
    if (bytes !== undefined) {
      this.room(bytes.length);
      this.buf.set(bytes, this.at);
      this.at += bytes.length;
    } else if (Array.isArray(value)) this.writeArray(value);
    else this.writeObject(value as Record<string, unknown>);
  }

  private writeArray(value: unknown[]): void {
    this.byte(0x5b);
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) throw NOT_I_JSON;
      if (i > 0) this.byte(0x2c);
      this.write(value[i]);
    }
    this.byte(0x5d);
  }

  private writeObject(value: Record<string, unknown>): void {
    const proto: unknown = Object.getPrototypeOf(value);
    if ((proto !== Object.prototype && proto !== null) || Object.getOwnPropertySymbols(value).length > 0) throw NOT_I_JSON;
    const keys = Object.keys(value).sort();
    this.byte(0x7b);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      if (i > 0) this.byte(0x2c);
      this.string(key);
      this.byte(0x3a);
      this.write(value[key]);
    }
    this.byte(0x7d);
  }

  /**
   * The bytes written. A large output is a view of the writer's buffer, at least half of which it
   * fills (it doubles as it grows), rather than a copy of megabytes; a small one is copied, so it
   * does not hold a mostly empty buffer.
   */
  bytes(): Uint8Array {
    return this.at >= COPY_BELOW ? this.buf.subarray(0, this.at) : this.buf.slice(0, this.at);
  }
}

function written(value: unknown, known?: ReadonlyMap<object, Uint8Array>): CanonicalWriter {
  const writer = new CanonicalWriter(known);
  try {
    writer.write(value);
  } catch (e) {
    // a cycle overflows the stack here; the full check finds it (or overflows the same way)
    if (e !== NOT_I_JSON && !(e instanceof RangeError)) throw e;
    assertJsonValue(value, "$", new Set());
    throw e === NOT_I_JSON ? new TypeError("canonical json: value is not JSON") : e;
  }
  return writer;
}

/**
 * RFC 8785 canonical JSON text of `value`. Throws `TypeError` for anything that is not I-JSON:
 * `undefined`, functions, symbols, bigints, NaN/±Infinity, lone surrogates, cycles, sparse arrays
 * and non-plain objects (a `Date` must be turned into a string first).
 *
 * @example canonicalJson({ b: 1, a: [1.50, "x"] }) === '{"a":[1.5,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return utf8Decode(written(value).bytes());
}

/** UTF-8 bytes of `canonicalJson(value)`: what gets hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return written(value).bytes();
}

/**
 * `canonicalBytes(value)` where some objects inside it were serialised already: each object in
 * `known` is written as its bytes (which must be its `canonicalBytes`), so a payload that holds
 * its targets does not serialise and encode them a second time.
 */
export function canonicalBytesReusing(value: unknown, known: ReadonlyMap<object, Uint8Array>): Uint8Array {
  return written(value, known).bytes();
}
