/**
 * Condition blocks compiled once: policy values are parsed up front (numbers, dates, booleans,
 * CIDR ranges, wildcard patterns), so a request only reads its own context values. Same
 * semantics as {@link evaluateCondition} in ./conditions.ts, including Kleene three-valued logic:
 * a policy value that cannot be interpreted is remembered and only turns a result into "error"
 * when no other value already decided it.
 */
import { cidrContains, parseCidr, parseIp, parseIpv4 } from "../match/cidr.js";
import type { IpAddress } from "../match/cidr.js";
import { compileWildcard } from "../match/wildcard.js";
import type { ConditionBlock } from "../spec.js";
import { parseConditionOperator } from "../vocabulary.js";
import type { ConditionOperator, ParsedOperator } from "../vocabulary.js";
import { lookupContext, parseArn, splitNegation } from "./conditions.js";
import type { ConditionResult, ContextScalar, RequestContext } from "./types.js";
import { toBool, toEpochMillis, toNumber } from "./values.js";

export type CompiledCondition = (context: RequestContext) => ConditionResult;
type ValueTest = (value: ContextScalar) => ConditionResult;

const error = (): ConditionResult => "error";
const same = (a: unknown, b: unknown): boolean => a === b;
const lowerCase = (value: ContextScalar): string => String(value).toLowerCase();

/**
 * undefined when the block is absent or has no keys (always true). `readIp` parses a request's
 * address: one engine passes one reader to all its statements, so an address tested by several
 * statements in a row is parsed once (see {@link ipReader}).
 */
export function compileCondition(block: ConditionBlock | undefined, readIp: IpReader = ipReader()): CompiledCondition | undefined {
  const tests = Object.entries(block ?? {}).flatMap(([name, entries]): CompiledCondition[] => {
    const op = parseConditionOperator(name);
    // an unknown operator is "error", which a false elsewhere still overrides
    if (op === undefined || typeof entries !== "object" || entries === null) return [error];
    return Object.entries(entries).map(([key, values]) => compileKey(op, key, [values].flat(), readIp));
  });
  if (tests.length < 2) return tests[0];
  return (context) => kleene(tests, false, (test) => test(context));
}

/**
 * Kleene AND (`decisive` false) or OR (`decisive` true) of `test` over `items`: the decisive
 * value wins as soon as it appears, otherwise "error" when one was "error", otherwise the other.
 */
function kleene<T>(items: readonly T[], decisive: boolean, test: (item: T) => ConditionResult): ConditionResult {
  let result: ConditionResult = !decisive;
  for (const item of items) {
    const r = test(item);
    if (r === decisive) return r;
    if (r === "error") result = r;
  }
  return result;
}

function compileKey({ base, set, ifExists }: ParsedOperator, key: string, raw: readonly ContextScalar[], readIp: IpReader): CompiledCondition {
  if (base === "Null") {
    const wanted = anyOf(raw, false, toBool, toBool, same);
    return (context) => wanted(lookupContext(context, key) === undefined);
  }
  const { positive, negated } = splitNegation(base);
  const test = compileValueTest(positive, raw, negated, readIp);
  const forAll = set === "ForAllValues";
  const onMissing = forAll || (set === undefined && (ifExists || negated));
  return (context) => {
    const entry = lookupContext(context, key);
    if (entry === undefined) return onMissing;
    // a list where one value is expected: an error (fail closed)
    return Array.isArray(entry) ? (set === undefined ? "error" : kleene(entry as readonly ContextScalar[], !forAll, test)) : test(entry as ContextScalar);
  };
}

function compileValueTest(op: ConditionOperator, raw: readonly ContextScalar[], negated: boolean, readIp: IpReader): ValueTest {
  switch (op) {
    case "StringEquals":
      return anyOf(raw, negated, String, String, same);
    case "StringEqualsIgnoreCase":
      return anyOf(raw, negated, lowerCase, lowerCase, same);
    case "StringLike":
      return anyOf(raw, negated, (p) => compileWildcard(String(p)), String, (v, matches) => matches(v));
    case "ArnEquals":
    case "ArnLike":
      return anyOf(
        raw,
        negated,
        (p) => parseArn(String(p))?.map((part) => compileWildcard(part)),
        (v) => parseArn(String(v)),
        (arn, parts) => parts.every((m, i) => m(arn[i]!)),
      );
    case "Bool":
      return anyOf(raw, negated, toBool, toBool, same);
    case "IpAddress":
      return anyOf(
        raw,
        negated,
        (p) => (typeof p === "string" ? parseCidr(p) : undefined),
        readIp,
        // an IPv4 address is in an IPv4 range when its low word is (the others are the mapped prefix)
        (ip, range) => (typeof ip === "number" ? range.family === 4 && (ip & (range.mask[3] as number)) === (range.network[3] as number) >> 0 : cidrContains(range, ip)),
      );
    default: {
      // the Numeric and Date operators (Null is compiled by compileKey)
      const read = op.startsWith("Numeric") ? toNumber : toEpochMillis;
      return anyOf(raw, negated, read, read, comparator(op));
    }
  }
}

/**
 * OR over the policy values: true when one matches the context value, otherwise "error" when a
 * policy value could not be read, otherwise false; `negated` flips true and false. A context
 * value that cannot be read is "error"; no policy values at all is false (true when negated).
 */
function anyOf<C, P>(
  raw: readonly ContextScalar[],
  negated: boolean,
  readPolicy: (value: ContextScalar) => P | undefined,
  readContext: (value: ContextScalar) => C | undefined,
  matches: (context: C, policy: P) => boolean,
): ValueTest {
  if (raw.length === 0) return () => negated;
  const parsed = raw.map(readPolicy);
  const policy = parsed.filter((p): p is P => p !== undefined);
  const miss: ConditionResult = policy.length < parsed.length ? "error" : negated;
  return (v) => {
    const c = readContext(v);
    if (c === undefined) return "error";
    for (const p of policy) if (matches(c, p)) return !negated;
    return miss;
  };
}

/** An address: IPv4 written as such as its 32 bits in a (signed) number, so reading one allocates nothing. */
export type IpReader = (value: ContextScalar) => IpAddress | number | undefined;

/**
 * An address parser with a one-entry memory: a request's source IP is usually tested by several
 * statements in a row, so it is parsed once per request rather than once per statement.
 */
export function ipReader(): IpReader {
  let lastValue: ContextScalar | undefined;
  let last: IpAddress | number | undefined;
  return (value) => {
    if (value !== lastValue) {
      // an IPv4 address has no ":"; anything else is an IPv6 address or nothing
      const v4 = typeof value === "string" ? parseIpv4(value) : undefined;
      last = v4 !== undefined ? v4 >> 0 : typeof value === "string" && value.includes(":") ? parseIp(value) : undefined;
      lastValue = value;
    }
    return last;
  };
}

/** `a <op> b` for the Numeric and Date operators: Equals, LessThan, LessThanEquals, … (the readers never return NaN). */
function comparator(op: ConditionOperator): (a: number, b: number) => boolean {
  const less = op.includes("Less");
  const greater = op.includes("Greater");
  const equal = op.endsWith("Equals");
  return (a, b) => (a < b ? less : a > b ? greater : equal);
}
