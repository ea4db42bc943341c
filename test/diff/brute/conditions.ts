/**
 * The condition-context universe of the brute-force access oracle: a set of request contexts such
 * that every combination of condition results that any context can produce (over all statements
 * of base and head) is produced by one of them.
 *
 * Why it is exhaustive (given the reference evaluator, src/engine/access/conditions.ts):
 *
 * 1. A statement's Condition result is the Kleene AND of its (operator, key) entries, and an
 *    entry reads one context key (looked up case-insensitively). So a statement's result is the
 *    AND, over the keys it names, of a per-key partial result; and the decision of a request is a
 *    function of (action, resource, the vector of statement results). Contexts with the same
 *    vector decide alike; keeping one per vector loses nothing.
 * 2. Per key, the values are: missing; every scalar "cell" (see below); `[]`; and every list cell.
 *    A list's result for an entry is the OR (or, for `ForAllValues:`, the AND) of its elements'
 *    results, so the results of a list are a function of the set of its elements' result vectors,
 *    and concatenating two lists combines their vectors. The closure of the one-element lists under
 *    concatenation (deduplicated by the per-entry result vector) is therefore every list
 *    behaviour.
 * 3. Scalar cells, per operator family of the key:
 *    - String operators: the result of an element depends only on String(v) compared with each
 *      policy value as a literal (Equals), a case-insensitive literal (EqualsIgnoreCase) or a glob
 *      (Like); ./strings.ts gives a string for every match vector of those patterns.
 *    - Numeric (and Date) operators: the result depends on the number (or -1 "unreadable"):
 *      every threshold, the midpoints between consecutive thresholds, one below the lowest and one
 *      above the highest cover every interval of the real line; plus a non-number.
 *    - Bool: true, false, and a non-boolean string.
 *    - IpAddress/NotIpAddress: the result depends on the set of policy CIDRs that contain the
 *      address (or "unparsable"). CIDRs nest or are disjoint, so each non-empty region "in this
 *      CIDR, in none of its menu sub-ranges" and the region "in no CIDR" is an interval whose
 *      ends are a CIDR's network or last address or lie just outside a sub-range (network − 1,
 *      last + 1): those candidates hit every region. Plus a fixed outside address, an IPv6
 *      address and an unparsable string.
 *    - Null alone: presence is all that matters (missing, a fresh string).
 *    A key used with two families (string and numeric operators, say) is outside this argument:
 *    the universe is then a union of both candidate sets, and `exhaustive` is false.
 *
 * Plain TypeScript, no test-runner imports.
 */
import type { EffectiveStatement } from "../../../src/engine/effective.js";
import { evaluateCondition, toEpochMillis, toNumber } from "../../../src/engine/access/index.js";
import type { ConditionResult, ContextScalar } from "../../../src/engine/access/index.js";
import { parseCidr } from "../../../src/engine/match/cidr.js";
import type { ConditionValue } from "../../../src/engine/spec.js";
import { parseConditionOperator } from "../../../src/engine/vocabulary.js";
import { stringUniverse } from "./strings.js";
import type { StringPattern } from "./strings.js";

export type ContextValue = ContextScalar | ContextScalar[];
/** A request context: keys left out are missing. */
export type Context = Record<string, ContextValue>;

export interface ContextUniverse {
  contexts: Context[];
  /** Per key (as first written): how many distinct behaviours it has (missing included). */
  perKey: Record<string, number>;
  /** False when some key mixes operator families (see the module comment). */
  exhaustive: boolean;
  notes: string[];
}

type Family = "string" | "numeric" | "date" | "bool" | "ip" | "null";

interface Entry {
  statement: number;
  opName: string;
  key: string;
  values: ConditionValue;
  family: Family;
}

const MISSING = Symbol("missing");
type Candidate = ContextValue | typeof MISSING;

function familyOf(base: string): Family {
  if (base === "Null") return "null";
  if (base === "Bool") return "bool";
  if (base.includes("IpAddress")) return "ip";
  if (base.startsWith("Numeric")) return "numeric";
  if (base.startsWith("Date")) return "date";
  return "string";
}

const asList = (v: ConditionValue): ContextScalar[] => (Array.isArray(v) ? v : [v]);
const code = (r: ConditionResult): string => (r === "error" ? "e" : r ? "t" : "f");

function and3(a: ConditionResult, b: ConditionResult): ConditionResult {
  if (a === false || b === false) return false;
  return a === "error" || b === "error" ? "error" : true;
}

function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** Network, last, network − 1 and last + 1 of an IPv4 CIDR; for IPv6 the network and last only. */
function ipEdges(text: string): string[] {
  const range = parseCidr(text);
  if (range === undefined) return [];
  if (range.family === 4) {
    const net = range.network[3];
    const last = (net | ~range.mask[3]) >>> 0;
    const out = [formatIpv4(net), formatIpv4(last)];
    if (net > 0) out.push(formatIpv4(net - 1));
    if (last < 0xffffffff) out.push(formatIpv4(last + 1));
    return out;
  }
  const hex = (w: readonly number[]) => w.flatMap((x) => [((x >>> 16) & 0xffff).toString(16), (x & 0xffff).toString(16)]).join(":");
  const last = range.network.map((n, i) => (n | ~range.mask[i]!) >>> 0);
  return [hex(range.network), hex(last)];
}

function numericCandidates(thresholds: number[], toValue: (n: number) => ContextScalar): ContextScalar[] {
  const sorted = [...new Set(thresholds.filter(Number.isFinite))].sort((a, b) => a - b);
  if (sorted.length === 0) return [toValue(0)];
  const out: number[] = [sorted[0]! - 1];
  sorted.forEach((t, i) => {
    out.push(t);
    const next = sorted[i + 1];
    out.push(next === undefined ? t + 1 : (t + next) / 2);
  });
  return out.map(toValue);
}

function scalarCandidates(family: Family, entries: Entry[]): ContextScalar[] {
  const literals = entries.flatMap((e) => asList(e.values));
  switch (family) {
    case "string": {
      const patterns: StringPattern[] = [];
      for (const e of entries) {
        const base = parseConditionOperator(e.opName)!.base;
        for (const v of asList(e.values)) {
          const text = String(v);
          if (base === "StringLike" || base === "StringNotLike") patterns.push({ pattern: text, glob: true });
          else if (base === "StringEqualsIgnoreCase") patterns.push({ pattern: text, glob: false, ignoreCase: true });
          else patterns.push({ pattern: text, glob: false });
        }
      }
      return stringUniverse(patterns).values;
    }
    case "numeric":
      return [...numericCandidates(literals.map(toNumber).filter((n): n is number => n !== undefined), (n) => n), "not-a-number"];
    case "date": {
      const ms = literals.map(toEpochMillis).filter((n): n is number => n !== undefined);
      // epoch seconds as numbers: fractions of a millisecond stay representable between thresholds
      return [...numericCandidates(ms, (n) => n / 1000), "not-a-date"];
    }
    case "bool":
      return [true, false, "maybe"];
    case "ip": {
      const edges = literals.flatMap((l) => (typeof l === "string" ? ipEdges(l) : []));
      return [...new Set([...edges, "198.51.100.7", "2001:db8::7", "not-an-ip"])];
    }
    case "null":
      return ["zz-present"];
  }
}

/** Per-entry results of one candidate value for a key. */
function entryVector(entries: Entry[], key: string, value: Candidate): ConditionResult[] {
  const context = value === MISSING ? {} : { [key]: value };
  return entries.map((e) => evaluateCondition({ [e.opName]: { [e.key]: e.values } }, context));
}

/**
 * The contexts of the universe for the statements of base and head together (conditions are
 * read from every statement; statements without one are constant).
 */
export function contextUniverse(statements: readonly EffectiveStatement[]): ContextUniverse {
  const notes: string[] = [];
  let exhaustive = true;
  // constant part of each statement: operators that do not parse, blocks that are not objects
  const constant: ConditionResult[] = statements.map(() => true);
  const byKey = new Map<string, Entry[]>();
  statements.forEach((s, i) => {
    for (const [opName, block] of Object.entries(s.Condition ?? {})) {
      const op = parseConditionOperator(opName);
      if (op === undefined || typeof block !== "object" || block === null) {
        constant[i] = and3(constant[i]!, evaluateCondition({ [opName]: block } as never, {}));
        continue;
      }
      for (const [key, values] of Object.entries(block)) {
        const id = key.toLowerCase();
        const list = byKey.get(id) ?? [];
        list.push({ statement: i, opName, key, values, family: familyOf(op.base) });
        byKey.set(id, list);
      }
    }
  });

  interface State {
    vector: ConditionResult[];
    context: Context;
  }
  let states: State[] = [{ vector: constant, context: {} }];
  const perKey: Record<string, number> = {};
  for (const entries of byKey.values()) {
    const key = entries[0]!.key;
    const families = [...new Set(entries.map((e) => e.family).filter((f) => f !== "null"))];
    if (families.length > 1) {
      exhaustive = false;
      notes.push(`key ${key} mixes operator families ${families.join(", ")}: its universe is a union, not a product`);
    }
    const scalars = [...new Set(families.length === 0 ? scalarCandidates("null", entries) : families.flatMap((f) => scalarCandidates(f, entries)))];

    // distinct behaviours of the key, by per-entry result vector
    const byVector = new Map<string, Candidate>();
    const add = (v: Candidate): boolean => {
      const k = entryVector(entries, key, v).map(code).join("");
      if (byVector.has(k)) return false;
      byVector.set(k, v);
      return true;
    };
    add(MISSING);
    for (const v of scalars) add(v);
    add([]);
    // lists: closure of the one-element lists under concatenation
    const lists = new Map<string, ContextScalar[]>();
    for (const v of scalars) {
      const k = entryVector(entries, key, [v]).map(code).join("");
      if (!lists.has(k)) lists.set(k, [v]);
    }
    for (let grew = true; grew; ) {
      grew = false;
      const current = [...lists.values()];
      for (const a of current) {
        for (const b of current) {
          const joined = [...a, ...b];
          const k = entryVector(entries, key, joined).map(code).join("");
          if (!lists.has(k)) {
            lists.set(k, joined);
            grew = true;
          }
        }
      }
    }
    for (const l of lists.values()) add(l);

    // fold into the statement vectors: AND of this key's partial result into each statement
    const behaviours = [...byVector.values()];
    perKey[key] = behaviours.length;
    const next = new Map<string, State>();
    for (const state of states) {
      for (const v of behaviours) {
        const results = entryVector(entries, key, v);
        const vector = [...state.vector];
        entries.forEach((e, j) => (vector[e.statement] = and3(vector[e.statement]!, results[j]!)));
        const k = vector.map(code).join("");
        if (next.has(k)) continue;
        next.set(k, { vector, context: v === MISSING ? state.context : { ...state.context, [key]: v } });
      }
    }
    states = [...next.values()];
  }
  return { contexts: states.map((s) => s.context), perKey, exhaustive, notes };
}
