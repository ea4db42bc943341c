/**
 * Condition blocks compiled once: policy values are parsed up front (numbers, dates, booleans,
 * CIDR ranges, wildcard patterns), so a request only reads its own context values. Same
 * semantics as {@link evaluateCondition} in ./conditions.ts, including Kleene three-valued logic:
 * a policy value that cannot be interpreted is remembered and only turns a result into "error"
 * when no other value already decided it.
 */
import { cidrContains, parseCidr, parseIp } from "../../match/cidr.js";
import type { CidrRange, IpAddress } from "../../match/cidr.js";
import { compileWildcard } from "../../match/wildcard.js";
import type { ConditionBlock, ConditionValue } from "../../types.js";
import { parseConditionOperator } from "../../vocabulary.js";
import type { ConditionOperator } from "../../vocabulary.js";
import { lookupContext, splitNegation } from "./conditions.js";
import type { ConditionResult, ContextScalar, RequestContext } from "./types.js";
import { toBool, toEpochMillis, toNumber } from "./values.js";

export type CompiledCondition = (context: RequestContext) => ConditionResult;
type ValueTest = (value: ContextScalar) => ConditionResult;

const error = (): ConditionResult => "error";

/** undefined when the block is absent or has no keys (always true). */
export function compileCondition(block: ConditionBlock | undefined): CompiledCondition | undefined {
  if (block === undefined) return undefined;
  const tests: CompiledCondition[] = [];
  let hasError = false;
  for (const [name, entries] of Object.entries(block)) {
    const op = parseConditionOperator(name);
    if (op === undefined || typeof entries !== "object" || entries === null) {
      hasError = true; // an unknown operator is "error", which a false elsewhere still overrides
      continue;
    }
    for (const [key, values] of Object.entries(entries)) {
      tests.push(compileKey(op.base, op.set === "ForAllValues", op.ifExists, key, toList(values)));
    }
  }
  if (hasError) tests.push(error);
  if (tests.length === 0) return undefined;
  if (tests.length === 1) return tests[0];
  return (context) => {
    let result: ConditionResult = true;
    for (let i = 0; i < tests.length; i++) {
      const r = (tests[i] as CompiledCondition)(context);
      if (r === false) return false;
      if (r === "error") result = "error";
    }
    return result;
  };
}

function toList(value: ConditionValue): ContextScalar[] {
  return Array.isArray(value) ? value : [value];
}

function isList(entry: ContextScalar | readonly ContextScalar[]): entry is readonly ContextScalar[] {
  return Array.isArray(entry);
}

function compileKey(
  base: ConditionOperator,
  forAll: boolean,
  ifExists: boolean,
  key: string,
  raw: readonly ContextScalar[],
): CompiledCondition {
  if (base === "Null") {
    const wants = raw.map(toBool);
    const whenAbsent = pick(wants.includes(true), wants.includes(undefined));
    const whenPresent = pick(wants.includes(false), wants.includes(undefined));
    return (context) => (lookupContext(context, key) === undefined ? whenAbsent : whenPresent);
  }
  const { positive, negated } = splitNegation(base);
  const positiveTest = compileValueTest(positive, raw);
  const test: ValueTest = negated
    ? (v) => {
        const r = positiveTest(v);
        return r === "error" ? r : !r;
      }
    : positiveTest;
  const onMissing: ConditionResult = forAll ? true : ifExists;
  return (context) => {
    const entry = lookupContext(context, key);
    if (entry === undefined) return onMissing;
    if (!isList(entry)) return test(entry);
    let result: ConditionResult = forAll;
    for (let i = 0; i < entry.length; i++) {
      const r = test(entry[i] as ContextScalar);
      if (r === !forAll) return r; // false decides an AND, true decides an OR
      if (r === "error") result = "error";
    }
    return result;
  };
}

/** OR over policy values given whether one matched and whether one was uninterpretable. */
function pick(matched: boolean, hasError: boolean): ConditionResult {
  return matched ? true : hasError ? "error" : false;
}

function compileValueTest(op: ConditionOperator, raw: readonly ContextScalar[]): ValueTest {
  switch (op) {
    case "StringEquals": {
      if (raw.length === 1) {
        const only = String(raw[0]);
        return (v) => String(v) === only;
      }
      const set = new Set(raw.map(String));
      return (v) => set.has(String(v));
    }
    case "StringEqualsIgnoreCase": {
      const set = new Set(raw.map((p) => String(p).toLowerCase()));
      return (v) => set.has(String(v).toLowerCase());
    }
    case "StringLike": {
      const matchers = raw.map((p) => compileWildcard(String(p)));
      return (v) => {
        const s = String(v);
        for (const m of matchers) if (m(s)) return true;
        return false;
      };
    }
    case "NumericEquals":
    case "NumericLessThan":
    case "NumericLessThanEquals":
    case "NumericGreaterThan":
    case "NumericGreaterThanEquals":
      return orderedTest(op, raw, toNumber);
    case "DateEquals":
    case "DateLessThan":
    case "DateLessThanEquals":
    case "DateGreaterThan":
    case "DateGreaterThanEquals":
      return orderedTest(op, raw, toEpochMillis);
    case "Bool": {
      if (raw.length === 0) return () => false;
      const wants = raw.map(toBool);
      const whenTrue = pick(wants.includes(true), wants.includes(undefined));
      const whenFalse = pick(wants.includes(false), wants.includes(undefined));
      return (v) => {
        const b = toBool(v);
        return b === undefined ? "error" : b ? whenTrue : whenFalse;
      };
    }
    case "IpAddress": {
      if (raw.length === 0) return () => false;
      const parsed = raw.map((p) => (typeof p === "string" ? parseCidr(p) : undefined));
      const ranges = parsed.filter((r): r is CidrRange => r !== undefined);
      const miss: ConditionResult = ranges.length < parsed.length ? "error" : false;
      return (v) => {
        const ip = typeof v === "string" ? parseIpCached(v) : undefined;
        if (ip === undefined) return "error";
        for (const r of ranges) if (cidrContains(r, ip)) return true;
        return miss;
      };
    }
    default:
      return error;
  }
}

// one-entry cache: a request's source IP is usually tested by several statements in a row
let lastIpText: string | undefined;
let lastIp: IpAddress | undefined;

function parseIpCached(text: string): IpAddress | undefined {
  if (text !== lastIpText) {
    lastIp = parseIp(text);
    lastIpText = text;
  }
  return lastIp;
}

function orderedTest(
  op: ConditionOperator,
  raw: readonly ContextScalar[],
  read: (value: ContextScalar) => number | undefined,
): ValueTest {
  if (raw.length === 0) return () => false;
  const parsed = raw.map(read);
  const bounds = parsed.filter((n): n is number => n !== undefined);
  const hasError = bounds.length < parsed.length;
  const miss: ConditionResult = hasError ? "error" : false;
  const compare = comparator(op);
  return (v) => {
    const a = read(v);
    if (a === undefined) return "error";
    for (let i = 0; i < bounds.length; i++) if (compare(a, bounds[i] as number)) return true;
    return miss;
  };
}

function comparator(op: ConditionOperator): (a: number, b: number) => boolean {
  if (op.endsWith("LessThanEquals")) return (a, b) => a <= b;
  if (op.endsWith("LessThan")) return (a, b) => a < b;
  if (op.endsWith("GreaterThanEquals")) return (a, b) => a >= b;
  if (op.endsWith("GreaterThan")) return (a, b) => a > b;
  return (a, b) => a === b;
}
