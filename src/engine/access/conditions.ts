/**
 * IAM Condition blocks, evaluated straight from the rules. This is the reference
 * the compiled evaluator is tested against, so it favours plain code over speed.
 *
 * Results are three-valued: true, false or "error" (a number, date, boolean, IP or ARN that
 * cannot be interpreted, an unknown operator). They combine with Kleene logic: `false AND error =
 * false`, `true OR error = true`, otherwise error propagates. Callers fail closed on "error": a
 * Deny applies, an Allow does not.
 *
 * IAM's semantics ("Condition operators" and "Multivalued context keys" in the IAM User Guide):
 * - operators in a block AND; keys within an operator AND;
 * - several policy values for one key OR; negated operators (StringNotEquals,
 *   StringNotEqualsIgnoreCase, StringNotLike, NumericNotEquals, DateNotEquals, NotIpAddress,
 *   ArnNotEquals, ArnNotLike) pass when none matches;
 * - a missing key: a positive operator is false, a negated one is **true** ("if the policy
 *   condition requires that the key is not matched … and the right key is not present, the
 *   condition can return true"), `…IfExists` is true; `Null: {k: true}` passes when k is absent
 *   (`null` counts as absent), `false` when present;
 * - `ForAnyValue:` passes if some context value passes and is false for a missing key;
 *   `ForAllValues:` passes if every one does, and passes for a missing or empty key (IAM's
 *   well-known pitfall, kept on purpose: lint asks for a Null guard);
 * - a single-valued operator given a list of values: IAM says false; here it is "error", so an
 *   Allow still does not apply but a Deny does (a caller cannot slip past a Deny by sending a
 *   list where one value is expected);
 * - ArnEquals and ArnLike (the same in IAM) compare `arn:partition:service:region:account:resource`
 *   segment by segment, `*` and `?` within a segment; the resource (everything after the fifth
 *   colon) may itself contain colons. A value with fewer than six parts or not starting with
 *   `arn:` is not an ARN.
 */
import { cidrContains, parseCidr, parseIp } from "../match/cidr.js";
import { matchWildcard } from "../match/wildcard.js";
import type { ConditionBlock, ConditionValue } from "../spec.js";
import { parseConditionOperator } from "../vocabulary.js";
import type { ConditionOperator, ParsedOperator } from "../vocabulary.js";
import type { ConditionResult, ContextScalar, RequestContext } from "./types.js";
import { toBool, toEpochMillis, toNumber } from "./values.js";

/**
 * `{positive: "StringEquals", negated: true}` for StringNotEquals; negated false otherwise. Each
 * negated operator is its positive form with "Not" added (StringNotLike, NotIpAddress).
 */
export function splitNegation(base: ConditionOperator): { positive: ConditionOperator; negated: boolean } {
  const positive = base.replace("Not", "") as ConditionOperator;
  return { positive, negated: positive !== base };
}

export function and3(a: ConditionResult, b: ConditionResult): ConditionResult {
  if (a === false || b === false) return false;
  return a === "error" || b === "error" ? "error" : true;
}

export function or3(a: ConditionResult, b: ConditionResult): ConditionResult {
  if (a === true || b === true) return true;
  return a === "error" || b === "error" ? "error" : false;
}

export function not3(a: ConditionResult): ConditionResult {
  return a === "error" ? "error" : !a;
}

/** Context key names compare under ASCII case folding (context keys are ASCII in practice). */
const toAsciiLower = (text: string): string => text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());

/**
 * The context entry for a condition key: the exact key when present, otherwise the first key
 * (in insertion order) equal under ASCII case folding. `null` reads as absent.
 */
export function lookupContext(context: RequestContext, key: string): ContextScalar | readonly ContextScalar[] | undefined {
  const found = Object.hasOwn(context, key)
    ? key
    : Object.keys(context).find((k) => k.length === key.length && toAsciiLower(k) === toAsciiLower(key));
  return found === undefined ? undefined : (context[found] ?? undefined);
}

/** Evaluates a Condition block; an absent block is true. */
export function evaluateCondition(block: ConditionBlock | undefined, context: RequestContext): ConditionResult {
  let result: ConditionResult = true;
  for (const [name, entries] of Object.entries(block ?? {})) {
    const op = parseConditionOperator(name);
    if (op === undefined || typeof entries !== "object" || entries === null) {
      result = and3(result, "error");
      continue;
    }
    for (const [key, values] of Object.entries(entries)) {
      result = and3(result, evaluateKey(op, toList(values), lookupContext(context, key)));
    }
  }
  return result;
}

function toList(value: ConditionValue): ContextScalar[] {
  return Array.isArray(value) ? value : [value];
}

function evaluateKey(
  op: ParsedOperator,
  policyValues: readonly ContextScalar[],
  entry: ContextScalar | readonly ContextScalar[] | undefined,
): ConditionResult {
  if (op.base === "Null") {
    const absent = entry === undefined;
    return policyValues.map((p): ConditionResult => {
      const wanted = toBool(p);
      return wanted === undefined ? "error" : wanted === absent;
    }).reduce(or3, false);
  }
  const { positive, negated } = splitNegation(op.base);
  if (entry === undefined) return op.set === "ForAllValues" || (op.set === undefined && (op.ifExists || negated));
  // a list where one value is expected: false in IAM, an error here (fail closed)
  if (op.set === undefined && isList(entry)) return "error";
  const contextValues: readonly ContextScalar[] = isList(entry) ? entry : [entry];
  const test = (v: ContextScalar): ConditionResult => {
    const any = policyValues.map((p) => compare(positive, v, p)).reduce(or3, false);
    return negated ? not3(any) : any;
  };
  const results = contextValues.map(test);
  return op.set === "ForAllValues" ? results.reduce(and3, true) : results.reduce(or3, false);
}

function isList(entry: ContextScalar | readonly ContextScalar[]): entry is readonly ContextScalar[] {
  return Array.isArray(entry);
}

/** One context value against one policy value, for a positive operator. */
function compare(op: ConditionOperator, v: ContextScalar, p: ContextScalar): ConditionResult {
  switch (op) {
    case "StringEquals":
      return String(v) === String(p);
    case "StringEqualsIgnoreCase":
      return String(v).toLowerCase() === String(p).toLowerCase();
    case "StringLike":
      return matchWildcard(String(p), String(v));
    case "ArnEquals":
    case "ArnLike": {
      // a number or boolean is never an ARN: String() of it has no "arn:" prefix
      const pattern = parseArn(String(p));
      const arn = parseArn(String(v));
      return pattern === undefined || arn === undefined ? "error" : pattern.every((part, i) => matchWildcard(part, arn[i]!));
    }
    case "NumericEquals":
    case "NumericLessThan":
    case "NumericLessThanEquals":
    case "NumericGreaterThan":
    case "NumericGreaterThanEquals":
      return order(op, toNumber(v), toNumber(p));
    case "DateEquals":
    case "DateLessThan":
    case "DateLessThanEquals":
    case "DateGreaterThan":
    case "DateGreaterThanEquals":
      return order(op, toEpochMillis(v), toEpochMillis(p));
    case "Bool": {
      const a = toBool(v);
      const b = toBool(p);
      return a === undefined || b === undefined ? "error" : a === b;
    }
    case "IpAddress": {
      const range = typeof p === "string" ? parseCidr(p) : undefined;
      const ip = typeof v === "string" ? parseIp(v) : undefined;
      return range === undefined || ip === undefined ? "error" : cidrContains(range, ip);
    }
    default:
      return "error"; // negated operators and Null never reach here
  }
}

/**
 * `arn:partition:service:region:account:resource` → [partition, service, region, account,
 * resource]; undefined when not an ARN. The resource is the rest, colons included.
 */
export function parseArn(text: string): string[] | undefined {
  const parts = text.split(":");
  return parts.length < 6 || parts[0] !== "arn" ? undefined : [...parts.slice(1, 5), parts.slice(5).join(":")];
}

function order(op: ConditionOperator, a: number | undefined, b: number | undefined): ConditionResult {
  if (a === undefined || b === undefined) return "error";
  if (op.endsWith("LessThanEquals")) return a <= b;
  if (op.endsWith("LessThan")) return a < b;
  if (op.endsWith("GreaterThanEquals")) return a >= b;
  if (op.endsWith("GreaterThan")) return a > b;
  return a === b;
}
