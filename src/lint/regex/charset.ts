/** Character sets for the regex analysis: sorted, disjoint, inclusive code point ranges. */
// =============================================================================================
// Character sets: sorted, disjoint, inclusive code point ranges.

export type Range = readonly [number, number];
export type CharSet = readonly Range[];

export const EMPTY: CharSet = [];

export function normalize(ranges: Range[]): CharSet {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    if (lo > hi) continue;
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function union(...sets: CharSet[]): CharSet {
  return normalize(sets.flat());
}

export function negate(set: CharSet, max: number): CharSet {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of set) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= max) out.push([next, max]);
  return out;
}

export function intersect(a: CharSet, b: CharSet): CharSet {
  const out: Range[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [alo, ahi] = a[i]!;
    const [blo, bhi] = b[j]!;
    const lo = Math.max(alo, blo);
    const hi = Math.min(ahi, bhi);
    if (lo <= hi) out.push([lo, hi]);
    if (ahi < bhi) i++;
    else j++;
  }
  return out;
}

export function overlaps(a: CharSet, b: CharSet): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [alo, ahi] = a[i]!;
    const [blo, bhi] = b[j]!;
    if (Math.max(alo, blo) <= Math.min(ahi, bhi)) return true;
    if (ahi < bhi) i++;
    else j++;
  }
  return false;
}

export const ch = (c: string): Range => [c.codePointAt(0)!, c.codePointAt(0)!];
export const DIGITS: CharSet = [[48, 57]];
export const WORD: CharSet = normalize([[48, 57], [65, 90], [95, 95], [97, 122]]);
export const SPACE: CharSet = normalize([
  [9, 13],
  [32, 32],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
]);
export const LINE_TERMINATORS: CharSet = normalize([[10, 10], [13, 13], [0x2028, 0x2029]]);

/** Adds the other ASCII case of every ASCII letter in the set. */
export function foldCase(set: CharSet): CharSet {
  const lower = intersect(set, [[97, 122]]).map(([lo, hi]): Range => [lo - 32, hi - 32]);
  const upper = intersect(set, [[65, 90]]).map(([lo, hi]): Range => [lo + 32, hi + 32]);
  return union(set, lower, upper);
}

const probeCache = new Map<string, CharSet>();

/** The exact set of BMP characters a one-character pattern such as `\p{L}` matches (plus astral, coarsely). */
export function probe(atom: string, flags: string): CharSet {
  const key = `${flags}/${atom}`;
  const cached = probeCache.get(key);
  if (cached) return cached;
  const re = new RegExp(`^(?:${atom})$`, flags.replace(/[gy]/g, ""));
  const ranges: Range[] = [];
  let start = -1;
  for (let cp = 0; cp <= 0x10000; cp++) {
    const hit = cp < 0x10000 && !(cp >= 0xd800 && cp <= 0xdfff) && re.test(String.fromCharCode(cp));
    if (hit && start < 0) start = cp;
    if (!hit && start >= 0) {
      ranges.push([start, cp - 1]);
      start = -1;
    }
  }
  if (flags.includes("u") && re.test("\u{20000}")) ranges.push([0x10000, 0x10ffff]);
  const set = normalize(ranges);
  probeCache.set(key, set);
  return set;
}
