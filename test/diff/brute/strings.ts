/**
 * Exhaustive string universes for the brute-force diff oracle: one representative string for
 * every combination of "matches / does not match" over a set of patterns.
 *
 * Every pattern (an IAM glob, a glob compared case-insensitively, or a literal compared exactly or
 * case-insensitively) is a finite automaton over characters. Their product automaton, explored
 * breadth-first from the empty string, reaches every state any string can reach, and a string's
 * match vector is a function of the state it ends in. So the shortest string reaching each state
 * covers every match vector that any string has. Two facts make the exploration finite:
 *
 * - the alphabet: a character that appears in no pattern (in either case, for case-insensitive
 *   ones) is treated alike by every automaton (only `*` and `?` accept it), so one such "other"
 *   character stands for all of them; the alphabet is the patterns' own characters plus one
 *   other character;
 * - the states: each automaton's state is a set of pattern positions, so the product has finitely
 *   many states, and the exploration stops when no new one appears.
 *
 * Scope: ASCII case folding. (A few non-ASCII characters fold onto ASCII letters, e.g. the Kelvin
 * sign onto `k`; no menu value uses such letters.)
 *
 * Plain TypeScript, no test-runner imports: `fuzz/` uses it too.
 */

export interface StringPattern {
  pattern: string;
  /** `*` and `?` are wildcards (IAM globs); otherwise the pattern is a literal. Default true. */
  glob?: boolean;
  /** Compare after lower-casing both sides (actions, StringEqualsIgnoreCase). */
  ignoreCase?: boolean;
}

export interface UniverseOptions {
  /** Characters no value may contain (e.g. `/` and `@` in a tool URI's server part). */
  forbidden?: string;
  /** 0 (default) or 1: whether the empty string is a value. */
  minLength?: 0 | 1;
  /** Safety valve on the product automaton (default 200,000 states). */
  maxStates?: number;
}

export interface StringUniverse {
  /** One value per reachable match vector, shortest first, preferring non-empty values. */
  values: string[];
  /** The match vector of each value ("1" = matches), aligned with `values`. */
  signatures: string[];
  /** The character standing for every character outside the patterns. */
  other: string;
}

type Token = { kind: "star" } | { kind: "any" } | { kind: "char"; c: string };

interface Automaton {
  tokens: Token[];
  ignoreCase: boolean;
}

function compile(p: StringPattern): Automaton {
  const ignoreCase = p.ignoreCase === true;
  const text = ignoreCase ? p.pattern.toLowerCase() : p.pattern;
  const glob = p.glob !== false;
  const tokens: Token[] = [...text].map((c) => (glob && c === "*" ? { kind: "star" } : glob && c === "?" ? { kind: "any" } : { kind: "char", c }));
  return { tokens, ignoreCase };
}

/** Adds the positions reachable through `*` (which may match nothing). */
function close(a: Automaton, positions: Set<number>): Set<number> {
  for (const i of [...positions].sort((x, y) => x - y)) {
    let j = i;
    while (j < a.tokens.length && a.tokens[j]!.kind === "star") positions.add(++j);
  }
  return positions;
}

function step(a: Automaton, positions: ReadonlySet<number>, c: string): Set<number> {
  const ch = a.ignoreCase ? c.toLowerCase() : c;
  const next = new Set<number>();
  for (const i of positions) {
    const t = a.tokens[i];
    if (t === undefined) continue;
    if (t.kind === "star") next.add(i);
    else if (t.kind === "any" || t.c === ch) next.add(i + 1);
  }
  return close(a, next);
}

const keyOf = (positions: ReadonlySet<number>): string => [...positions].sort((x, y) => x - y).join(",");

/** Candidate "other" characters, tried in order. */
const OTHER_CANDIDATES = "zqjkwvxyhgfmnbcdlrtsuopiea9876543210_-.~+";

/** The alphabet that covers every behaviour: the patterns' characters plus one other. */
export function alphabetOf(patterns: readonly StringPattern[], forbidden = ""): { chars: string[]; other: string } {
  // A character's behaviour: which case-sensitive literal characters it equals, and which
  // case-insensitive ones its lower case equals. One character per behaviour is enough:
  // the case-sensitive characters, the lower case of the case-insensitive ones, and the other
  // case of a case-sensitive character that a case-insensitive pattern also names.
  const exact = new Set<string>();
  const folded = new Set<string>();
  for (const p of patterns) {
    for (const c of p.pattern) {
      if (p.glob !== false && (c === "*" || c === "?")) continue;
      if (p.ignoreCase) folded.add(c.toLowerCase());
      else exact.add(c);
    }
  }
  const chars = new Set<string>([...exact, ...folded]);
  for (const c of exact) {
    if (folded.has(c.toLowerCase())) {
      chars.add(c.toLowerCase());
      chars.add(c.toUpperCase());
    }
  }
  for (const c of forbidden) chars.delete(c);
  const taken = (c: string) => exact.has(c) || folded.has(c.toLowerCase()) || forbidden.includes(c);
  const other = [...OTHER_CANDIDATES].find((c) => !taken(c));
  if (other === undefined) throw new Error("no free character left for the 'other' class");
  return { chars: [other, ...[...chars].sort()], other };
}

/**
 * One representative per reachable match vector over `patterns` (see the module comment for why
 * this covers every string).
 */
export function stringUniverse(patterns: readonly StringPattern[], options: UniverseOptions = {}): StringUniverse {
  const automata = patterns.map(compile);
  const { chars, other } = alphabetOf(patterns, options.forbidden ?? "");
  const minLength = options.minLength ?? 0;
  const maxStates = options.maxStates ?? 200_000;
  // A node is the product state plus whether the string is empty: the empty string may share its
  // state with non-empty ones, and those must be reached on their own (minLength, nicer values).
  interface Node {
    states: Set<number>[];
    text: string;
  }
  const start: Node = { states: automata.map((a) => close(a, new Set([0]))), text: "" };
  const seen = new Set<string>();
  const nodeKey = (n: Node) => `${n.text === "" ? "0" : "1"}|${n.states.map(keyOf).join("|")}`;
  seen.add(nodeKey(start));
  const queue: Node[] = [start];
  const bySignature = new Map<string, string>();
  const signatureOf = (n: Node) => automata.map((a, i) => (n.states[i]!.has(a.tokens.length) ? "1" : "0")).join("");
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    if (node.text.length >= minLength) {
      const sig = signatureOf(node);
      const known = bySignature.get(sig);
      if (known === undefined || (known === "" && node.text !== "")) bySignature.set(sig, node.text);
    }
    for (const c of chars) {
      const next: Node = { states: node.states.map((s, i) => step(automata[i]!, s, c)), text: node.text + c };
      const k = nodeKey(next);
      if (seen.has(k)) continue;
      seen.add(k);
      if (seen.size > maxStates) throw new Error(`string universe: more than ${maxStates} automaton states`);
      queue.push(next);
    }
  }
  // Nicer values where it costs nothing: "a:" → "a:z", "r://p/" → "r://p/z", "" → "z" when the
  // longer string has the same match vector (witnesses then read like real requests).
  const signatureOfText = (text: string) => {
    let states = automata.map((a) => close(a, new Set([0])));
    for (const c of text) states = states.map((st, i) => step(automata[i]!, st, c));
    return automata.map((a, i) => (states[i]!.has(a.tokens.length) ? "1" : "0")).join("");
  };
  for (const [sig, text] of bySignature) {
    if (text !== "" && /[A-Za-z0-9]$/.test(text)) continue;
    const nicer = text + other;
    if (signatureOfText(nicer) === sig && ![...bySignature.values()].includes(nicer)) bySignature.set(sig, nicer);
  }
  const entries = [...bySignature.entries()].sort((x, y) => x[1].length - y[1].length || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
  return { values: entries.map((e) => e[1]), signatures: entries.map((e) => e[0]), other };
}
