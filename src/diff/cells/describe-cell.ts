/**
 * Phrases for people that name a cell of string patterns: the literal when
 * the cell holds one string, otherwise the patterns its strings match and the ones they don't.
 */

const LIST_MAX = 3;

function quote(p: string): string {
  return `\`${p}\``;
}

function hasWildcard(p: string): boolean {
  return p.includes("*") || p.includes("?");
}

/** "`a`", "`a` and `b`", "`a`, `b` and 3 others". */
export function listPatterns(patterns: readonly string[], max = LIST_MAX): string {
  const shown = patterns.slice(0, max).map(quote);
  const rest = patterns.length - shown.length;
  if (rest > 0) return `${shown.join(", ")} and ${rest} other${rest === 1 ? "" : "s"}`;
  if (shown.length <= 1) return shown.join("");
  return `${shown.slice(0, -1).join(", ")} and ${shown.at(-1)}`;
}

/**
 * Names the cell whose strings match exactly the patterns at `matches` among `patterns`.
 * `literal` (optional) says whether a pattern without wildcards stands for one string (true for
 * globs and exact patterns; false when matching ignores case and the cell holds several
 * spellings). Patterns are shown as written; a `*` alone is left out of the positives.
 *
 * @example
 * describeCell("resource", ["db://production/*", "db://*\/users", "db://staging/*"], [0, 1])
 * // "any resource matching `db://production/*` and `db://*\/users`"
 */
export function describeCell(noun: string, patterns: readonly string[], matches: readonly number[], literal: (pattern: string) => boolean = () => true): string {
  const inCell = new Set(matches);
  const positives = [...new Set(matches.map((i) => patterns[i]!))];
  const exact = positives.find((p) => !hasWildcard(p) && literal(p));
  if (exact !== undefined) return exact;
  const shownPositives = positives.filter((p) => p.replace(/\*+/g, "*") !== "*");
  const negatives = [...new Set(patterns.filter((_, i) => !inCell.has(i)))].filter((p) => !positives.includes(p));
  const parts: string[] = [];
  if (shownPositives.length > 0) parts.push(`matching ${listPatterns(shownPositives)}`);
  if (negatives.length > 0) parts.push(`${shownPositives.length > 0 ? "but " : ""}not ${listPatterns(negatives)}`);
  return parts.length === 0 ? `any ${noun}` : `any ${noun} ${parts.join(" ")}`;
}
