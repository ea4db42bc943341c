/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): sorted keys (by UTF-16 code units), ECMAScript
 * number serialisation, minimal string escaping, no whitespace. The bytes hashed and signed are
 * always these canonical bytes, never a re-serialised object. Serialisation is done by
 * `canonicalize` (RFC 8785 reference implementation); this module first checks the value is
 * I-JSON (RFC 7493) so nothing is silently dropped or coerced. Pure; no Node-only APIs.
 */
import canonicalizeModule from "canonicalize";
import { utf8Encode } from "./bytes.js";

type Serialize = (input: unknown) => string | undefined;

// canonicalize is CommonJS whose typings declare `export default`; at runtime (Node, bundlers)
// the default import is the function itself, but TypeScript types it as the module namespace.
const canonicalize: Serialize =
  typeof canonicalizeModule === "function"
    ? (canonicalizeModule as Serialize)
    : (canonicalizeModule as unknown as { default: Serialize }).default;

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

/**
 * RFC 8785 canonical JSON text of `value`. Throws `TypeError` for anything that is not I-JSON:
 * `undefined`, functions, symbols, bigints, NaN/±Infinity, lone surrogates, cycles, sparse arrays
 * and non-plain objects (a `Date` must be turned into a string first).
 *
 * @example canonicalJson({ b: 1, a: [1.50, "x"] }) === '{"a":[1.5,"x"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  assertJsonValue(value, "$", new Set());
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError("canonical json: value is not JSON");
  return text;
}

/** UTF-8 bytes of `canonicalJson(value)`: what gets hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8Encode(canonicalJson(value));
}
