/**
 * Regex patterns from policies (Sec0 compliance rules): do they compile in JavaScript, and are
 * they open to catastrophic backtracking?
 *
 * Sec0 writes patterns with a leading inline flag group, `(?i)api_key=`; JavaScript (before
 * ES2025 modifiers) has no inline flags, so {@link toJsRegExp} turns a leading `(?i)`, `(?m)`,
 * `(?s)` or a combination (`(?im)`) into RegExp flags. Patterns using `\p{…}` get the `u` flag.
 *
 * The backtracking check is a small static analysis of the pattern's structure (a tiny parser for
 * groups, alternation, quantifiers, classes and escapes; character classes as code point ranges).
 * It reports the classic shapes:
 *
 * - nested quantifiers: a repeated group whose body holds a variable-count quantifier (`+`, `*`,
 *   `{1,3}`) over characters that could also form a whole iteration of the group — `(a+)+`,
 *   `(\w+\s?)*`, `(.*a){10}`. `(ab+)+` and `(\d+\.)+` are fine: an iteration must contain a
 *   character the inner quantifier cannot match.
 * - overlapping alternatives under a repetition: two alternatives that match the same text
 *   (`(a|a)*`, `(\w|\d)+`), or, at the end of the repeated body, one alternative whose match can
 *   continue into another's while the rest can start the next iteration (`(\r\n|\r|\n)+`,
 *   `(a|aa)+`, `(\d+|\d+\.)*`). `(a|ab)*` is not reported: after "a", the "b" of "ab" cannot
 *   start another iteration, so the split is unique and V8 matches it in linear time.
 * - adjacent quantifiers over overlapping characters followed by something that must match:
 *   `\d+\d+x` (best effort: only quantifiers that are directly adjacent).
 *
 * It is a heuristic: it aims at no false positives on ordinary patterns and at catching the
 * shapes people actually write, not at deciding ambiguity in general.
 */
import { fail, show, type ValueResult } from "./result.js";
import { splitInlineFlags, toJsRegExp } from "./inline-flags.js";
import { EMPTY, union, overlaps } from "./regex-charset.js";
import type { CharSet } from "./regex-charset.js";
import { Parser } from "./regex-parse.js";
import type { Node } from "./regex-parse.js";

export { splitInlineFlags, toJsRegExp } from "./inline-flags.js";

/** `ok: true` with the compiled RegExp, and `risk` when the pattern can backtrack catastrophically. */
export type RegexCheck = { ok: true; value: RegExp; risk?: string } | { ok: false; message: string };

/**
 * Compiles a pattern ({@link toJsRegExp}) and looks for catastrophic-backtracking shapes.
 * Not compiling is `ok: false`; a risky but valid pattern is `ok: true` with `risk` set.
 */
export function checkRegex(pattern: unknown): RegexCheck {
  if (typeof pattern !== "string") return fail(`bad regex ${show(pattern)}: expected a string with a regular expression`);
  let re: RegExp;
  try {
    re = toJsRegExp(pattern);
  } catch (e) {
    return fail(`invalid regex ${quote(pattern)}: ${compileProblem(pattern, e)}`);
  }
  const risk = backtrackingRisk(re.source, re.flags);
  return risk === undefined ? { ok: true, value: re } : { ok: true, value: re, risk };
}

/** True when the pattern compiles and shows no catastrophic-backtracking shape. */
export function isSafeRegex(pattern: string): boolean {
  const r = checkRegex(pattern);
  return r.ok && r.risk === undefined;
}

function compileProblem(pattern: string, e: unknown): string {
  const raw = e instanceof Error ? e.message : String(e);
  const reason = raw.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
  const lowered = reason.charAt(0).toLowerCase() + reason.slice(1);
  let hint = "expected a JavaScript regular expression";
  if (/\(\?P[<=>]/.test(pattern)) {
    hint += ' (python-style named groups "(?P<name>…)" are written "(?<name>…)")';
  } else if (/\(\?[a-zA-Z-]*[:)]/.test(splitInlineFlags(pattern).source)) {
    hint += ' (inline flags are supported only at the very start, like "(?i)", "(?m)", "(?s)")';
  }
  return `${lowered}; ${hint}`;
}

function quote(s: string): string {
  return `"${s}"`;
}

// =============================================================================================
// Structural facts about nodes.

function nullable(n: Node): boolean {
  switch (n.type) {
    case "chars":
      return false;
    case "seq":
      return n.items.every(nullable);
    case "alt":
      return n.branches.some(nullable);
    case "group":
      return nullable(n.body);
    case "repeat":
      return n.min === 0 || nullable(n.body);
    default:
      return true;
  }
}

const firstCache = new WeakMap<Node, CharSet>();

/** Characters a non-empty match of the node can start with. */
function firstChars(n: Node): CharSet {
  let set = firstCache.get(n);
  if (!set) {
    set = computeFirstChars(n);
    firstCache.set(n, set);
  }
  return set;
}

function computeFirstChars(n: Node): CharSet {
  switch (n.type) {
    case "chars":
      return n.set;
    case "seq": {
      const parts: CharSet[] = [];
      for (const item of n.items) {
        parts.push(firstChars(item));
        if (!nullable(item)) break;
      }
      return union(...parts);
    }
    case "alt":
      return union(...n.branches.map(firstChars));
    case "group":
      return firstChars(n.body);
    case "repeat":
      return n.max > 0 ? firstChars(n.body) : EMPTY;
    default:
      return EMPTY;
  }
}

/** Every character the node can consume. */
function alphabet(n: Node): CharSet {
  switch (n.type) {
    case "chars":
      return n.set;
    case "seq":
      return union(...n.items.map(alphabet));
    case "alt":
      return union(...n.branches.map(alphabet));
    case "group":
      return alphabet(n.body);
    case "repeat":
      return n.max > 0 ? alphabet(n.body) : EMPTY;
    default:
      return EMPTY;
  }
}

/** Can the node match some string (`possible`), and some non-empty string, using only characters of `s`? */
function within(n: Node, s: CharSet): { possible: boolean; nonEmpty: boolean } {
  switch (n.type) {
    case "chars": {
      const hit = overlaps(n.set, s);
      return { possible: hit, nonEmpty: hit };
    }
    case "seq": {
      const parts = n.items.map((i) => within(i, s));
      const possible = parts.every((p) => p.possible);
      return { possible, nonEmpty: possible && parts.some((p) => p.nonEmpty) };
    }
    case "alt": {
      const parts = n.branches.map((b) => within(b, s));
      return { possible: parts.some((p) => p.possible), nonEmpty: parts.some((p) => p.nonEmpty) };
    }
    case "group":
      return within(n.body, s);
    case "repeat": {
      const body = within(n.body, s);
      if (n.min === 0) return { possible: true, nonEmpty: n.max > 0 && body.nonEmpty };
      return body;
    }
    case "backref":
      return { possible: true, nonEmpty: false };
    default:
      return { possible: true, nonEmpty: false };
  }
}

function* descendants(n: Node): Generator<Node> {
  yield n;
  switch (n.type) {
    case "seq":
      for (const i of n.items) yield* descendants(i);
      break;
    case "alt":
      for (const b of n.branches) yield* descendants(b);
      break;
    case "group":
    case "look":
    case "repeat":
      yield* descendants(n.body);
      break;
    default:
      break;
  }
}

// =============================================================================================
// Glushkov automata of sub-patterns, to compare alternatives.

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
function sameText(x: Node, y: Node): boolean {
  if (!overlaps(firstChars(x), firstChars(y))) return false;
  const lx = linear(x);
  const ly = linear(y);
  if (lx && ly) return lx.length > 0 && lx.length === ly.length && lx.every((c, i) => overlaps(c, ly[i]!));
  const a = automaton(x);
  const b = automaton(y);
  return productSearch(a, b, (p, q) => a.last.has(p) && b.last.has(q));
}

/** Can a complete match of `x` continue, inside `y`, with a character of `next`? */
function continuesInto(x: Node, y: Node, next: CharSet): boolean {
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

// =============================================================================================
// The checks.

/**
 * Describes the catastrophic-backtracking risk of a JavaScript pattern (source and flags as in
 * a RegExp), or undefined when none of the known shapes is found or the pattern cannot be analyzed.
 */
export function backtrackingRisk(source: string, flags = ""): string | undefined {
  let root: Node;
  try {
    root = new Parser(source, flags).parse();
  } catch {
    return undefined;
  }
  const text = (n: Node) => quote(source.slice(n.start, n.end));
  try {
    for (const q of descendants(root)) {
      if (q.type !== "repeat" || q.max < 2) continue;
      const how =
        q.max === Infinity ? "exponentially" : `polynomially (with degree up to ${q.max}) in the input length`;
      const nested = nestedQuantifier(q);
      if (nested) {
        return `nested quantifiers: ${text(q)} repeats ${text(nested)}, which can match the same characters as a whole repetition, so a failing match can backtrack ${how}`;
      }
      const same = overlappingAlternatives(q);
      if (same) {
        return `overlapping alternatives: ${text(same[0])} and ${text(same[1])} in ${text(q)} can match the same text, so a failing match can backtrack ${how}`;
      }
      const prefix = tailPrefixAlternatives(q);
      if (prefix) {
        return `overlapping alternatives: in ${text(q)}, a match of ${text(prefix[0])} can also be the start of ${text(prefix[1])} while the rest starts another repetition, so a failing match can backtrack ${how}`;
      }
    }
    const adjacent = adjacentQuantifiers(root);
    if (adjacent) {
      return `adjacent quantifiers: ${text(adjacent[0])} and ${text(adjacent[1])} can match the same characters and something must follow them, so a failing match can backtrack in polynomial time`;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Inside a repetition, a variable-count quantifier whose characters could form a whole iteration. */
function nestedQuantifier(q: Extract<Node, { type: "repeat" }>): Node | undefined {
  for (const x of descendants(q.body)) {
    if (x.type !== "repeat" || x.max < 2 || x.max === x.min) continue;
    const s = alphabet(x.body);
    if (s.length > 0 && within(q.body, s).nonEmpty) return x;
  }
  return undefined;
}

/** Inside a repetition, two alternatives that match a common string. */
function overlappingAlternatives(q: Extract<Node, { type: "repeat" }>): [Node, Node] | undefined {
  for (const alt of descendants(q.body)) {
    if (alt.type !== "alt") continue;
    const bs = alt.branches;
    for (let i = 0; i < bs.length; i++) {
      for (let j = i + 1; j < bs.length; j++) {
        if (sameText(bs[i]!, bs[j]!)) return [bs[i]!, bs[j]!];
      }
    }
  }
  return undefined;
}

/**
 * At the end of a repetition's body, an alternative whose match is a proper prefix of another
 * alternative's match, where the remainder can start what follows (the next iteration).
 */
function tailPrefixAlternatives(q: Extract<Node, { type: "repeat" }>): [Node, Node] | undefined {
  const found: [Node, Node][] = [];
  const visit = (n: Node, next: CharSet): void => {
    switch (n.type) {
      case "seq": {
        let follow = next;
        for (let k = n.items.length - 1; k >= 0; k--) {
          const item = n.items[k]!;
          visit(item, follow);
          if (!nullable(item)) return; // earlier items are not at the end
          follow = union(follow, firstChars(item));
        }
        return;
      }
      case "group":
        return visit(n.body, next);
      case "repeat":
        if (n.max > 1) visit(n.body, union(next, firstChars(n.body)));
        else if (n.max === 1) visit(n.body, next);
        return;
      case "alt": {
        const bs = n.branches;
        for (let i = 0; i < bs.length && found.length === 0; i++) {
          for (let j = 0; j < bs.length; j++) {
            if (i !== j && continuesInto(bs[i]!, bs[j]!, next)) {
              found.push([bs[i]!, bs[j]!]);
              break;
            }
          }
        }
        for (const b of bs) visit(b, next);
        return;
      }
      default:
        return;
    }
  };
  visit(q.body, firstChars(q.body));
  return found[0];
}

/**
 * Two directly adjacent unbounded quantifiers that can trade characters (one repeats a single
 * character class, and the other can match a run of those characters), followed by something
 * that must match: "\d+\d+x", ".*.*=".
 */
function adjacentQuantifiers(root: Node): [Node, Node] | undefined {
  for (const n of descendants(root)) {
    if (n.type !== "seq") continue;
    const items = flatten(n.items);
    for (let i = 0; i + 1 < items.length; i++) {
      const x = items[i]!;
      const y = items[i + 1]!;
      if (x.type !== "repeat" || y.type !== "repeat" || x.max !== Infinity || y.max !== Infinity) continue;
      if (!trades(x, y) && !trades(y, x)) continue;
      const suffix = items.slice(i + 2).some((s) => !nullable(s) || s.type === "assert" || s.type === "look");
      if (suffix) return [x, y];
    }
  }
  return undefined;
}

/** `a` repeats one character class and `b` can match a non-empty run of those characters. */
function trades(a: Extract<Node, { type: "repeat" }>, b: Extract<Node, { type: "repeat" }>): boolean {
  let body = a.body;
  while (body.type === "group") body = body.body;
  return body.type === "chars" && within(b.body, body.set).nonEmpty;
}

/** Sequence items with plain groups around sequences inlined: "(\d+)(\d+)x" → \d+ \d+ x. */
function flatten(items: Node[]): Node[] {
  return items.flatMap((i) => {
    if (i.type !== "group") return [i];
    if (i.body.type === "seq") return flatten(i.body.items);
    if (i.body.type === "alt") return [i];
    return flatten([i.body]);
  });
}
