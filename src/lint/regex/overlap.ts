/**
 * Do two sub-patterns match common text? Fixed strings of classes are compared directly; anything
 * else through Glushkov automata (positions = character sets) walked in product, for the
 * overlapping-alternatives checks in regex-safety.ts.
 */
import { overlaps } from "./charset.js";
import type { CharSet } from "./charset.js";
import type { Node } from "./parse.js";
import { firstChars } from "./nodes.js";

interface Automaton {
  sets: CharSet[];
  follow: Set<number>[];
  first: Set<number>;
  last: Set<number>;
}

const MAX_POSITIONS = 2_000;
const automata = new WeakMap<Node, Automaton>();

function automaton(n: Node): Automaton {
  let auto = automata.get(n);
  if (!auto) {
    auto = buildAutomaton(n);
    automata.set(n, auto);
  }
  return auto;
}

function buildAutomaton(n: Node): Automaton {
  const sets: CharSet[] = [];
  const follow: Set<number>[] = [];
  type Frag = { nullable: boolean; first: number[]; last: number[] };
  const link = (from: number[], to: number[]) => {
    for (const l of from) for (const f of to) follow[l]!.add(f);
  };
  const seq = (frags: Frag[]): Frag => {
    let acc: Frag = { nullable: true, first: [], last: [] };
    for (const f of frags) {
      link(acc.last, f.first);
      acc = {
        nullable: acc.nullable && f.nullable,
        first: acc.nullable ? [...acc.first, ...f.first] : acc.first,
        last: f.nullable ? [...acc.last, ...f.last] : f.last,
      };
    }
    return acc;
  };
  const build = (m: Node): Frag => {
    switch (m.type) {
      case "chars": {
        if (sets.length >= MAX_POSITIONS) throw new Error("pattern too large to analyze");
        const p = sets.push(m.set) - 1;
        follow.push(new Set());
        return { nullable: false, first: [p], last: [p] };
      }
      case "seq":
        return seq(m.items.map(build));
      case "alt": {
        const frags = m.branches.map(build);
        return {
          nullable: frags.some((f) => f.nullable),
          first: frags.flatMap((f) => f.first),
          last: frags.flatMap((f) => f.last),
        };
      }
      case "group":
        return build(m.body);
      case "repeat": {
        // Counts are capped (an over-approximation of the language, fine for overlap checks).
        const frags: Frag[] = [];
        const mandatory = Math.min(m.min, 3);
        for (let i = 0; i < mandatory; i++) frags.push(build(m.body));
        const spare = m.max - m.min;
        if (spare > 3) {
          const f = build(m.body);
          link(f.last, f.first);
          frags.push({ ...f, nullable: true });
        } else {
          for (let i = 0; i < spare; i++) frags.push({ ...build(m.body), nullable: true });
        }
        return seq(frags);
      }
      default:
        return { nullable: true, first: [], last: [] };
    }
  };
  const top = build(n);
  return { sets, follow, first: new Set(top.first), last: new Set(top.last) };
}

/**
 * Walks pairs of runs through two automata reading the same characters; `stop` is asked at every
 * reached pair of positions (never the start pair) and ends the search when it returns true.
 */
function productSearch(a: Automaton, b: Automaton, stop: (p: number, q: number) => boolean): boolean {
  const next = (auto: Automaton, p: number) => (p < 0 ? auto.first : auto.follow[p]!);
  const seen = new Set<number>();
  const width = b.sets.length + 1;
  const queue: [number, number][] = [[-1, -1]];
  for (let head = 0; head < queue.length; head++) {
    const [p, q] = queue[head]!;
    for (const p2 of next(a, p)) {
      for (const q2 of next(b, q)) {
        const key = p2 * width + q2;
        if (seen.has(key) || !overlaps(a.sets[p2]!, b.sets[q2]!)) continue;
        seen.add(key);
        if (stop(p2, q2)) return true;
        queue.push([p2, q2]);
      }
    }
  }
  return false;
}

const linearCache = new WeakMap<Node, CharSet[] | null>();

/** The character sets of a fixed string of classes ("ab", "[a-z]\d"), or null for anything else. */
function linear(n: Node): CharSet[] | null {
  let cached = linearCache.get(n);
  if (cached === undefined) {
    if (n.type === "chars") cached = [n.set];
    else if (n.type === "group") cached = linear(n.body);
    else if (n.type === "seq") {
      const parts = n.items.map(linear);
      cached = parts.every((p) => p !== null) ? (parts as CharSet[][]).flat() : null;
    } else cached = null;
    linearCache.set(n, cached);
  }
  return cached;
}

/** Do the two alternatives match a common non-empty string? */
export function sameText(x: Node, y: Node): boolean {
  if (!overlaps(firstChars(x), firstChars(y))) return false;
  const lx = linear(x);
  const ly = linear(y);
  if (lx && ly) return lx.length > 0 && lx.length === ly.length && lx.every((c, i) => overlaps(c, ly[i]!));
  const a = automaton(x);
  const b = automaton(y);
  return productSearch(a, b, (p, q) => a.last.has(p) && b.last.has(q));
}

/** Can a complete match of `x` continue, inside `y`, with a character of `next`? */
export function continuesInto(x: Node, y: Node, next: CharSet): boolean {
  if (!overlaps(firstChars(x), firstChars(y))) return false;
  const lx = linear(x);
  const ly = linear(y);
  if (lx && ly) {
    const after = ly[lx.length];
    return lx.length > 0 && after !== undefined && overlaps(after, next) && lx.every((c, i) => overlaps(c, ly[i]!));
  }
  const a = automaton(x);
  const b = automaton(y);
  const continues = (q: number) => {
    for (const r of b.follow[q]!) if (overlaps(b.sets[r]!, next)) return true;
    return false;
  };
  return productSearch(a, b, (p, q) => a.last.has(p) && continues(q));
}
