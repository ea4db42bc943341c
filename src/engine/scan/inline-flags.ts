/** Sec0 regexes carry Python-style leading inline flags; JavaScript takes them as RegExp flags. */

/** Leading inline flag groups such as `(?i)(?ms)`. */
const INLINE_FLAGS = /^(?:\(\?[ims]+\))*/;

/** Each flag once, in the order `RegExp.prototype.flags` reports them. */
function toFlags(letters: string): string {
  return [...new Set(letters)].sort().join("");
}

/** Splits leading inline flag groups off a pattern: "(?i)(?s)x" → { source: "x", flags: "is" }. */
export function splitInlineFlags(pattern: string): { source: string; flags: string } {
  // the groups are optional, so the pattern always matches (maybe empty)
  const groups = INLINE_FLAGS.exec(pattern)![0];
  const source = pattern.slice(groups.length);
  return { source, flags: toFlags(groups.replace(/[(?)]/g, "") + (/\\[pP]\{/.test(source) ? "u" : "")) };
}

/**
 * Compiles a policy pattern as a JavaScript RegExp, turning a leading `(?i)`, `(?m)`, `(?s)` or
 * combined `(?ims)` group into flags. `extraFlags` (e.g. "g") are added. Throws a SyntaxError
 * when the pattern is not a valid JavaScript regular expression.
 */
export function toJsRegExp(pattern: string, extraFlags = ""): RegExp {
  const { source, flags } = splitInlineFlags(pattern);
  return new RegExp(source, toFlags(flags + extraFlags));
}
