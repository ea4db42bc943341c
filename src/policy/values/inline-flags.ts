/** Sec0 regexes carry Python-style leading inline flags; JavaScript takes them as RegExp flags. */

const INLINE_FLAGS = /^\(\?([ims]+)\)/;

/** Splits leading inline flag groups off a pattern: "(?i)(?s)x" → { source: "x", flags: "is" }. */
export function splitInlineFlags(pattern: string): { source: string; flags: string } {
  let source = pattern;
  const flags = new Set<string>();
  for (let m = INLINE_FLAGS.exec(source); m; m = INLINE_FLAGS.exec(source)) {
    for (const f of m[1]!) flags.add(f);
    source = source.slice(m[0].length);
  }
  if (/\\[pP]\{/.test(source)) flags.add("u");
  return { source, flags: [...flags].sort().join("") };
}

/**
 * Compiles a policy pattern as a JavaScript RegExp, turning a leading `(?i)`, `(?m)`, `(?s)` or
 * combined `(?ims)` group into flags. `extraFlags` (e.g. "g") are added. Throws a SyntaxError
 * when the pattern is not a valid JavaScript regular expression.
 */
export function toJsRegExp(pattern: string, extraFlags = ""): RegExp {
  const { source, flags } = splitInlineFlags(pattern);
  const all = [...new Set(flags + extraFlags)].sort().join("");
  return new RegExp(source, all);
}

