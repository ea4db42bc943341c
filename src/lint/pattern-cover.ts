/**
 * Relations between IAM wildcard patterns, for the effect rules: does one pattern match every
 * string another matches (cover), and can two patterns match a common string (overlap)?
 */

/** True when every string `specific` matches is matched by `general` (sound: never a false yes). */
export function patternCovers(general: string, specific: string, ignoreCase = false): boolean {
  const p = ignoreCase ? general.toLowerCase() : general;
  const q = ignoreCase ? specific.toLowerCase() : specific;
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (q.length + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === p.length) r = j === q.length;
    else if (p[i] === "*") r = go(i + 1, j) || (j < q.length && go(i, j + 1));
    else if (j === q.length) r = false;
    else if (q[j] === "*") r = false;
    else if (q[j] === "?") r = p[i] === "?" && go(i + 1, j + 1);
    else r = (p[i] === "?" || p[i] === q[j]) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** True when some string matches both patterns. */
export function patternsOverlap(a: string, b: string, ignoreCase = false): boolean {
  const p = ignoreCase ? a.toLowerCase() : a;
  const q = ignoreCase ? b.toLowerCase() : b;
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (q.length + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === p.length && j === q.length) r = true;
    else if (i < p.length && p[i] === "*") r = go(i + 1, j) || (j < q.length && go(i, j + 1));
    else if (j < q.length && q[j] === "*") r = go(i, j + 1) || (i < p.length && go(i + 1, j));
    else if (i === p.length || j === q.length) r = false;
    else r = (p[i] === "?" || q[j] === "?" || p[i] === q[j]) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** Every pattern of `specifics` is covered by some pattern of `generals`. */
export function listCovers(generals: readonly string[], specifics: readonly string[], ignoreCase = false): boolean {
  return specifics.every((s) => generals.some((g) => patternCovers(g, s, ignoreCase)));
}
