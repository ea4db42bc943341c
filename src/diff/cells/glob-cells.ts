/**
 * The cells of a set of string patterns: every combination of patterns matched and
 * not matched that some string realises, each with one representative string. Two strings of
 * the same cell are indistinguishable by the patterns, so evaluating one representative per
 * cell decides for the whole string space.
 *
 * Patterns are glob (`*` any run of code points, `?` one code point), exact text, exact text
 * compared after `toLowerCase()` (StringEqualsIgnoreCase), or ARN patterns (ArnLike): globs
 * whose `*` and `?` stay within a segment before the fifth colon, since ARNs are compared
 * segment by segment and only the resource, after the fifth colon, may hold colons. The search is breadth-first over the
 * product of the patterns' automata: each pattern is a small NFA over code points whose state
 * is the set of pattern positions reached. At each product state only the code points that
 * some live pattern can consume are tried, plus one code point no pattern names (all such code
 * points behave alike), so the search is finite and complete: every reachable cell is found,
 * and its representative is a shortest string of the cell. A budget on product states bounds
 * the work; a search cut short says so (`complete: false`).
 */

export type CellPatternKind = "glob" | "exact" | "iexact" | "arn";

export interface CellPattern {
  kind: CellPatternKind;
  text: string;
}

export interface CellOptions {
  /**
   * Prune: a string counts only when at least one of these patterns (indices) matches it, and
   * product states where all of them are dead are not expanded. Omit for no requirement.
   */
  someOf?: readonly number[];
  /** Prune: a string counts only when none of these patterns matches it (they are not used to prune). */
  noneOf?: readonly number[];
  /** Code points a string may contain (default: any code point but surrogates). */
  allowed?: (codePoint: number) => boolean;
  /** Whether the empty string is a value (default true). */
  allowEmpty?: boolean;
  /** Upper bound on product states visited (default 200,000). */
  maxStates?: number;
}

export interface Cell {
  /** A shortest string of the cell. */
  example: string;
  /** Indices of the patterns the cell's strings match, ascending. */
  matches: number[];
}

export interface CellSearch {
  cells: Cell[];
  /** False when the state budget stopped the search: there may be more cells. */
  complete: boolean;
  states: number;
}

export const DEFAULT_MAX_STATES = 200_000;

const STAR = -1;
const QUESTION = -2;

/** A pattern compiled for stepping: code points (STAR/QUESTION for glob wildcards). */
interface Machine {
  kind: CellPatternKind;
  cps: number[];
  /** tailStars[i]: position i and every later one is `*` (glob only). */
  tailStars: boolean[];
  /** arn only: whether the wildcard at position i lies before the fifth colon (it cannot take a colon). */
  inSegment: boolean[];
}

const COLON = 58;

function codePoints(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) out.push(ch.codePointAt(0)!);
  return out;
}

function compile(p: CellPattern): Machine {
  const wild = p.kind === "glob" || p.kind === "arn";
  const cps = wild ? codePoints(p.text).map((c) => (c === 42 ? STAR : c === 63 ? QUESTION : c)) : codePoints(p.kind === "iexact" ? p.text.toLowerCase() : p.text);
  const inSegment: boolean[] = [];
  let colons = 0;
  for (const c of cps) {
    inSegment.push(p.kind === "arn" && colons < 5);
    if (c === COLON) colons++;
  }
  const tailStars = new Array<boolean>(cps.length + 1).fill(false);
  if (wild) {
    // a `*` followed only by `*`s matches every continuation (in an ARN, only in the resource)
    for (let i = cps.length - 1; i >= 0; i--) tailStars[i] = cps[i] === STAR && !inSegment[i] && (i + 1 === cps.length || tailStars[i + 1]!);
  }
  return { kind: p.kind, cps, tailStars, inSegment };
}

/** Positions after following `*` (which may match nothing). Sorted, unique. */
function closure(m: Machine, positions: Iterable<number>): number[] {
  // (glob and arn alike: `*` may match nothing)
  const set = new Set<number>();
  for (let i of positions) {
    set.add(i);
    while (m.cps[i] === STAR) set.add(++i);
  }
  return [...set].sort((a, b) => a - b);
}

/** One code point (or, for iexact, its lower-case code points) consumed from every position. */
function step(m: Machine, state: readonly number[], cp: number, lowered: readonly number[] | undefined): number[] {
  if (m.kind === "iexact") {
    // a single position: the part of the lowered target matched so far
    const pos = state[0]!;
    const l = lowered!;
    for (let k = 0; k < l.length; k++) if (m.cps[pos + k] !== l[k]) return [];
    return [pos + l.length];
  }
  const next: number[] = [];
  for (const i of state) {
    const c = m.cps[i];
    if (c === undefined) continue;
    // an ARN wildcard before the fifth colon stays within its segment
    if ((c === STAR || c === QUESTION) && cp === COLON && m.inSegment[i]) continue;
    if (c === STAR) next.push(i);
    else if (c === QUESTION || c === cp) next.push(i + 1);
  }
  return next.length === 0 ? next : m.kind === "glob" || m.kind === "arn" ? closure(m, next) : next;
}

function accepting(m: Machine, state: readonly number[]): boolean {
  return state.includes(m.cps.length);
}

/** Forever true: from here on every continuation matches (a glob past its last literal, at trailing stars). */
function forever(m: Machine, state: readonly number[]): boolean {
  return (m.kind === "glob" || m.kind === "arn") && state.some((i) => m.tailStars[i]);
}

let inverseLower: Map<number, number[]> | undefined;

/** Code points whose lower case starts with the given code point (other than itself), e.g. `k` ← `K`, KELVIN SIGN. */
export function upperVariants(cp: number): number[] {
  if (inverseLower === undefined) {
    inverseLower = new Map();
    for (let c = 0; c <= 0x10ffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const s = String.fromCodePoint(c);
      const l = s.toLowerCase();
      if (l === s) continue;
      const first = l.codePointAt(0)!;
      const list = inverseLower.get(first);
      if (list) list.push(c);
      else inverseLower.set(first, [c]);
    }
  }
  return inverseLower.get(cp) ?? [];
}

/** Readable code points to stand for "any other character", in order of preference. */
const FILLERS = "xyzqwvjkabcdefghilmnoprstu0123456789";

function pickFresh(named: ReadonlySet<number>, allowed: (cp: number) => boolean): number | undefined {
  for (const ch of FILLERS) {
    const cp = ch.codePointAt(0)!;
    if (!named.has(cp) && allowed(cp)) return cp;
  }
  for (let cp = 0xa1; cp < 0x3000; cp++) if (!named.has(cp) && allowed(cp) && String.fromCodePoint(cp).toLowerCase() === String.fromCodePoint(cp)) return cp;
  return undefined;
}

const anyCodePoint = (cp: number): boolean => cp < 0xd800 || cp > 0xdfff;

interface ProductState {
  /** Live patterns: index → its NFA state (positions). */
  live: Map<number, number[]>;
  /** Patterns that match every continuation. */
  always: number[];
  example: string;
}

function stateKey(s: ProductState): string {
  let key = "";
  for (const [j, st] of s.live) key += `${j}:${st.join(",")};`;
  return `${key}|${s.always.join(",")}`;
}

/**
 * Every cell of `patterns` (within the `someOf`/`noneOf` domain), with a shortest example each.
 *
 * @example
 * findCells([{ kind: "glob", text: "db://production/*" }, { kind: "glob", text: "db://*\/users" }], { someOf: [0, 1] })
 * // cells: [0] "db://production/", [1] "db:///users", [0, 1] "db://production/users", …
 */
export function findCells(patterns: readonly CellPattern[], options: CellOptions = {}): CellSearch {
  const machines = patterns.map(compile);
  const allowed = options.allowed ?? anyCodePoint;
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  const someOf = options.someOf === undefined ? undefined : new Set(options.someOf);
  const noneOf = new Set(options.noneOf ?? []);

  // every code point some pattern names: literals, and for iexact the code points that lower to a literal
  const named = new Set<number>();
  let caseInsensitive = false;
  for (const m of machines) {
    for (const c of m.cps) if (c >= 0) named.add(c);
    if (m.kind === "iexact") caseInsensitive = true;
  }
  if (caseInsensitive) {
    for (const m of machines) if (m.kind === "iexact") for (const c of m.cps) for (const u of upperVariants(c)) named.add(u);
  }
  const fresh = pickFresh(named, allowed);
  const loweredOf = new Map<number, number[]>();
  const lowered = (cp: number): number[] => {
    let l = loweredOf.get(cp);
    if (!l) {
      l = codePoints(String.fromCodePoint(cp).toLowerCase());
      loweredOf.set(cp, l);
    }
    return l;
  };

  const start: ProductState = { live: new Map(), always: [], example: "" };
  machines.forEach((m, j) => {
    const st = m.kind === "glob" || m.kind === "arn" ? closure(m, [0]) : [0];
    if (forever(m, st)) start.always.push(j);
    else start.live.set(j, st);
  });

  const cells = new Map<string, Cell>();
  // without the empty string, the start state differs from every later one even when its automata agree
  const keyOf = (s: ProductState) => (options.allowEmpty === false && s.example === "" ? `start:${stateKey(s)}` : stateKey(s));
  const seen = new Set<string>([keyOf(start)]);
  let queue: ProductState[] = [start];
  let states = 0;
  let complete = true;
  const alive = (s: ProductState): boolean => {
    if (someOf === undefined) return true;
    for (const j of s.always) if (someOf.has(j)) return true;
    for (const j of s.live.keys()) if (someOf.has(j)) return true;
    return false;
  };

  while (queue.length > 0) {
    const next: ProductState[] = [];
    for (const s of queue) {
      states++;
      if (states > maxStates) {
        complete = false;
        break;
      }
      const counts = s.example !== "" || options.allowEmpty !== false;
      if (counts) record(s);
      if (s.live.size === 0 && counts) continue; // nothing can change any more
      for (const cp of alphabet(s)) {
        const n: ProductState = { live: new Map(), always: [...s.always], example: s.example + String.fromCodePoint(cp) };
        for (const [j, st] of s.live) {
          const m = machines[j]!;
          const to = step(m, st, cp, m.kind === "iexact" ? lowered(cp) : undefined);
          if (to.length === 0) continue;
          if (forever(m, to)) n.always.push(j);
          else n.live.set(j, to);
        }
        n.always.sort((a, b) => a - b);
        if (!alive(n)) continue;
        const key = keyOf(n);
        if (seen.has(key)) continue;
        seen.add(key);
        next.push(n);
      }
    }
    if (!complete) break;
    queue = next;
  }
  return { cells: [...cells.values()], complete, states };

  function record(s: ProductState): void {
    const matches = [...s.always];
    for (const [j, st] of s.live) if (accepting(machines[j]!, st)) matches.push(j);
    matches.sort((a, b) => a - b);
    if (someOf !== undefined && !matches.some((j) => someOf.has(j))) return;
    if (matches.some((j) => noneOf.has(j))) return;
    const key = matches.join(",");
    if (!cells.has(key)) cells.set(key, { example: s.example, matches });
  }

  /** Code points worth trying from `s`: what a live pattern can consume next, and one other. */
  function alphabet(s: ProductState): number[] {
    const set = new Set<number>();
    for (const [j, st] of s.live) {
      const m = machines[j]!;
      for (const i of st) {
        const c = m.cps[i];
        if (c === undefined || c < 0) continue;
        if (allowed(c)) set.add(c);
        if (m.kind === "iexact") for (const u of upperVariants(c)) if (allowed(u)) set.add(u);
      }
    }
    const out = [...set].sort((a, b) => a - b);
    if (fresh !== undefined) out.push(fresh);
    return out;
  }
}
