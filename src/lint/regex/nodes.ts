/**
 * Structural facts about parsed regex nodes (regex-parse.ts), for the backtracking analysis in
 * regex-safety.ts: can a node match the empty string, which characters can start or appear in a
 * match, can it match using only given characters, and its descendants.
 */
import { EMPTY, overlaps, union } from "./charset.js";
import type { CharSet } from "./charset.js";
import type { Node } from "./parse.js";

export function nullable(n: Node): boolean {
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
export function firstChars(n: Node): CharSet {
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
export function alphabet(n: Node): CharSet {
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
export function within(n: Node, s: CharSet): { possible: boolean; nonEmpty: boolean } {
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

export function* descendants(n: Node): Generator<Node> {
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
