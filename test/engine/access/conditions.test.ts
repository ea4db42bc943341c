import { describe, expect, it } from "vitest";
import {
  compileCondition,
  evaluateCondition,
  lookupContext,
} from "../../../src/engine/access/index.js";
import type { ConditionResult, RequestContext } from "../../../src/engine/access/index.js";
import type { ConditionBlock } from "../../../src/engine/spec.js";
import { CONDITION_OPERATORS, SET_PREFIXES, allConditionOperatorNames, parseConditionOperator } from "../../../src/engine/vocabulary.js";
import type { ConditionOperator, ParsedOperator, SetPrefix } from "../../../src/engine/vocabulary.js";

type Evaluate = (block: ConditionBlock, context: RequestContext) => ConditionResult;

const implementations: Array<[string, Evaluate]> = [
  ["reference", (block, context) => evaluateCondition(block, context)],
  ["compiled", (block, context) => (compileCondition(block) ?? (() => true))(context)],
];

describe.each(implementations)("conditions (%s)", (_name, evaluate) => {
  const check = (block: ConditionBlock, context: RequestContext, expected: ConditionResult): void => {
    expect(evaluate(block, context)).toBe(expected);
  };

  it("an empty block is true", () => {
    check({}, {}, true);
    check({ StringEquals: {} }, {}, true);
  });

  describe("string operators", () => {
    it("StringEquals: values OR, exact and case-sensitive", () => {
      const block = { StringEquals: { env: ["prod", "staging"] } };
      check(block, { env: "prod" }, true);
      check(block, { env: "staging" }, true);
      check(block, { env: "Prod" }, false);
      check(block, { env: "dev" }, false);
      check(block, {}, false);
    });
    it("StringEquals compares numbers and booleans by their text", () => {
      check({ StringEquals: { n: "5" } }, { n: 5 }, true);
      check({ StringEquals: { n: 5 } }, { n: "5" }, true);
      check({ StringEquals: { b: true } }, { b: "true" }, true);
    });
    it("StringNotEquals: none of the values may match; a missing key passes (IAM)", () => {
      const block = { StringNotEquals: { env: ["prod", "staging"] } };
      check(block, { env: "dev" }, true);
      check(block, { env: "prod" }, false);
      check(block, { env: "staging" }, false);
      check(block, {}, true);
    });
    it("StringNotEqualsIgnoreCase: none of the values may match in any case", () => {
      const block = { StringNotEqualsIgnoreCase: { env: ["PROD", "staging"] } };
      check(block, { env: "prod" }, false);
      check(block, { env: "Staging" }, false);
      check(block, { env: "dev" }, true);
      check(block, {}, true);
    });
    it("StringEqualsIgnoreCase", () => {
      check({ StringEqualsIgnoreCase: { env: "PROD" } }, { env: "prod" }, true);
      check({ StringEqualsIgnoreCase: { env: ["x", "Prod"] } }, { env: "pROD" }, true);
      check({ StringEqualsIgnoreCase: { env: "prod" } }, { env: "prod2" }, false);
    });
    it("StringLike: wildcards, case-sensitive", () => {
      const block = { StringLike: { path: ["/home/*", "/tmp/?.txt"] } };
      check(block, { path: "/home/a/b" }, true);
      check(block, { path: "/tmp/a.txt" }, true);
      check(block, { path: "/tmp/ab.txt" }, false);
      check(block, { path: "/HOME/a" }, false);
    });
    it("StringNotLike: none of the patterns may match", () => {
      const block = { StringNotLike: { path: ["/etc/*", "/root/*"] } };
      check(block, { path: "/home/a" }, true);
      check(block, { path: "/etc/passwd" }, false);
      check(block, { path: "/root/x" }, false);
      check(block, {}, true);
    });
  });

  describe("numeric operators", () => {
    it.each([
      ["NumericEquals", 5, true],
      ["NumericEquals", 6, false],
      ["NumericNotEquals", 5, false],
      ["NumericNotEquals", 6, true],
      ["NumericLessThan", 4, true],
      ["NumericLessThan", 5, false],
      ["NumericLessThanEquals", 5, true],
      ["NumericLessThanEquals", 6, false],
      ["NumericGreaterThan", 6, true],
      ["NumericGreaterThan", 5, false],
      ["NumericGreaterThanEquals", 5, true],
      ["NumericGreaterThanEquals", 4, false],
    ] as const)("%s 5 with %d → %s", (op, value, expected) => {
      check({ [op]: { n: 5 } }, { n: value }, expected);
      check({ [op]: { n: "5" } }, { n: String(value) }, expected);
    });
    it("several values OR; NumericNotEquals needs all to differ", () => {
      check({ NumericEquals: { n: [1, 2, 3] } }, { n: 2 }, true);
      check({ NumericEquals: { n: [1, 2, 3] } }, { n: 4 }, false);
      check({ NumericNotEquals: { n: [1, 2, 3] } }, { n: 2 }, false);
      check({ NumericNotEquals: { n: [1, 2, 3] } }, { n: 4 }, true);
      check({ NumericLessThan: { n: [1, 10] } }, { n: 5 }, true);
    });
    it("an uninterpretable number is an error, in the context or the policy", () => {
      check({ NumericLessThan: { n: 5 } }, { n: "five" }, "error");
      check({ NumericLessThan: { n: 5 } }, { n: true }, "error");
      check({ NumericLessThan: { n: "five" } }, { n: 1 }, "error");
      check({ NumericNotEquals: { n: 5 } }, { n: "x" }, "error");
      // another value that matches decides anyway (Kleene OR)
      check({ NumericLessThan: { n: ["five", 10] } }, { n: 1 }, true);
      check({ NumericLessThan: { n: ["five", 10] } }, { n: 20 }, "error");
    });
  });

  describe("date operators", () => {
    const noon = "2024-12-02T12:00:00Z";
    it.each([
      ["DateEquals", noon, true],
      ["DateEquals", "2024-12-02T12:00:01Z", false],
      ["DateNotEquals", noon, false],
      ["DateNotEquals", "2024-12-02T12:00:01Z", true],
      ["DateLessThan", "2024-12-02T11:59:59Z", true],
      ["DateLessThan", noon, false],
      ["DateLessThanEquals", noon, true],
      ["DateGreaterThan", "2024-12-02T12:00:01Z", true],
      ["DateGreaterThan", noon, false],
      ["DateGreaterThanEquals", noon, true],
      ["DateGreaterThanEquals", "2024-12-01", false],
    ] as const)("%s noon with %s → %s", (op, value, expected) => {
      check({ [op]: { t: noon } }, { t: value }, expected);
    });
    it("mixes ISO strings, offsets and epoch seconds", () => {
      const epoch = Date.UTC(2024, 11, 2, 12) / 1000;
      check({ DateEquals: { t: noon } }, { t: epoch }, true);
      check({ DateEquals: { t: epoch } }, { t: "2024-12-02T14:00:00+02:00" }, true);
      check({ DateEquals: { t: String(epoch) } }, { t: noon }, true);
    });
    it("an uninterpretable date is an error", () => {
      check({ DateLessThan: { t: noon } }, { t: "soon" }, "error");
      check({ DateLessThan: { t: "2024-02-30" } }, { t: noon }, "error");
      check({ DateNotEquals: { t: noon } }, { t: "later" }, "error");
    });
  });

  describe("Bool", () => {
    it("accepts booleans and their strings", () => {
      check({ Bool: { mfa: true } }, { mfa: true }, true);
      check({ Bool: { mfa: "true" } }, { mfa: true }, true);
      check({ Bool: { mfa: true } }, { mfa: "TRUE" }, true);
      check({ Bool: { mfa: true } }, { mfa: false }, false);
      check({ Bool: { mfa: "false" } }, { mfa: "false" }, true);
      check({ Bool: { mfa: true } }, {}, false);
    });
    it("anything else is an error", () => {
      check({ Bool: { mfa: true } }, { mfa: "yes" }, "error");
      check({ Bool: { mfa: true } }, { mfa: 1 }, "error");
      check({ Bool: { mfa: "maybe" } }, { mfa: true }, "error");
    });
  });

  describe("IpAddress / NotIpAddress", () => {
    const ranges = ["10.0.0.0/8", "2001:db8::/32"];
    it("IPv4, IPv6 and mapped addresses", () => {
      check({ IpAddress: { ip: ranges } }, { ip: "10.1.2.3" }, true);
      check({ IpAddress: { ip: ranges } }, { ip: "2001:db8::1" }, true);
      check({ IpAddress: { ip: ranges } }, { ip: "::ffff:10.1.2.3" }, true);
      check({ IpAddress: { ip: ranges } }, { ip: "192.168.0.1" }, false);
      check({ IpAddress: { ip: ranges } }, {}, false);
    });
    it("IPv4 ranges and addresses from 128.0.0.0 up (the top bit set)", () => {
      const high = ["172.16.0.0/12", "192.168.0.0/16", "255.255.255.255"];
      check({ IpAddress: { ip: high } }, { ip: "172.31.255.254" }, true);
      check({ IpAddress: { ip: high } }, { ip: "172.32.0.1" }, false);
      check({ IpAddress: { ip: high } }, { ip: "192.168.7.9" }, true);
      check({ IpAddress: { ip: high } }, { ip: "192.169.0.1" }, false);
      check({ IpAddress: { ip: high } }, { ip: "255.255.255.255" }, true);
      check({ IpAddress: { ip: high } }, { ip: "255.255.255.254" }, false);
      check({ IpAddress: { ip: high } }, { ip: "::ffff:192.168.7.9" }, true);
      check({ IpAddress: { ip: high } }, { ip: "10.1.2.3" }, false);
      check({ IpAddress: { ip: ["0.0.0.0/0"] } }, { ip: "200.1.2.3" }, true);
      check({ IpAddress: { ip: ["128.0.0.0/1"] } }, { ip: "127.255.255.255" }, false);
      check({ IpAddress: { ip: ["::/0"] } }, { ip: "200.1.2.3" }, false);
      check({ NotIpAddress: { ip: high } }, { ip: "192.168.7.9" }, false);
      check({ NotIpAddress: { ip: high } }, { ip: "192.169.0.1" }, true);
    });
    it("NotIpAddress: in none of the ranges; a missing key passes (IAM)", () => {
      check({ NotIpAddress: { ip: ranges } }, { ip: "192.168.0.1" }, true);
      check({ NotIpAddress: { ip: ranges } }, { ip: "10.1.2.3" }, false);
      check({ NotIpAddress: { ip: ranges } }, { ip: "2001:db8::5" }, false);
      check({ NotIpAddress: { ip: ranges } }, {}, true);
    });
    it("a bad address or CIDR is an error", () => {
      check({ IpAddress: { ip: "10.0.0.0/8" } }, { ip: "10.1.2" }, "error");
      check({ IpAddress: { ip: "10.0.0.0/8" } }, { ip: 10 }, "error");
      check({ IpAddress: { ip: "10.0.0.0/33" } }, { ip: "10.1.2.3" }, "error");
      check({ NotIpAddress: { ip: "10.0.0.0/8" } }, { ip: "garbage" }, "error");
      check({ NotIpAddress: { ip: ["bad", "10.0.0.0/8"] } }, { ip: "10.1.2.3" }, false);
      check({ NotIpAddress: { ip: ["bad", "10.0.0.0/8"] } }, { ip: "11.1.2.3" }, "error");
    });
  });

  describe("ARN operators", () => {
    it("ArnLike and ArnEquals compare segment by segment, * and ? within a segment", () => {
      for (const op of ["ArnLike", "ArnEquals"]) {
        check({ [op]: { src: "arn:aws:s3:::bucket-*" } }, { src: "arn:aws:s3:::bucket-logs" }, true);
        check({ [op]: { src: "arn:aws:s3:::bucket-*" } }, { src: "arn:aws:s3:::other" }, false);
        check({ [op]: { src: "arn:aws:sqs:*:123456789012:queue?" } }, { src: "arn:aws:sqs:eu-west-1:123456789012:queue1" }, true);
        // a * in one segment does not reach into the next one
        check({ [op]: { src: "arn:aws:s3*:::b" } }, { src: "arn:aws:s3:x:::b" }, false);
        check({ [op]: { src: "arn:*:s3:::b" } }, { src: "arn:aws:s3:::b" }, true);
        // the resource is everything after the fifth colon, colons included
        check({ [op]: { src: "arn:aws:logs:us-east-1:123456789012:log-group:*" } }, { src: "arn:aws:logs:us-east-1:123456789012:log-group:app:stream" }, true);
      }
      check({ ArnLike: { src: ["arn:aws:s3:::a", "arn:aws:s3:::b"] } }, { src: "arn:aws:s3:::b" }, true);
    });
    it("ArnNotLike and ArnNotEquals: none may match; a missing key passes", () => {
      check({ ArnNotLike: { src: "arn:aws:s3:::bucket-*" } }, { src: "arn:aws:s3:::other" }, true);
      check({ ArnNotLike: { src: "arn:aws:s3:::bucket-*" } }, { src: "arn:aws:s3:::bucket-1" }, false);
      check({ ArnNotEquals: { src: "arn:aws:s3:::b" } }, {}, true);
    });
    it("a value that is not an ARN is an error", () => {
      check({ ArnLike: { src: "arn:aws:s3:::b" } }, { src: "s3://b" }, "error");
      check({ ArnLike: { src: "arn:aws:s3:::b" } }, { src: "arn:aws:s3::b" }, "error");
      check({ ArnLike: { src: "arn:aws:s3:::b" } }, { src: 5 }, "error");
      check({ ArnNotLike: { src: "not-an-arn" } }, { src: "arn:aws:s3:::b" }, "error");
    });
  });

  describe("missing keys, IfExists and Null", () => {
    it("a missing key fails a positive operator and passes a negated one, as in IAM", () => {
      for (const op of ["StringEquals", "StringEqualsIgnoreCase", "StringLike", "NumericEquals", "NumericLessThan", "DateEquals", "IpAddress", "ArnLike", "ArnEquals", "Bool"]) {
        check({ [op]: { k: "1" } }, {}, false);
      }
      for (const op of ["StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "NumericNotEquals", "DateNotEquals", "NotIpAddress", "ArnNotLike", "ArnNotEquals"]) {
        check({ [op]: { k: "1" } }, {}, true);
        check({ [`ForAnyValue:${op}`]: { k: "1" } }, {}, false);
        check({ [`ForAllValues:${op}`]: { k: "1" } }, {}, true);
      }
    });
    it("IfExists passes when the key is missing and tests it when present", () => {
      check({ StringEqualsIfExists: { env: "prod" } }, {}, true);
      check({ StringEqualsIfExists: { env: "prod" } }, { env: "prod" }, true);
      check({ StringEqualsIfExists: { env: "prod" } }, { env: "dev" }, false);
      check({ NumericLessThanIfExists: { n: 5 } }, {}, true);
      check({ NumericLessThanIfExists: { n: 5 } }, { n: 9 }, false);
      check({ NumericLessThanIfExists: { n: 5 } }, { n: "x" }, "error");
      check({ NotIpAddressIfExists: { ip: "10.0.0.0/8" } }, {}, true);
      check({ NotIpAddressIfExists: { ip: "10.0.0.0/8" } }, { ip: "10.0.0.1" }, false);
      check({ BoolIfExists: { mfa: true } }, { mfa: null }, true);
    });
    it("Null: true passes when the key is absent, false when it is present", () => {
      check({ Null: { k: true } }, {}, true);
      check({ Null: { k: true } }, { k: null }, true);
      check({ Null: { k: true } }, { k: "" }, false);
      check({ Null: { k: "true" } }, { k: "x" }, false);
      check({ Null: { k: false } }, { k: "x" }, true);
      check({ Null: { k: false } }, { k: [] }, true);
      check({ Null: { k: false } }, {}, false);
      check({ Null: { k: "maybe" } }, {}, "error");
    });
  });

  describe("multi-valued keys", () => {
    it("ForAnyValue: some context value passes", () => {
      const block = { "ForAnyValue:StringEquals": { tags: ["a", "b"] } };
      check(block, { tags: ["x", "b"] }, true);
      check(block, { tags: ["x", "y"] }, false);
      check(block, { tags: [] }, false);
      check(block, { tags: "a" }, true);
      check(block, {}, false);
      // IAM: ForAnyValue on a missing key is false, IfExists or not
      check({ "ForAnyValue:StringEqualsIfExists": { tags: "a" } }, {}, false);
    });
    it("ForAllValues: every context value passes; empty or missing passes (IAM pitfall)", () => {
      const block = { "ForAllValues:StringEquals": { tags: ["a", "b"] } };
      check(block, { tags: ["a", "b", "a"] }, true);
      check(block, { tags: ["a", "x"] }, false);
      check(block, { tags: [] }, true);
      check(block, {}, true);
      check(block, { tags: null }, true);
    });
    it("ForAllValues with a negated operator", () => {
      const block = { "ForAllValues:StringNotEquals": { tags: ["secret"] } };
      check(block, { tags: ["a", "b"] }, true);
      check(block, { tags: ["a", "secret"] }, false);
    });
    it("a single-valued operator given a list is an error (IAM: false), so an Allow fails and a Deny applies", () => {
      check({ StringEquals: { tags: "a" } }, { tags: ["x", "a"] }, "error");
      check({ StringEquals: { tags: "a" } }, { tags: ["a"] }, "error");
      check({ StringNotEquals: { tags: "a" } }, { tags: ["a", "b"] }, "error");
      check({ StringNotEqualsIfExists: { tags: "a" } }, { tags: [] }, "error");
      check({ NumericLessThan: { n: 5 } }, { n: [1] }, "error");
      check({ Null: { tags: false } }, { tags: [] }, true);
    });
    it("errors inside a set follow Kleene logic", () => {
      check({ "ForAllValues:NumericLessThan": { n: 5 } }, { n: [1, "x"] }, "error");
      check({ "ForAllValues:NumericLessThan": { n: 5 } }, { n: [9, "x"] }, false);
      check({ "ForAnyValue:IpAddress": { ip: "10.0.0.0/8" } }, { ip: ["bad", "10.0.0.1"] }, true);
    });
  });

  describe("combining", () => {
    it("operators AND, keys AND", () => {
      const block = { StringEquals: { env: "prod", team: "core" }, Bool: { mfa: true } };
      check(block, { env: "prod", team: "core", mfa: true }, true);
      check(block, { env: "prod", team: "core", mfa: false }, false);
      check(block, { env: "prod", team: "web", mfa: true }, false);
      check(block, { env: "prod", mfa: true }, false);
    });
    it("false beats error, error beats true", () => {
      check({ StringEquals: { env: "prod" }, NumericLessThan: { n: 5 } }, { env: "dev", n: "x" }, false);
      check({ StringEquals: { env: "prod" }, NumericLessThan: { n: 5 } }, { env: "prod", n: "x" }, "error");
    });
    it("an unknown operator is an error", () => {
      check({ StringEqualz: { env: "prod" } }, { env: "prod" }, "error");
      check({ "ForAnyValue:Null": { env: true } }, {}, "error");
      check({ StringEqualz: { env: "prod" }, Bool: { mfa: true } }, { mfa: false }, false);
    });
  });

  describe("context key lookup", () => {
    it("is case-insensitive on key names, exact key first", () => {
      check({ StringEquals: { "Source.IP": "x" } }, { "source.ip": "x" }, true);
      check({ StringEquals: { "source.ip": "x" } }, { "SOURCE.IP": "y", "source.ip": "x" }, true);
      check({ StringEquals: { "source.ip": "x" } }, { "source.ipx": "x" }, false);
    });
    it("does not read inherited properties", () => {
      check({ Null: { toString: true } }, {}, true);
      check({ Null: { constructor: false } }, {}, false);
    });
  });
});

describe("lookupContext", () => {
  it("returns the exact key, else the first case-insensitive one, and null as absent", () => {
    expect(lookupContext({ a: "1", A: "2" }, "A")).toBe("2");
    expect(lookupContext({ Ab: "1", AB: "2" }, "ab")).toBe("1");
    expect(lookupContext({ ab: null, AB: "2" }, "ab")).toBeUndefined();
    expect(lookupContext({}, "__proto__")).toBeUndefined();
  });
});

describe("parseConditionOperator", () => {
  // the obvious reading of the vocabulary lists, which the parser's single pattern must agree with
  const oracle = (name: string): ParsedOperator | undefined => {
    const [set, rest] = name.includes(":") ? [name.slice(0, name.indexOf(":")), name.slice(name.indexOf(":") + 1)] : [undefined, name];
    if (set !== undefined && !(SET_PREFIXES as readonly string[]).includes(set)) return undefined;
    const ifExists = rest.endsWith("IfExists") && rest !== "IfExists";
    const base = ifExists ? rest.slice(0, -"IfExists".length) : rest;
    if (!(CONDITION_OPERATORS as readonly string[]).includes(base)) return undefined;
    if (base === "Null" && (ifExists || set !== undefined)) return undefined;
    const op = base as ConditionOperator;
    return set === undefined ? { base: op, ifExists } : { base: op, ifExists, set: set as SetPrefix };
  };

  it("accepts every spelling of every operator, and nothing near them", () => {
    const names = allConditionOperatorNames();
    expect(names.length).toBe((CONDITION_OPERATORS.length - 1) * 6 + 1);
    const parts = [...CONDITION_OPERATORS, ...SET_PREFIXES, "", ":", "IfExists", "Not", "Foo", "String", "Equals", "IgnoreCase", "Than", "Null"];
    const candidates = new Set(names);
    for (const a of parts) for (const b of parts) for (const c of ["", ":", "IfExists", "ForAnyValue:"]) {
      candidates.add(a + b + c);
      candidates.add(c + a + b);
    }
    let accepted = 0;
    for (const name of candidates) {
      const expected = oracle(name);
      if (expected !== undefined) accepted++;
      expect([name, parseConditionOperator(name)]).toEqual([name, expected]);
    }
    expect(accepted).toBe(names.length);
  });
});
