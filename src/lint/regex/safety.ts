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
import { fail, show } from "../../model/values/result.js";
import { splitInlineFlags, toJsRegExp } from "../../engine/scan/inline-flags.js";
import { union } from "./charset.js";
import type { CharSet } from "./charset.js";
import { alphabet, descendants, firstChars, nullable, within } from "./nodes.js";
import { continuesInto, sameText } from "./overlap.js";
import { Parser } from "./parse.js";
import type { Node } from "./parse.js";

export { splitInlineFlags, toJsRegExp } from "../../engine/scan/inline-flags.js";

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
