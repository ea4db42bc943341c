/**
 * The string dimensions of a data request, cut into cells: the dataset (by the glob
 * cells of every rule's `match.dataset`) and the context values the rules compare
 * (`requester.role`, `requester.clearance`, `requester.region`, `dataset_region`,
 * `environment`: each literal a matcher mentions, another value, and none).
 */
import { describeCell } from "./cells/describe-cell.js";
import { findCells } from "./cells/glob-cells.js";
import { matchWildcard } from "../engine/match/wildcard.js";
import type { ContextMatcher } from "../engine/spec.js";
import { consistent, freshValue, orList, uniqueVectors } from "./data-space.js";
import type { Assignment, DimCell, Dimension, DimensionKey, Predicate } from "./data-space.js";

export type ContextKey = "role" | "clearance" | "region" | "dataset_region" | "environment";

const SPEC_KEY = {
  role: "requester_role",
  clearance: "requester_clearance",
  region: "requester_region",
  dataset_region: "dataset_region",
  environment: "environment",
} as const;

/** How a phrase names the value: "role analyst", "no requester.role"; region and environment stand alone ("EU"). */
const LABEL: Record<ContextKey, [prefix: string, full: string]> = {
  role: ["role ", "requester.role"],
  clearance: ["clearance ", "requester.clearance"],
  region: ["region ", "requester.region"],
  dataset_region: ["", "dataset_region"],
  environment: ["", "environment"],
};

function matcherOf(p: Predicate, key: ContextKey): ContextMatcher | undefined {
  return p.context?.[SPEC_KEY[key]];
}

function literalsOf(m: ContextMatcher): string[] {
  if (typeof m === "string") return [m];
  if (Array.isArray(m)) return m;
  return typeof m.not === "string" ? [m.not] : m.not;
}

/** The evaluator's rule: a missing value never matches, not even `{not: …}`. */
export function contextMatches(m: ContextMatcher, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (typeof m === "string") return value === m;
  if (Array.isArray(m)) return m.includes(value);
  return !literalsOf(m).includes(value);
}

/** Atoms: one per literal ("the value is L"), then "a value is present". */
export function contextDimension(key: ContextKey, predicates: readonly Predicate[]): Dimension<string | undefined> {
  const matchers = predicates.map((p) => matcherOf(p, key));
  const literals = [...new Set(matchers.flatMap((m) => (m === undefined ? [] : literalsOf(m))))].sort();
  const other = freshValue(new Set(literals));
  // none first: a witness leaves out what no rule needs
  const values: Array<string | undefined> = [undefined, ...literals, other];
  const cells: DimCell<string | undefined>[] = values.map((value) => {
    let vec = 0n;
    matchers.forEach((m, i) => {
      if (m === undefined || contextMatches(m, value)) vec |= 1n << BigInt(i);
    });
    return { vec, value, atoms: [...literals.map((l) => l === value), value !== undefined] };
  });
  const [prefix, full] = LABEL[key];
  return {
    key: key as DimensionKey,
    cells,
    complete: true,
    reasons: [],
    vectorsUnder: (kept) => uniqueVectors(cells.filter((c) => consistent(c.atoms, kept)).map((c) => c.vec)),
    atomsOf: (value) => [...literals.map((l) => l === value), value !== undefined],
    phrase: (kept) => {
      const hit = literals.find((_, i) => kept[i] === true);
      if (hit !== undefined) return `${prefix}${hit}`;
      const present = kept[literals.length];
      if (present === false) return `no ${full}`;
      const not = literals.filter((_, i) => kept[i] === false);
      if (not.length === 0) return `${full} set`;
      const others = `${prefix}other than ${orList(not, "and")}`;
      return present === true ? others : `no ${full} or ${others}`;
    },
  };
}

/** Characters that make a dataset name look cut off when they start or end it. */
const EDGE = /^[-_./:]|[-_./:]$/;

/** Readable names that may fall in a cell, best first: the literal, a literal extended, a glob filled in. */
function candidates(patterns: readonly string[], matches: readonly number[]): string[] {
  const others = ["other", "other-2", "other-3"];
  const out: string[] = matches.length === 0 ? [...others] : [];
  const literal = (p: string) => !/[*?]/.test(p);
  for (const p of patterns) if (literal(p)) out.push(p);
  for (const p of patterns) if (literal(p) && p !== "") out.push(`${p}_x`);
  for (const p of patterns) {
    if (literal(p) || /^\*+$/.test(p)) continue;
    for (const fill of ["", "x", "_x"]) out.push(p.replace(/\*+/g, fill).replace(/\?/g, "x"));
  }
  out.push(...others);
  return out.filter((c, i) => out.indexOf(c) === i && c !== "" && (!EDGE.test(c) || patterns.includes(c)));
}

/**
 * Atoms: one per distinct `match.dataset` pattern ("the dataset matches it"). `restrictTo`
 * (a test on patterns) keeps only datasets that match one of the patterns it accepts: the
 * changed rules' patterns, when only those can change a decision.
 */
export function datasetDimension(predicates: readonly Predicate[], options: { restrictTo?: (pattern: string) => boolean; maxStates?: number } = {}): Dimension<string> {
  const patterns = [...new Set(predicates.flatMap((p) => (p.match?.dataset === undefined ? [] : [p.match.dataset])))].sort();
  const someOf = options.restrictTo ? patterns.flatMap((p, i) => (options.restrictTo!(p) ? [i] : [])) : undefined;
  const search = findCells(
    patterns.map((text) => ({ kind: "glob" as const, text })),
    { ...(someOf ? { someOf } : {}), ...(options.maxStates !== undefined ? { maxStates: options.maxStates } : {}) },
  );
  const patternOf = predicates.map((p) => (p.match?.dataset === undefined ? -1 : patterns.indexOf(p.match.dataset)));
  const vectorOf = (matches: ReadonlySet<number>) => {
    let vec = 0n;
    patternOf.forEach((j, i) => {
      if (j < 0 || matches.has(j)) vec |= 1n << BigInt(i);
    });
    return vec;
  };
  const matchesOf = (value: string) => patterns.flatMap((p, j) => (matchWildcard(p, value) ? [j] : []));
  const cells: DimCell<string>[] = search.cells.map((cell) => {
    const key = cell.matches.join(",");
    // any string of the cell will do: prefer one a person would write, checked with the real matcher
    const value = candidates(patterns, cell.matches).find((c) => matchesOf(c).join(",") === key) ?? cell.example;
    const set = new Set(cell.matches);
    return { vec: vectorOf(set), value, atoms: patterns.map((_, j) => set.has(j)) };
  });
  const reasons = search.complete ? [] : [`budget: dataset cells cut after ${search.states} states`];
  return {
    key: "dataset",
    cells,
    complete: search.complete,
    reasons,
    vectorsUnder: (kept) => {
      if (!search.complete) return undefined;
      // outside the restricted domain there are cells we did not list, unless a domain pattern is required
      if (someOf && !someOf.some((j) => kept[j] === true)) return undefined;
      return uniqueVectors(cells.filter((c) => consistent(c.atoms, kept)).map((c) => c.vec));
    },
    atomsOf: (value) => patterns.map((p) => matchWildcard(p, value)),
    phrase: (kept) => {
      const shown = patterns.flatMap((p, j) => (kept[j] === undefined ? [] : [{ p, in: kept[j]! }]));
      const words = describeCell(
        "dataset",
        shown.map((s) => s.p),
        shown.flatMap((s, i) => (s.in ? [i] : [])),
      );
      // matching `*` alone says nothing
      return words === "any dataset" ? "" : words;
    },
  };
}
