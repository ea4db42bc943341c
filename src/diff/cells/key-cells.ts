/**
 * The cells of one condition key: the values a request can give the key, grouped by
 * what every (operator, key) entry of every statement answers for them. One value per cell
 * decides for all the others.
 *
 * Per operator family the value space is cut at the operator's boundaries:
 * - strings (StringEquals, StringLike, StringEqualsIgnoreCase and their negations): the cells
 *   of the literals and globs (./glob-cells.ts), "another value" included;
 * - numbers and dates: each threshold, the open intervals between and beyond them, and a value
 *   that is not a number/date (which makes the operator an error);
 * - IP addresses: the intervals between range edges, in both spellings (./ip-cells.ts), and a
 *   value that is not an address;
 * - ARNs (ArnLike, ArnEquals and their negations): the cells of the patterns compared segment
 *   by segment, valid ARNs and not;
 * - Bool: true, false, and a value that is neither;
 * - Null, IfExists: the key missing or present.
 * Then the key missing, and lists of values (a request may send several values for any key:
 * ForAnyValue/ForAllValues and single-valued operators read them differently), made of the
 * scalar cells two or more at a time, and the empty list.
 *
 * The answer for a value is computed by the evaluator itself (`evaluateCondition` on a block of
 * one entry), so the cells can never disagree with the decisions. A key read by operators of
 * different families (a string operator and a numeric one on the same key) is not cut exactly;
 * the partition then says so in `unsupported`.
 */
import { and3, or3 } from "../../engine/access/conditions.js";
import { parseArn } from "../../engine/access/conditions.js";
import { evaluateCondition, toEpochMillis, toNumber } from "../../engine/access/index.js";
import type { ConditionResult, ContextEntry, ContextScalar, RequestContext } from "../../engine/access/index.js";
import { matchWildcard, parseCidr } from "../../engine/match/index.js";
import type { ConditionValue } from "../../engine/spec.js";
import { parseConditionOperator } from "../../engine/vocabulary.js";
import { findCells } from "./glob-cells.js";
import type { CellPattern } from "./glob-cells.js";
import { cidrBounds, ipCandidates } from "./ip-cells.js";

/** One (operator, key) pair of one statement's Condition. */
export interface KeyEntry {
  operator: string;
  /** The key as written in the statement (lookups fold ASCII case; see `lookupContext`). */
  spelling: string;
  values: ConditionValue;
}

export interface KeyCell {
  /** The context entries that realise the cell (empty: the key is missing). */
  fragment: Record<string, ContextEntry>;
  /** The answer of every entry of the partition, in order. */
  results: ConditionResult[];
  /**
   * For people, without the key: "in 10.0.0.0/8", "= dba", "< 5", "missing" (see `describeValues`).
   * Several when values that answer alike were merged into the cell.
   */
  phrases: string[];
  /** The cell is reached only by a list of values (a rarer way to call: described last). */
  list: boolean;
}

export interface KeyPartition {
  /** The key folded to ASCII lower case. */
  key: string;
  entries: KeyEntry[];
  cells: KeyCell[];
  /** Why the partition may miss cells (then the comparison is not proven). */
  unsupported: string[];
}

/** ASCII case folding, as context lookups do it. */
export function foldKey(key: string): string {
  return key.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

type Family = "string" | "numeric" | "date" | "bool" | "ip" | "arn" | "null" | "unknown";

function familyOf(operator: string): Family {
  const base = parseConditionOperator(operator)?.base;
  if (base === undefined) return "unknown";
  if (base.startsWith("String")) return "string";
  if (base.startsWith("Numeric")) return "numeric";
  if (base.startsWith("Date")) return "date";
  if (base === "Bool") return "bool";
  if (base === "Null") return "null";
  if (base.startsWith("Arn")) return "arn";
  return "ip";
}

function valuesOf(v: ConditionValue): ContextScalar[] {
  return Array.isArray(v) ? v : [v];
}

/** The phrase of the cell where the key is missing. */
export const MISSING = "missing";

/**
 * A key and some of its cells' phrases for people: "no principal.role", "source.ip in
 * 10.0.0.0/8 or missing", "level between 5 and 10".
 */
export function describeValues(key: string, phrases: readonly string[]): string {
  if (phrases.length === 1 && phrases[0] === MISSING) return `no ${key}`;
  const present = phrases.filter((p) => p !== MISSING);
  const shown = present.slice(0, 4);
  const more = present.length - shown.length;
  const text = `${key} ${shown.join(" or ")}${more > 0 ? ` or ${more} more` : ""}`;
  return present.length < phrases.length ? `${text} or missing` : text;
}

/** A value that no family reads as a number, date, boolean or address. */
const UNREADABLE = "unknown";
/** Readable stand-ins for "another string", tried in order. */
const OTHER_WORDS = ["other", "another", "x"];

interface Candidate {
  value: ContextScalar;
  phrase: string;
}

function sortedUnique(nums: number[]): number[] {
  return [...new Set(nums)].sort((a, b) => a - b);
}

/** Thresholds and the intervals around them. */
function orderedCandidates(thresholds: number[], show: (n: number) => ContextScalar, label: (n: number) => string, step: number, words: [string, string]): Candidate[] {
  const t = sortedUnique(thresholds.filter(Number.isFinite));
  if (t.length === 0) return [{ value: show(0), phrase: `= ${label(0)}` }];
  const [below, above] = words;
  const out: Candidate[] = [];
  const first = t[0]!;
  const last = t.at(-1)!;
  out.push({ value: show(first - step), phrase: `${below} ${label(first)}` });
  t.forEach((x, i) => {
    out.push({ value: show(x), phrase: `= ${label(x)}` });
    const next = t[i + 1];
    if (next !== undefined) {
      const inside = x + step < next ? x + step : (x + next) / 2;
      if (inside > x && inside < next) out.push({ value: show(inside), phrase: `between ${label(x)} and ${label(next)}` });
    }
  });
  out.push({ value: show(last + step), phrase: `${above} ${label(last)}` });
  return out;
}

function isoOrSeconds(ms: number): ContextScalar {
  const d = new Date(ms);
  return Number.isInteger(ms) && !Number.isNaN(d.getTime()) ? d.toISOString() : ms / 1000;
}

function stringCandidates(entries: readonly KeyEntry[], unsupported: string[]): Candidate[] {
  const patterns: CellPattern[] = [];
  for (const e of entries) {
    const base = parseConditionOperator(e.operator)?.base.replace("Not", "");
    if (base === undefined || !base.startsWith("String")) continue;
    for (const v of valuesOf(e.values)) {
      const text = String(v);
      if (base === "StringLike") patterns.push({ kind: "glob", text });
      else if (base === "StringEqualsIgnoreCase") {
        if (/[\u03a3\u03c2\u03c3]/.test(text)) unsupported.push(`StringEqualsIgnoreCase with a Greek sigma (${JSON.stringify(text)}) lowers by context`);
        patterns.push({ kind: "iexact", text });
      } else patterns.push({ kind: "exact", text });
    }
  }
  const search = findCells(patterns, { allowEmpty: true });
  if (!search.complete) unsupported.push("string values: the cell search hit its budget");
  const literal = (i: number) => patterns[i]!.kind !== "glob";
  return search.cells.map((cell) => {
    let value = cell.example;
    if (cell.matches.length === 0) {
      // "another value": a readable word no pattern matches
      value = OTHER_WORDS.find((w) => !patterns.some((p) => matchesPattern(p, w))) ?? value;
    }
    const exact = cell.matches.find(literal);
    const globs = cell.matches.filter((i) => !literal(i)).map((i) => `\`${patterns[i]!.text}\``);
    const named = [...new Set(patterns.filter((p) => p.kind !== "glob").map((p) => p.text))];
    const phrase =
      exact !== undefined
        ? `= ${value}`
        : globs.length > 0
          ? `matching ${globs.join(" and ")}`
          : value === ""
            ? "empty"
            : named.length > 0 && named.length <= 3
              ? `not ${named.join(" or ")}`
              : "another value";
    return { value, phrase };
  });
}

function matchesPattern(p: CellPattern, v: string): boolean {
  if (p.kind === "exact") return p.text === v;
  if (p.kind === "iexact") return p.text.toLowerCase() === v.toLowerCase();
  return matchWildcard(p.text, v);
}

function ipCandidatesOf(entries: readonly KeyEntry[]): Candidate[] {
  const cidrs = entries.filter((e) => familyOf(e.operator) === "ip").flatMap((e) => valuesOf(e.values).filter((v): v is string => typeof v === "string"));
  const ranges = [...new Set(cidrs)].flatMap((text) => {
    const range = parseCidr(text);
    return range === undefined ? [] : [{ text, bounds: cidrBounds(range) }];
  });
  const overlap = (a: [bigint, bigint], b: [bigint, bigint]) => a[0] <= b[1] && b[0] <= a[1];
  return ipCandidates(cidrs).map((address) => {
    const within = ranges.filter((r) => evaluateCondition({ IpAddress: { k: r.text } }, { k: address }) === true);
    const inside = within.map((r) => r.text);
    // name only the ranges cut out of the ones the address is in ("in 10.0.0.0/8 (not 10.1.0.0/16)")
    const outside = (within.length > 0 ? ranges.filter((r) => !inside.includes(r.text) && within.some((w) => overlap(w.bounds, r.bounds))) : ranges).map((r) => r.text);
    const phrase =
      inside.length > 0
        ? `in ${inside.join(" and ")}${outside.length > 0 && outside.length <= 2 ? ` (not ${outside.join(" or ")})` : ""}`
        : outside.length > 0
          ? `outside ${outside.join(" and ")}`
          : `= ${address}`;
    return { value: address, phrase };
  });
}

/** Any ARN: six colon-separated parts starting with `arn`, the last of which may hold colons. */
const ANY_ARN = "arn:*:*:*:*:*";

/** One value per cell of the ARN patterns (ArnLike/ArnEquals and negations), valid ARNs and not. */
function arnCandidates(entries: readonly KeyEntry[], unsupported: string[]): Candidate[] {
  const written = [...new Set(entries.filter((e) => familyOf(e.operator) === "arn").flatMap((e) => valuesOf(e.values).map(String)))].sort();
  // a policy value that is not an ARN is an error whatever the request sends: it cuts nothing
  const patterns = [ANY_ARN, ...written.filter((p) => parseArn(p) !== undefined)];
  const search = findCells(patterns.map((text) => ({ kind: "arn" as const, text })), { allowEmpty: false });
  if (!search.complete) unsupported.push("ARN values: the cell search hit its budget");
  return search.cells.map((cell) => {
    const matched = cell.matches.filter((i) => i > 0).map((i) => `\`${patterns[i]!}\``);
    const valid = cell.matches.includes(0);
    return { value: cell.example, phrase: !valid ? "not a valid ARN" : matched.length > 0 ? `matching ${matched.join(" and ")}` : "another ARN" };
  });
}

function candidatesFor(family: Family, entries: readonly KeyEntry[], unsupported: string[]): Candidate[] {
  const literals = entries.filter((e) => familyOf(e.operator) === family).flatMap((e) => valuesOf(e.values));
  switch (family) {
    case "string":
      return stringCandidates(entries, unsupported);
    case "numeric":
      return orderedCandidates(literals.map(toNumber).filter((n): n is number => n !== undefined), (n) => n, String, 1, ["<", ">"]);
    case "date":
      return orderedCandidates(literals.map(toEpochMillis).filter((n): n is number => n !== undefined), isoOrSeconds, (ms) => String(isoOrSeconds(ms)), 1000, ["before", "after"]);
    case "bool":
      return [true, false].map((b) => ({ value: b, phrase: String(b) }));
    case "ip":
      return ipCandidatesOf(entries);
    case "arn":
      return arnCandidates(entries, unsupported);
    default:
      return [{ value: "value", phrase: "present" }];
  }
}

function results(entries: readonly KeyEntry[], context: RequestContext): ConditionResult[] {
  return entries.map((e) => evaluateCondition({ [e.operator]: { [e.spelling]: e.values } }, context));
}

/** Most combinations of answers explored for lists of values. */
const MAX_LISTS = 4096;



/**
 * The cells of one key, from every entry that reads it (all statements of both sides).
 *
 * @example
 * partitionKey("source.ip", [{ operator: "IpAddress", spelling: "source.ip", values: "10.0.0.0/8" }]).cells.map((c) => c.text)
 * // ["no source.ip", "source.ip outside 10.0.0.0/8", "source.ip in 10.0.0.0/8", …]
 */
export function partitionKey(key: string, entries: readonly KeyEntry[]): KeyPartition {
  const unsupported: string[] = [];
  const families = new Set(entries.map((e) => familyOf(e.operator)).filter((f) => f !== "null" && f !== "unknown"));
  if (families.size > 1) unsupported.push(`key ${key} is read by ${[...families].join(" and ")} operators`);
  const spellings = [...new Set(entries.map((e) => e.spelling))];

  // scalar candidates of every family in use, then one unreadable value
  const candidates: Candidate[] = [];
  for (const f of families.size > 0 ? families : new Set<Family>(["null"])) candidates.push(...candidatesFor(f, entries, unsupported));
  const typed = [...families].filter((f) => f !== "string");
  const noun: Partial<Record<Family, string>> = { ip: "valid IP address", bool: "boolean", numeric: "number", date: "date", arn: "valid ARN" };
  if (typed.length > 0) candidates.push({ value: UNREADABLE, phrase: `not a ${typed.map((f) => noun[f]).join(" or ")}` });

  const cells: KeyCell[] = [];
  const seen = new Set<string>();
  const bySignature = new Map<string, KeyCell>();
  /** Adds a cell, or merges a scalar's phrase into the cell that answers alike; true when new. */
  const add = (fragment: Record<string, ContextEntry>, phrase: string, mergePhrase: boolean, list = false): boolean => {
    const r = results(entries, fragment);
    const sig = r.map(String).join(",");
    const known = bySignature.get(sig);
    if (known) {
      if (mergePhrase && !known.phrases.includes(phrase)) known.phrases.push(phrase);
      return false;
    }
    const cell: KeyCell = { fragment, results: r, phrases: [phrase], list };
    bySignature.set(sig, cell);
    cells.push(cell);
    return true;
  };
  add({}, MISSING, true);
  // list elements: one value per distinct answer among scalars (a value that answers like the
  // missing key still answers differently inside a list)
  const scalar: Array<{ value: ContextScalar }> = [];
  const scalarSignatures = new Set<string>();
  for (const c of candidates) {
    const fragment = Object.fromEntries(spellings.map((s) => [s, c.value]));
    add(fragment, c.phrase, true);
    const sig = results(entries, fragment).map(String).join(",");
    if (!scalarSignatures.has(sig)) {
      scalarSignatures.add(sig);
      scalar.push({ value: c.value });
    }
  }
  // A request may send "Role" and "role" with different values, and each spelling reads its own.
  if (spellings.length > 1) unsupported.push(`key ${key} is written ${spellings.length} ways (${spellings.join(", ")}): write it one way`);
  // Lists: ForAnyValue reads a list as the OR of its answers for each value, ForAllValues as
  // the AND, Null only sees that the key is there, and a single-valued operator answers "error"
  // whatever the list holds. So the lists worth trying are the joins of the scalar cells'
  // answers: grow them one value at a time until no new combination of answers appears.
  const reads = entries.map((e) => {
    const op = parseConditionOperator(e.operator);
    return op?.set === "ForAllValues" ? "all" : op?.set === "ForAnyValue" || op?.base === "Null" ? "any" : "single";
  });
  const join = (a: readonly ConditionResult[], b: readonly ConditionResult[]): ConditionResult[] =>
    a.map((x, i) => (reads[i] === "all" ? and3(x, b[i]!) : reads[i] === "any" ? or3(x, b[i]!) : "error"));
  const elementResults = scalar.map((e) => results(entries, Object.fromEntries(spellings.map((sp) => [sp, e.value]))));
  const joined = new Map<string, { results: ConditionResult[]; values: ContextScalar[] }>();
  elementResults.forEach((r, i) => joined.set(r.map(String).join(","), { results: r, values: [scalar[i]!.value] }));
  let frontier = [...joined.values()];
  while (frontier.length > 0 && joined.size <= MAX_LISTS) {
    const next: typeof frontier = [];
    for (const f of frontier) {
      elementResults.forEach((r, i) => {
        const j = join(f.results, r);
        const sig = j.map(String).join(",");
        if (joined.has(sig)) return;
        const entry = { results: j, values: [...f.values, scalar[i]!.value] };
        joined.set(sig, entry);
        next.push(entry);
      });
    }
    frontier = next;
  }
  if (joined.size > MAX_LISTS) unsupported.push(`key ${key}: more than ${MAX_LISTS} combinations of values in lists`);
  for (const list of [[], ...[...joined.values()].filter((j) => j.values.length > 1).map((j) => j.values)]) {
    const fragment = Object.fromEntries(spellings.map((sp) => [sp, list]));
    add(fragment, list.length === 0 ? "an empty list" : `= [${list.map(String).join(", ")}]`, false, true);
  }
  return { key, entries: [...entries], cells, unsupported };
}
