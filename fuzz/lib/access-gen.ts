/**
 * Random AccessPolicies and requests for the compiled-vs-reference differential. Alphabets are
 * small so policies and requests meet, with the edges that break fast paths mixed in: Unicode
 * case folding (İ, K, ß, Σ), astral characters against `?`, `**`, actions without a service,
 * NotAction/NotResource, unknown operators, type-confused condition values, and more distinct
 * actions per policy than the compiled evaluator's plan cache holds.
 */
import type { EffectiveStatement } from "../../src/engine/effective.js";
import type { AccessPolicy, AccessRequest, ContextEntry, ContextScalar, RequestContext } from "../../src/engine/access/types.js";
import type { ConditionBlock, ConditionValue } from "../../src/engine/spec.js";
import type { Rng } from "./rng.js";

const ACTION_PATTERNS = [
  "s3:Get", "s3:GetObject", "S3:GET", "s3:*", "s3:Get*", "s3:?et", "*", "**", "*:Get", "s?:Get*", "db:Select", "db:*",
  "DB:select", "file:*:sub", "file:Get:sub", "*Object", "file:Put", "x", "s3", "s3:", ":", "*:*", "?*", "s3:Get?bject",
  "İ:*", "i̇:read", "K:*", "k:*", "ß:*", "SS:*", "σ:*", "Σ:*", "😀:*", "?:*", "s3:*Object*", "db:S*t", "*:", "s3:**Get",
];
const REQUEST_ACTIONS = [
  "s3:Get", "s3:GetObject", "S3:get", "s3:Put", "db:Select", "db:select", "file:Put", "file:Get:sub", "s4:Get", "x", "s3", "s3:",
  ":", "", "İ:read", "i̇:read", "I:read", "K:x", "k:x", "ß:x", "SS:x", "ς:x", "Σ:x", "σ:x", "😀:x", "a:x", "s3:GetObjectObject",
  "s3:GetObject:sub", "db:Sat", "db:St", "file:Get:Sub", "FILE:GET:SUB",
];
const RESOURCE_PATTERNS = [
  "*", "file://a/*", "file://a/b", "db://prod/*", "db://prod/users", "db://PROD/*", "file://?/b", "*/users", "**", "?", "",
  "file://a/?", "file://😀/*", "db://prod/u*s", "*a*", "file://a/b*", "file://*/b",
];
const REQUEST_RESOURCES = ["file://a/b", "file://a/c", "db://prod/users", "db://PROD/users", "file://x/b", "db://prod/orders", "", "file://😀/b", "file://a/bb", "a", "db://prod/us"];

interface Family {
  operators: string[];
  key: string;
  policy: ConditionValue[];
  context: ContextScalar[];
}

const FAMILIES: Family[] = [
  {
    operators: ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"],
    key: "s",
    policy: ["a", "b", "A", "a*", "?", "*b", "", "İ", "i̇", "😀", "?😀", "*"],
    context: ["a", "b", "A", "ab", "", 1, "İ", "i̇", "😀", "x😀", true],
  },
  {
    operators: ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"],
    key: "n",
    policy: [1, 5, "10", "5", "x", 0, -0, 1e308, "1e400", "0x10", " 5", "5.0", "", 9007199254740993],
    context: [1, "5", 7, "10", 20, "abc", -0, "1e400", "Infinity", "NaN", " 7", "0x10", "", 9007199254740992],
  },
  {
    operators: ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"],
    key: "t",
    policy: ["2024-06-01", "2025-01-01T00:00:00Z", 1_717_200_000, "bad-date", "2024-02-30", "2024-06-01T00:00:00.999Z", "-1"],
    context: ["2024-06-01", "2024-06-01T00:00:00+00:00", 1_800_000_000, "1717200000", "soon", "2024-06-01T02:00:00+02:00", 0, -1],
  },
  { operators: ["Bool"], key: "b", policy: [true, false, "true", "maybe", "TRUE", 1], context: [true, false, "true", "FALSE", "nope", 0, 1] },
  {
    operators: ["IpAddress", "NotIpAddress"],
    key: "ip",
    policy: ["10.0.0.0/8", "2001:db8::/32", "0.0.0.0/0", "10.1.2.3", "10.0.0.0/99", "::/0", "::ffff:10.0.0.0/104", "10.0.0.1/32", "010.0.0.1"],
    context: ["10.1.2.3", "192.168.0.1", "2001:db8::1", "::ffff:10.0.0.1", "garbage", "10.0.0.1", "::", "10.1.2.3/8", "1.2.3"],
  },
  {
    operators: ["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
    key: "arn",
    policy: ["arn:aws:s3:::bucket-*", "arn:aws:s3:::b?", "arn:*:sqs:*:123:q", "arn:aws:logs:*:*:log-group:*", "arn:aws:s3*:::x", "not-an-arn"],
    context: ["arn:aws:s3:::bucket-1", "arn:aws:s3:::bx", "arn:aws:sqs:eu:123:q", "arn:aws:logs:us:1:log-group:a:b", "arn:aws:s3x:::x", "s3://bucket", "arn:aws:s3::b", 5],
  },
];
const ALL_POLICY_VALUES = FAMILIES.flatMap((f) => f.policy);
const ALL_CONTEXT_VALUES = FAMILIES.flatMap((f) => f.context);
const NULL_VALUES: ConditionValue[] = [true, false, "true", "false", "x", 1];

function values<T>(rng: Rng, item: () => T): T | T[] {
  if (rng.chance(0.6)) return item();
  const n = rng.int(0, 3);
  return Array.from({ length: n }, item);
}

function oftenFrom<T>(rng: Rng, own: readonly T[], all: readonly T[]): T {
  return rng.chance(0.8) ? rng.pick(own) : rng.pick(all);
}

function keyVariant(rng: Rng, key: string): string {
  return rng.chance(0.7) ? key : rng.chance(0.5) ? key.toUpperCase() : `${key}.extra`;
}

function condition(rng: Rng): ConditionBlock | undefined {
  if (rng.chance(0.45)) return undefined;
  const block: ConditionBlock = {};
  const n = rng.int(1, 3);
  for (let i = 0; i < n; i++) {
    if (rng.chance(0.12)) {
      const f = rng.pick(FAMILIES);
      (block.Null ??= {})[keyVariant(rng, f.key)] = values(rng, () => rng.pick(NULL_VALUES)) as ConditionValue;
      continue;
    }
    if (rng.chance(0.02)) {
      (block[rng.pick(["Unknown", "StringEqualsX", "ForAnyValue:Null", "ForSomeValue:StringEquals", "NullIfExists"])] ??= {}).s = "a";
      continue;
    }
    const f = rng.pick(FAMILIES);
    const op = `${rng.pick(["", "", "", "ForAnyValue:", "ForAllValues:"])}${rng.pick(f.operators)}${rng.chance(0.25) ? "IfExists" : ""}`;
    const key = rng.chance(0.85) ? keyVariant(rng, f.key) : rng.pick(FAMILIES).key;
    (block[op] ??= {})[key] = values(rng, () => oftenFrom(rng, f.policy, ALL_POLICY_VALUES) as string | number | boolean) as ConditionValue;
  }
  return block;
}

function statement(rng: Rng, index: number): EffectiveStatement {
  const s: EffectiveStatement = { Effect: rng.chance(0.65) ? "Allow" : "Deny", source: { policy: `p${index % 4}`, file: `policies/p${index}.yaml` } };
  if (rng.chance(0.5)) s.Sid = rng.pick(["S1", "S2", "Read", ""]);
  const actionKind = rng.below(10);
  if (actionKind < 7 || actionKind === 8) s.Action = rng.some(ACTION_PATTERNS, 4, actionKind === 8 ? 0 : 1);
  if (actionKind === 7 || actionKind === 8) s.NotAction = rng.some(ACTION_PATTERNS, 3);
  const resourceKind = rng.below(8);
  if (resourceKind < 5) s.Resource = rng.some(RESOURCE_PATTERNS, 3, resourceKind === 0 ? 0 : 1);
  else if (resourceKind < 7) s.NotResource = rng.some(RESOURCE_PATTERNS, 2);
  const c = condition(rng);
  if (c !== undefined) s.Condition = c;
  return s;
}

export function randomAccessPolicy(rng: Rng): AccessPolicy {
  const n = rng.chance(0.1) ? rng.int(20, 60) : rng.int(0, 12);
  const Statement = Array.from({ length: n }, (_, i) => statement(rng, i));
  if (rng.chance(0.6)) return { Statement };
  return {
    Statement,
    RequireApproval: {
      Actions: rng.some([...ACTION_PATTERNS, "s3:Put*", "DB:*"], 3),
      ...(rng.chance(0.5) ? { ApproverRole: rng.pick(["dba", "lead"]) } : {}),
      ...(rng.chance(0.5) ? { TimeoutSeconds: rng.int(1, 3600) } : {}),
    },
  };
}

function context(rng: Rng): RequestContext | undefined {
  if (rng.chance(0.1)) return undefined;
  const out: Record<string, ContextEntry> = {};
  const n = rng.int(0, 5);
  for (let i = 0; i < n; i++) {
    const f = rng.pick(FAMILIES);
    const key = keyVariant(rng, f.key);
    const r = rng.below(8);
    out[key] = r < 5 ? oftenFrom(rng, f.context, ALL_CONTEXT_VALUES) : r < 7 ? Array.from({ length: rng.int(0, 3) }, () => oftenFrom(rng, f.context, ALL_CONTEXT_VALUES)) : rng.chance(0.5) ? null : undefined;
  }
  return out;
}

/** A request; with `wide`, the action comes from a large space so the plan cache overflows. */
export function randomAccessRequest(rng: Rng, wide = false): AccessRequest {
  const action = wide && rng.chance(0.7) ? `${rng.pick(["s3", "db", "S3", "x"])}:${rng.pick(["Get", "get", "Put"])}${rng.below(6000)}` : rng.pick(REQUEST_ACTIONS);
  const ctx = context(rng);
  return ctx === undefined ? { action, resource: rng.pick(REQUEST_RESOURCES) } : { action, resource: rng.pick(REQUEST_RESOURCES), context: ctx };
}
