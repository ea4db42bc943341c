import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileAccess, compileCondition, evaluateAccessReference, evaluateCondition } from "../../../src/engine/access/index.js";
import type { AccessPolicy, AccessRequest, ContextEntry, RequestContext } from "../../../src/engine/access/index.js";
import type { EffectiveStatement } from "../../../src/engine/effective.js";
import type { ConditionBlock, ConditionValue } from "../../../src/engine/spec.js";

// A small alphabet, so random policies and requests actually meet.
const ACTION_PATTERNS = [
  "s3:Get", "s3:GetObject", "S3:GET", "s3:*", "s3:Get*", "s3:?et", "*", "*:Get", "s?:Get*", "db:Select",
  "db:*", "DB:select", "file:*:sub", "file:Get:sub", "*Object", "file:Put", "x",
];
const REQUEST_ACTIONS = ["s3:Get", "s3:GetObject", "S3:get", "s3:Put", "db:Select", "db:select", "file:Put", "file:Get:sub", "s4:Get", "x", "s3"];
const RESOURCE_PATTERNS = ["*", "file://a/*", "file://a/b", "db://prod/*", "db://prod/users", "db://PROD/*", "file://?/b", "*/users"];
const REQUEST_RESOURCES = ["file://a/b", "file://a/c", "db://prod/users", "db://PROD/users", "file://x/b", "db://prod/orders"];

/**
 * Conditions by family: each has its own context key, policy values and context values (valid
 * and not), so that most generated conditions really test something; a fifth of the time keys
 * and values are mixed across families to provoke type errors.
 */
interface Family {
  operators: string[];
  key: string;
  policy: ConditionValue[];
  context: Array<string | number | boolean>;
}
const FAMILIES: Family[] = [
  {
    operators: ["StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"],
    key: "s",
    policy: ["a", "b", "A", "a*", "?", "*b"],
    context: ["a", "b", "A", "ab", "", 1],
  },
  {
    operators: ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals"],
    key: "n",
    policy: [1, 5, "10", "5", "x"],
    context: [1, "5", 7, "10", 20, "abc"],
  },
  {
    operators: ["DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"],
    key: "t",
    policy: ["2024-06-01", "2025-01-01T00:00:00Z", 1_717_200_000, "bad-date"],
    context: ["2024-06-01", "2024-06-01T00:00:00+00:00", 1_800_000_000, "1717200000", "soon"],
  },
  { operators: ["Bool"], key: "b", policy: [true, false, "true", "maybe"], context: [true, false, "true", "FALSE", "nope"] },
  {
    operators: ["IpAddress", "NotIpAddress"],
    key: "ip",
    policy: ["10.0.0.0/8", "2001:db8::/32", "0.0.0.0/0", "10.1.2.3", "10.0.0.0/99"],
    context: ["10.1.2.3", "192.168.0.1", "2001:db8::1", "::ffff:10.0.0.1", "garbage"],
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
const NULL_VALUES: ConditionValue[] = [true, false, true, false, "true", "x"];

const pick = <T>(items: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...items);
const some = <T>(items: readonly T[], max: number): fc.Arbitrary<T[]> => fc.array(pick(items), { minLength: 0, maxLength: max });
const oftenFrom = <T>(own: readonly T[], all: readonly T[]): fc.Arbitrary<T> =>
  fc.oneof({ weight: 4, arbitrary: pick(own) }, { weight: 1, arbitrary: pick(all) });
const keyVariants = (key: string): string[] => [key, key, key.toUpperCase()];
const values = <T>(item: fc.Arbitrary<T>): fc.Arbitrary<T | T[]> =>
  fc.oneof({ weight: 3, arbitrary: item }, { weight: 2, arbitrary: fc.array(item, { maxLength: 3 }) });

const conditionEntry: fc.Arbitrary<[string, string, ConditionValue]> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constant("Null"), pick(FAMILIES.flatMap((f) => keyVariants(f.key))), values(pick(NULL_VALUES)) as fc.Arbitrary<ConditionValue>),
  },
  {
    weight: 6,
    arbitrary: pick(FAMILIES).chain((f) =>
      fc.tuple(
        fc
          .tuple(pick(f.operators), fc.boolean(), pick(["", "", "ForAnyValue:", "ForAllValues:"]))
          .map(([op, ifExists, set]) => `${set}${op}${ifExists ? "IfExists" : ""}`),
        oftenFrom(keyVariants(f.key), FAMILIES.map((g) => g.key)),
        values(oftenFrom(f.policy, ALL_POLICY_VALUES)) as fc.Arbitrary<ConditionValue>,
      ),
    ),
  },
);
const condition: fc.Arbitrary<ConditionBlock | undefined> = fc.option(
  fc.array(conditionEntry, { minLength: 1, maxLength: 3 }).map((entries) => {
    const block: ConditionBlock = {};
    for (const [op, key, value] of entries) (block[op] ??= {})[key] = value;
    return block;
  }),
  { nil: undefined, freq: 2 },
);

const statement = (index: number): fc.Arbitrary<EffectiveStatement> =>
  fc
    .record({
      sid: fc.option(pick(["S1", "S2", "Read"]), { nil: undefined }),
      effect: pick(["Allow", "Allow", "Deny"] as const),
      actionKind: pick(["Action", "Action", "Action", "NotAction", "both", "none"] as const),
      actions: some(ACTION_PATTERNS, 3),
      notActions: some(ACTION_PATTERNS, 2),
      resourceKind: pick(["Resource", "Resource", "NotResource", "none"] as const),
      resources: some(RESOURCE_PATTERNS, 2),
      condition,
    })
    .map((r) => {
      const s: EffectiveStatement = { Effect: r.effect, source: { policy: `p${index % 3}`, file: `policies/p${index}.yaml` } };
      if (r.sid !== undefined) s.Sid = r.sid;
      if (r.actionKind === "Action" || r.actionKind === "both") s.Action = r.actions;
      if (r.actionKind === "NotAction" || r.actionKind === "both") s.NotAction = r.notActions;
      if (r.resourceKind === "Resource") s.Resource = r.resources;
      if (r.resourceKind === "NotResource") s.NotResource = r.resources;
      if (r.condition !== undefined) s.Condition = r.condition;
      return s;
    });

const statements = fc.integer({ min: 0, max: 12 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => statement(i))));

const policy: fc.Arbitrary<AccessPolicy> = fc
  .record({
    statements,
    approval: fc.option(
      fc.record({
        actions: some([...ACTION_PATTERNS, "s3:Put*", "DB:*"], 3),
        role: fc.option(pick(["dba", "lead"]), { nil: undefined }),
        timeout: fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }),
      }),
      { nil: undefined },
    ),
  })
  .map(({ statements: Statement, approval }) => {
    if (approval === undefined) return { Statement };
    return {
      Statement,
      RequireApproval: {
        Actions: approval.actions,
        ...(approval.role !== undefined ? { ApproverRole: approval.role } : {}),
        ...(approval.timeout !== undefined ? { TimeoutSeconds: approval.timeout } : {}),
      },
    };
  });

const context: fc.Arbitrary<RequestContext> = fc
  .array(
    pick(FAMILIES).chain((f) =>
      fc.tuple(
        pick([f.key, f.key, f.key.toUpperCase()]),
        fc.oneof(
          { weight: 5, arbitrary: oftenFrom(f.context, ALL_CONTEXT_VALUES) },
          { weight: 2, arbitrary: fc.array(oftenFrom(f.context, ALL_CONTEXT_VALUES), { maxLength: 3 }) },
          { weight: 1, arbitrary: fc.constant(null) },
        ) as fc.Arbitrary<ContextEntry>,
      ),
    ),
    { maxLength: 5 },
  )
  .map((entries) => Object.fromEntries(entries));

const request: fc.Arbitrary<AccessRequest> = fc.record({
  action: pick(REQUEST_ACTIONS),
  resource: pick(REQUEST_RESOURCES),
  context,
});

describe("compiled evaluator", () => {
  it("compiled conditions agree with evaluateCondition", () => {
    const seen = new Set<unknown>();
    fc.assert(
      fc.property(condition, fc.array(context, { minLength: 1, maxLength: 5 }), (block, contexts) => {
        const compiled = compileCondition(block) ?? (() => true);
        for (const c of contexts) {
          const expected = evaluateCondition(block, c);
          seen.add(expected);
          expect(compiled(c)).toBe(expected);
        }
      }),
      { numRuns: 5_000 },
    );
    expect(seen).toEqual(new Set([true, false, "error"]));
  });

  it("agrees with the reference on random policies and requests (decision, reasons, approval): 100,000 cases", () => {
    const seen = new Set<string>();
    let cases = 0;
    fc.assert(
      fc.property(policy, fc.array(request, { minLength: 40, maxLength: 40 }), (access, requests) => {
        const engine = compileAccess(access);
        for (const r of requests) {
          const expected = evaluateAccessReference(access, r);
          seen.add(expected.decision);
          const actual = engine.authorize(r);
          // toEqual only on a mismatch: the deep comparison is the slow part of 100,000 cases
          if (actual.decision !== expected.decision || actual.reasons.length !== expected.reasons.length || JSON.stringify(actual) !== JSON.stringify(expected)) {
            expect(actual).toEqual(expected);
          }
          cases++;
        }
      }),
      { numRuns: 2_500 },
    );
    expect(cases).toBe(100_000);
    // the generator must reach every kind of answer, or the agreement says little
    expect([...seen].sort()).toEqual(["allow", "approval_required", "deny"]);
  });

  it("adding a Deny statement never turns a deny into an allow", () => {
    fc.assert(
      fc.property(policy, statement(99), fc.nat(), request, (access, extra, at, r) => {
        const deny: EffectiveStatement = { ...extra, Effect: "Deny" };
        const position = at % (access.Statement.length + 1);
        const widened = { ...access, Statement: [...access.Statement.slice(0, position), deny, ...access.Statement.slice(position)] };
        const before = evaluateAccessReference(access, r);
        const after = evaluateAccessReference(widened, r);
        const afterCompiled = compileAccess(widened).authorize(r);
        expect(afterCompiled).toEqual(after);
        if (before.decision === "deny") expect(after.decision).toBe("deny");
        if (after.decision !== "deny") expect(after).toEqual(before);
      }),
      { numRuns: 1_500 },
    );
  });
});
