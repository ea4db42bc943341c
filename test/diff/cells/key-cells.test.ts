/** Condition key partitions: every value a request can send falls in a cell that answers exactly as it does. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ipCandidates, formatIpv6 } from "../../../src/diff/cells/ip-cells.js";
import { describeValues, partitionKey } from "../../../src/diff/cells/key-cells.js";
import type { KeyEntry } from "../../../src/diff/cells/key-cells.js";
import { evaluateCondition } from "../../../src/engine/access/index.js";
import type { ContextEntry } from "../../../src/engine/access/index.js";
import { parseIp } from "../../../src/engine/match/index.js";

const answers = (entries: readonly KeyEntry[], context: Record<string, ContextEntry>) =>
  entries.map((e) => String(evaluateCondition({ [e.operator]: { [e.spelling]: e.values } }, context))).join(",");

/** Every value of `values` (and lists of two of them, and missing) answers like some cell. */
function covered(entries: KeyEntry[], values: ContextEntry[]): void {
  const p = partitionKey(entries[0]!.spelling.toLowerCase(), entries);
  expect(p.unsupported).toEqual([]);
  const cells = new Set(p.cells.map((c) => c.results.map(String).join(",")));
  const key = entries[0]!.spelling;
  const tried: Array<Record<string, ContextEntry>> = [{}, ...values.map((v) => ({ [key]: v }))];
  for (const a of values) for (const b of values) if (!Array.isArray(a) && !Array.isArray(b)) tried.push({ [key]: [a, b] as ContextEntry });
  for (const ctx of tried) expect(cells, JSON.stringify(ctx)).toContain(answers(entries, ctx));
  // and each cell's own context answers as recorded
  for (const c of p.cells) expect(answers(entries, c.fragment)).toBe(c.results.map(String).join(","));
}

const operatorArb = (ops: string[], values: fc.Arbitrary<unknown>) =>
  fc.array(fc.record({ operator: fc.constantFrom(...ops), values }), { minLength: 1, maxLength: 3 });

describe("partitionKey", () => {
  it("IP ranges: both spellings, edges and gaps", () => {
    fc.assert(
      fc.property(
        operatorArb(["IpAddress", "NotIpAddress", "IpAddressIfExists", "ForAnyValue:IpAddress", "ForAllValues:NotIpAddress"], fc.constantFrom("10.0.0.0/8", "10.1.0.0/16", "192.168.1.0/24", "::ffff:10.0.0.0/104", "2001:db8::/32", ["10.0.0.0/8", "172.16.0.0/12"])),
        (raw) => {
          const entries = raw.map((r) => ({ ...r, spelling: "source.ip", values: r.values as KeyEntry["values"] }));
          covered(entries, ["10.0.0.1", "10.1.2.3", "10.255.255.255", "11.0.0.0", "9.255.255.255", "192.168.1.7", "::ffff:10.1.0.1", "2001:db8::1", "2001:db9::", "::", "nonsense", 7, true]);
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });

  it("strings: literals, globs, any case, another value, and lists", () => {
    fc.assert(
      fc.property(
        operatorArb(["StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "ForAnyValue:StringEquals", "ForAllValues:StringLike", "ForAnyValue:StringNotLike", "StringEqualsIfExists", "Null"], fc.constantFrom("dba", "ops", "d*", "DBA", ["dba", "ops"], "*a", true)),
        (raw) => {
          const entries = raw.map((r) => ({ ...r, spelling: "principal.role", values: r.values as KeyEntry["values"] }));
          covered(entries, ["dba", "DBA", "Dba", "ops", "dx", "d", "xa", "a", "", "other", "true", true, 5, []]);
        },
      ),
      { numRuns: 200, seed: 4 },
    );
  });

  it("ARNs: segments, wildcards within a segment, valid and not", () => {
    fc.assert(
      fc.property(
        operatorArb(["ArnLike", "ArnNotLike", "ArnEquals", "ArnNotEquals", "ArnLikeIfExists", "ForAnyValue:ArnLike", "ForAllValues:ArnNotLike"], fc.constantFrom("arn:aws:s3:::bucket-*", "arn:aws:s3:::b?", "arn:*:sqs:*:123:q", "arn:aws:logs:*:*:log-group:*", ["arn:aws:s3:::a", "arn:aws:s3:::bucket-1"], "not-an-arn")),
        (raw) =>
          covered(raw.map((r) => ({ ...r, spelling: "aws:SourceArn", values: r.values as KeyEntry["values"] })), [
            "arn:aws:s3:::bucket-1",
            "arn:aws:s3:::bx",
            "arn:aws:s3:::a",
            "arn:aws:s3:x::bucket-1",
            "arn:aws:sqs:eu:123:q",
            "arn:gov:sqs::123:q",
            "arn:aws:logs:us:1:log-group:app:s",
            "arn:aws:s3:::bucket-:x",
            "s3://bucket",
            "arn:aws:s3::b",
            "",
          ]),
      ),
      { numRuns: 150, seed: 6 },
    );
  });

  it("numbers, dates and booleans: thresholds, between them, beyond them, unreadable values", () => {
    fc.assert(
      fc.property(
        operatorArb(["NumericLessThan", "NumericGreaterThanEquals", "NumericEquals", "NumericNotEquals", "ForAllValues:NumericLessThan"], fc.constantFrom(5, 10, "7", [1, 10])),
        (raw) => covered(raw.map((r) => ({ ...r, spelling: "level", values: r.values as KeyEntry["values"] })), [0, 1, 4, 5, 6, 7, 8, 10, 11, "5", "x", true, -3]),
      ),
      { numRuns: 150, seed: 5 },
    );
    covered(
      [
        { operator: "DateGreaterThan", spelling: "t", values: "2025-01-01T00:00:00Z" },
        { operator: "DateLessThanEquals", spelling: "t", values: 1767225600 },
      ],
      ["2024-12-31T23:59:59Z", "2025-01-01T00:00:00Z", "2025-06-01", 1767225600, 1767225601, "soon"],
    );
    covered([{ operator: "Bool", spelling: "mfa", values: true }], [true, false, "true", "FALSE", "maybe", 1]);
  });

  it("says when a key mixes operator families or spellings (the comparison is then not proven)", () => {
    expect(partitionKey("k", [{ operator: "StringEquals", spelling: "k", values: "10" }, { operator: "NumericLessThan", spelling: "k", values: 5 }]).unsupported.join()).toMatch(/string and numeric/);
    expect(partitionKey("role", [{ operator: "StringEquals", spelling: "role", values: "a" }, { operator: "StringEquals", spelling: "Role", values: "a" }]).unsupported.join()).toMatch(/written 2 ways/);
  });

  it("names cells for people", () => {
    const p = partitionKey("source.ip", [{ operator: "IpAddress", spelling: "source.ip", values: ["10.0.0.0/8", "172.16.0.0/12"] }]);
    const phrases = p.cells.flatMap((c) => c.phrases);
    expect(phrases).toEqual(expect.arrayContaining(["missing", "in 10.0.0.0/8", "in 172.16.0.0/12", "outside 10.0.0.0/8 and 172.16.0.0/12", "not a valid IP address"]));
    const nested = partitionKey("source.ip", [{ operator: "IpAddress", spelling: "source.ip", values: ["10.0.0.0/8", "10.1.0.0/16", "192.168.0.0/16"] }]);
    expect(nested.cells.flatMap((c) => c.phrases)).toContain("in 10.0.0.0/8 (not 10.1.0.0/16)");
    expect(describeValues("principal.role", ["missing"])).toBe("no principal.role");
    expect(describeValues("source.ip", ["in 10.0.0.0/8", "missing"])).toBe("source.ip in 10.0.0.0/8 or missing");
  });
});

describe("ipCandidates", () => {
  it("formats IPv6 addresses that parse back to the same value", () => {
    for (const text of ipCandidates(["10.0.0.0/8", "2001:db8::/32", "::/0", "::ffff:0:0/96", "fe80::1/128"])) expect(parseIp(text), text).toBeDefined();
    expect(formatIpv6(0n)).toBe("::");
    expect(formatIpv6((0x20010db8n << 96n) | 1n)).toBe("2001:db8::1");
    expect(formatIpv6((0xffffn << 32n) | 0x0a000001n)).toBe("::ffff:10.0.0.1");
  });
});
