/**
 * IAM-style wildcard patterns: `*` matches any run of characters (including none,
 * `:` and `/`), `?` exactly one character (one Unicode code point), everything else is literal.
 * There is no escape syntax. Patterns are expected to be well-formed UTF-16 (no lone surrogates).
 *
 * Matching never backtracks exponentially: it is the classic greedy glob, which only ever
 * resumes after the last `*` seen, so it is O(value × pattern) in the worst case and usually
 * one pass over the value.
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
  return /[*?]/.test(pattern);
}

/**
 * Compiles a pattern into a matcher; compile once, match many times.
 *
 * @example
 * const m = compileWildcard("file:Read*", { ignoreCase: true });
 * m("FILE:ReadText"); // true
 */
export function compileWildcard(pattern: string, { ignoreCase }: WildcardOptions = {}): WildcardMatcher {
  if (ignoreCase) {
    const test = compileWildcard(pattern.toLowerCase());
    return (value) => test(value.toLowerCase());
  }
  if (!hasWildcard(pattern)) return (value) => value === pattern;
  // one `*` and no `?` (`scheme://path/*`, `*.example.com`): a prefix and a suffix test
  const star = pattern.indexOf("*");
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  if (star >= 0 && !hasWildcard(head + tail)) {
    const min = head.length + tail.length;
    return (value) => value.length >= min && value.startsWith(head) && value.endsWith(tail);
  }
  return (value) => globMatch(pattern, value);
}

/** One-shot match; prefer {@link compileWildcard} when the pattern is reused. */
export function matchWildcard(pattern: string, value: string, ignoreCase = false): boolean {
  return compileWildcard(pattern, { ignoreCase })(value);
}

/** Width in code units of the code point starting at `i` (a surrogate pair is one code point). */
function widthAt(value: string, i: number): number {
  return (value.charCodeAt(i) & 0xfc00) === 0xd800 && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
}

/**
 * Matches without compiling (nothing allocated): for a pattern tested once.
 * Walks pattern and value together; on a mismatch the last `*` takes one more code point and the
 * walk resumes after it. An earlier `*` never needs to take more: the text between two stars is
 * then matched at its leftmost place, and a later `*` can take whatever an earlier one would.
 */
export function globMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let afterStar = -1; // pattern position after the last `*`, -1 before the first
  let starEnd = 0; // where the value text that `*` takes ends
  while (v < value.length) {
    const c = pattern.charCodeAt(p); // NaN past the end
    if (c === STAR) {
      afterStar = ++p;
      starEnd = v;
    } else if (c === QUESTION) {
      p++;
      v += widthAt(value, v);
    } else if (c === value.charCodeAt(v)) {
      p++;
      v++;
    } else if (afterStar < 0) {
      return false;
    } else {
      p = afterStar;
      v = starEnd += widthAt(value, starEnd);
    }
  }
  while (pattern.charCodeAt(p) === STAR) p++;
  return p === pattern.length;
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
