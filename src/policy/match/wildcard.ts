/**
 * IAM-style wildcard patterns (SPEC §2.1): `*` matches any run of characters (including none,
 * `:` and `/`), `?` exactly one character (one Unicode code point), everything else is literal.
 * There is no escape syntax. Patterns are expected to be well-formed UTF-16 (no lone surrogates).
 *
 * Matching never backtracks exponentially: the pattern is split at `*` into segments, the first
 * is anchored at the start, the last at the end, and the middle ones are found leftmost-first,
 * which is O(value × pattern) in the worst case and usually a few `indexOf` calls.
 */

/** Tests one value against a compiled pattern. */
export type WildcardMatcher = (value: string) => boolean;

export interface WildcardOptions {
  /** Compare after `toLowerCase()` of both pattern and value (actions are case-insensitive). */
  readonly ignoreCase?: boolean;
}

const STAR = 42; // "*"
const QUESTION = 63; // "?"

/** True when the pattern contains `*` or `?`. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/**
 * Compiles a pattern into a matcher; compile once, match many times.
 *
 * @example
 * const m = compileWildcard("file:Read*", { ignoreCase: true });
 * m("FILE:ReadText"); // true
 */
export function compileWildcard(pattern: string, options: WildcardOptions = {}): WildcardMatcher {
  if (options.ignoreCase === true) {
    const test = compileExact(pattern.toLowerCase());
    return (value) => test(value.toLowerCase());
  }
  return compileExact(pattern);
}

/** One-shot match; prefer {@link compileWildcard} when the pattern is reused. */
export function matchWildcard(pattern: string, value: string, ignoreCase = false): boolean {
  return ignoreCase ? globMatch(pattern.toLowerCase(), value.toLowerCase()) : globMatch(pattern, value);
}

function compileExact(raw: string): WildcardMatcher {
  if (!hasWildcard(raw)) return (value) => value === raw;
  const pattern = raw.replace(/\*{2,}/g, "*");
  if (pattern === "*") return () => true;
  if (!pattern.includes("?")) {
    const stars = countStars(pattern);
    if (stars === 1) {
      const star = pattern.indexOf("*");
      const head = pattern.slice(0, star);
      const tail = pattern.slice(star + 1);
      if (tail === "") return (value) => hasPrefix(value, head);
      if (head === "") return (value) => hasSuffix(value, tail);
      const min = head.length + tail.length;
      return (value) => value.length >= min && hasPrefix(value, head) && hasSuffix(value, tail);
    }
    if (stars === 2 && pattern.startsWith("*") && pattern.endsWith("*")) {
      const middle = pattern.slice(1, -1);
      return (value) => value.includes(middle);
    }
  }
  const segments = pattern.split("*");
  return (value) => matchSegments(segments, value);
}

/**
 * `value.startsWith(head)`, comparing from the end of `head`: values that share a long common
 * start (`db://production/…`) usually differ last, so mismatches are found at once.
 */
function hasPrefix(value: string, head: string): boolean {
  if (value.length < head.length) return false;
  for (let i = head.length - 1; i >= 0; i--) if (value.charCodeAt(i) !== head.charCodeAt(i)) return false;
  return true;
}

/** `value.endsWith(tail)`, comparing from the start of `tail` for the same reason. */
function hasSuffix(value: string, tail: string): boolean {
  const offset = value.length - tail.length;
  if (offset < 0) return false;
  for (let i = 0; i < tail.length; i++) if (value.charCodeAt(offset + i) !== tail.charCodeAt(i)) return false;
  return true;
}

function countStars(pattern: string): number {
  let n = 0;
  for (let i = 0; i < pattern.length; i++) if (pattern.charCodeAt(i) === STAR) n++;
  return n;
}

function globMatch(pattern: string, value: string): boolean {
  if (!hasWildcard(pattern)) return pattern === value;
  return matchSegments(pattern.split("*"), value);
}

/** `segments` is the pattern split at `*`: one segment means no star at all. */
function matchSegments(segments: readonly string[], value: string): boolean {
  const first = segments[0] ?? "";
  const pos = matchForward(value, 0, first);
  if (pos < 0) return false;
  if (segments.length === 1) return pos === value.length;
  const last = segments[segments.length - 1] ?? "";
  const tailStart = matchBackward(value, value.length, last);
  if (tailStart < pos) return false; // also covers tailStart === -1
  let at = pos;
  for (let i = 1; i < segments.length - 1; i++) {
    at = findSegment(value, at, tailStart, segments[i] ?? "");
    if (at < 0) return false;
  }
  return true;
}

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Width in code units of the code point starting at `i`. */
function widthAt(value: string, i: number): number {
  return isHigh(value.charCodeAt(i)) && i + 1 < value.length && isLow(value.charCodeAt(i + 1)) ? 2 : 1;
}

/** Matches a star-free segment starting at `i`; returns the end index or -1. */
function matchForward(value: string, i: number, segment: string): number {
  for (let k = 0; k < segment.length; k++) {
    if (i >= value.length) return -1;
    const c = segment.charCodeAt(k);
    if (c === QUESTION) {
      i += widthAt(value, i);
    } else {
      if (value.charCodeAt(i) !== c) return -1;
      i++;
    }
  }
  return i;
}

/** Matches a star-free segment ending at `end`; returns the start index or -1. */
function matchBackward(value: string, end: number, segment: string): number {
  let i = end;
  for (let k = segment.length - 1; k >= 0; k--) {
    if (i <= 0) return -1;
    const c = segment.charCodeAt(k);
    if (c === QUESTION) {
      i -= i >= 2 && isLow(value.charCodeAt(i - 1)) && isHigh(value.charCodeAt(i - 2)) ? 2 : 1;
    } else {
      if (value.charCodeAt(i - 1) !== c) return -1;
      i--;
    }
  }
  return i;
}

/** Leftmost occurrence of `segment` at or after `from` that ends by `limit`; returns its end or -1. */
function findSegment(value: string, from: number, limit: number, segment: string): number {
  if (!segment.includes("?")) {
    const at = value.indexOf(segment, from);
    // the leftmost occurrence also ends leftmost, so a later one cannot fit either
    return at < 0 || at + segment.length > limit ? -1 : at + segment.length;
  }
  for (let i = from; i <= limit; i += widthAt(value, i)) {
    const end = matchForward(value, i, segment);
    if (end >= 0) return end <= limit ? end : -1;
    if (i >= value.length) break;
  }
  return -1;
}

const ACTION_PART = /^[A-Za-z0-9_*?.-]+$/;
const SCHEME = /^[a-z][a-z0-9+.-]*$/;

/** `*` or `service:Action[:sub...]`; undefined when fine, otherwise a short message. */
export function validateActionPattern(pattern: string): string | undefined {
  if (pattern === "*") return undefined;
  if (pattern === "") return "action is empty: expected service:Action or *";
  const parts = pattern.split(":");
  if (parts.length < 2) return `action "${pattern}" has no service: expected service:Action or *`;
  for (const part of parts) {
    if (part === "") return `action "${pattern}" has an empty part: expected service:Action[:sub]`;
    if (!ACTION_PART.test(part)) {
      return `action "${pattern}" has an invalid character in "${part}": expected letters, digits, _ . - * ?`;
    }
  }
  return undefined;
}

/** `*` or `scheme://path` with no whitespace; undefined when fine, otherwise a short message. */
export function validateResourcePattern(pattern: string): string | undefined {
  if (pattern === "*") return undefined;
  if (pattern === "") return "resource is empty: expected scheme://path or *";
  if (/\s/.test(pattern)) return `resource "${pattern}" contains whitespace`;
  const sep = pattern.indexOf("://");
  if (sep < 0) return `resource "${pattern}" is not scheme://path or *`;
  if (!SCHEME.test(pattern.slice(0, sep))) {
    return `resource "${pattern}" has an invalid scheme: expected lowercase [a-z][a-z0-9+.-]*`;
  }
  if (sep + 3 === pattern.length) return `resource "${pattern}" has an empty path: expected scheme://path`;
  return undefined;
}
