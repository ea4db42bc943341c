/**
 * Reading a signed payload's bytes: strict UTF-8, JSON, a depth cap, the v1 fields, and
 * byte-for-byte RFC 8785 canonical form. Shared by `verifyBundle` and the runtime loader, so both
 * accept exactly the same payloads. Pure; no hashing here.
 */
import { utf8Decode, utf8Encode } from "./bytes.js";
import type { BundlePayload } from "./payload.js";
import { findPayloadProblem } from "./payload.js";
import { formatError } from "./verify-checks.js";

/** Deepest JSON nesting a payload (or envelope) may have: effective policies are shallow, hostile input is not. */
export const MAX_PAYLOAD_DEPTH = 64;

/**
 * A lone surrogate escape (`\ud800`) that is not itself an escaped backslash. Canonical text
 * writes every string with JSON.stringify, which escapes exactly the lone surrogates (lowercase),
 * so in text equal to its canonical form this finds the non-I-JSON strings RFC 8785 forbids.
 */
export const LONE_SURROGATE_ESCAPE = /(?<!\\)(?:\\\\)*\\ud[89a-f]/;

/** The message of a payload that parses but is not in canonical form. */
export const NOT_CANONICAL = "payload is not RFC 8785 canonical JSON (a duplicate key, whitespace, key order or number form differs)";

export interface ReadPayload {
  payload: BundlePayload;
  /** Canonical bytes of `payload.targets`: what the digests cover. */
  targetsBytes: Uint8Array;
}

/** Strict UTF-8, then JSON; FORMAT_ERROR naming `what` ("payload", "envelope") otherwise. */
export function parseJsonBytes(bytes: Uint8Array, what: string): { text: string; value: unknown } {
  try {
    const text = utf8Decode(bytes);
    return { text, value: JSON.parse(text) };
  } catch (e) {
    throw formatError(`${what} is not strict JSON: ${(e as Error).message}`, e);
  }
}

/**
 * The payload and the canonical bytes of its `targets`, serialised once. JSON.parse is enough:
 * the bytes must equal the canonical form of what was parsed, which a duplicate key, extra
 * whitespace or any other non-canonical spelling can never do. Throws FORMAT_ERROR; the message
 * of a non-canonical payload is generic (callers that want to name a duplicate key check for it
 * on that error path only).
 */
export function readPayload(bytes: Uint8Array): ReadPayload {
  const { text, value } = parseJsonBytes(bytes, "payload");
  const problem = findPayloadProblem(value);
  if (problem) throw formatError(`payload: ${problem}`);
  const payload = value as BundlePayload;
  // nearly every payload is proved canonical by one scan of its text; the exact check decides the rest
  let span = canonicalTargetsSpan(text);
  if (!span) {
    // the canonical text, written key by key so the targets' place in it is known
    let canonical = "";
    span = [0, 0];
    for (const key of Object.keys(payload).sort()) {
      canonical += `${canonical ? "," : "{"}${JSON.stringify(key)}:`;
      if (key === "targets") span[0] = canonical.length;
      canonical += canonicalOfParsed(payload[key as keyof BundlePayload], 2);
      if (key === "targets") span[1] = canonical.length;
    }
    // strict UTF-8 decoding is one-to-one, so equal text means equal bytes
    if (`${canonical}}` !== text) throw formatError(NOT_CANONICAL);
  }
  // the escape is rare: a plain search rules it out in a fraction of the pattern's time
  if (text.includes("\\ud") && LONE_SURROGATE_ESCAPE.test(text)) throw formatError("payload is not I-JSON: a string holds a lone surrogate");
  // one payload, one byte sequence: the canonical targets are in it, between the text around them
  return { payload, targetsBytes: bytes.subarray(utf8Encode(text.slice(0, span[0])).length, bytes.length - utf8Encode(text.slice(span[1])).length) };
}

/** An escape as JSON.stringify writes it: a short one, or \u00xx for a control character without one. */
const ESCAPE = /^(?:["\\bfnrt]|u00(?:0[0-7bef]|1[\da-f]))/;

/**
 * Where the top-level "targets" value lies in `text`, when one scan proves the text canonical:
 * no whitespace, each object's keys in strictly increasing code-unit order (so no duplicates),
 * only the escapes JSON.stringify writes, numbers and literals as ECMAScript writes them,
 * nesting within the cap. Undefined when unsure (a surrogate escape, a key with an escape or
 * empty, anything else): the exact check then decides. Only for text JSON.parse accepted.
 */
export function canonicalTargetsSpan(text: string): [number, number] | undefined {
  // the previous key of each open object or array, by depth
  const keys: string[] = [];
  let depth = 0;
  let start = 0;
  let end = 0;
  // the next backslash: escapes are rare, so strings are crossed by searching for their quotes
  let slash = text.indexOf("\\");
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const from = i + 1;
      i = text.indexOf('"', from);
      // the escapes before that quote, in order; an escaped quote does not end the string
      while (slash >= 0 && slash < i) {
        if (!ESCAPE.test(text.slice(slash + 1, slash + 6))) return undefined;
        if (slash + 1 === i) i = text.indexOf('"', i + 1);
        slash = text.indexOf("\\", slash + 2);
      }
      if (i < 0) return undefined;
      if (text.charCodeAt(i + 1) === 58) {
        const key = text.slice(from, i);
        if (key.includes("\\") || !(keys[depth]! < key)) return undefined;
        keys[depth] = key;
        if (depth === 1 && key === "targets") start = i + 2;
      }
    } else if (c === 123 || c === 91) {
      if (++depth > MAX_PAYLOAD_DEPTH) return undefined;
      keys[depth] = "";
    } else if (c === 44 || c === 125 || c === 93) {
      if (depth === 1 && start) end ||= i;
      if (c !== 44) depth--;
    } else if (c !== 58) {
      // a number or literal, up to the next , ] or }
      let j = i;
      while (j < text.length && !",]}".includes(text[j]!)) j++;
      const token = text.slice(i, j);
      if (`${+token}` !== token && token !== "true" && token !== "false" && token !== "null") return undefined;
      i = j - 1;
    }
  }
  return end ? [start, end] : undefined;
}

const tooDeep = () => formatError(`JSON nests deeper than ${MAX_PAYLOAD_DEPTH} levels`);

/**
 * RFC 8785 canonical text of a value `JSON.parse` made (so no undefined, functions, symbols,
 * cycles or `toJSON` to care about): object keys sorted by UTF-16 code units, numbers and strings
 * as ECMAScript serialises them, no whitespace. What `canonicalize` does, without its handling of
 * arbitrary objects; a property test compares the two. Payloads seldom need it:
 * `canonicalTargetsSpan` proves nearly all of them canonical without writing any text.
 */
export function canonicalOfParsed(value: unknown, depth = 1): string {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  // hostile nesting: JSON.parse does not recurse, this would; effective policies are shallow
  if (depth > MAX_PAYLOAD_DEPTH) throw tooDeep();
  if (Array.isArray(value)) return `[${value.map((item) => canonicalOfParsed(item, depth + 1)).join(",")}]`;
  const record = value as Record<string, unknown>;
  return `{${Object.keys(record)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalOfParsed(record[key], depth + 1)}`)
    .join(",")}}`;
}
