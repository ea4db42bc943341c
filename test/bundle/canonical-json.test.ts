import fc from "fast-check";
import { describe, expect, it } from "vitest";
import canonicalizeModule from "canonicalize";
import { canonicalBytes, canonicalBytesReusing, canonicalJson } from "../../src/bundle/canonical-json.js";

type Serialize = (input: unknown) => string | undefined;
/** The RFC 8785 reference implementation, the one-pass writer's oracle. */
const canonicalize: Serialize =
  typeof canonicalizeModule === "function" ? (canonicalizeModule as Serialize) : (canonicalizeModule as unknown as { default: Serialize }).default;

function fromIeee(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe("canonicalJson (RFC 8785)", () => {
  it("serialises the §3.2.2 example: numbers, string escaping, literals", () => {
    const input =
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
      '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}';
    expect(canonicalJson(JSON.parse(input))).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("sorts keys by UTF-16 code units (§3.2.3 example)", () => {
    const input = {
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis",
    };
    const out = canonicalJson(input);
    expect(out).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    // the emoji (surrogates D83D DE00) sorts before U+FB33 although its code point is larger
    expect(out.indexOf("Emoji")).toBeLessThan(out.indexOf("Hebrew"));
  });

  it("sorts nested structures", () => {
    const input = JSON.parse('{"1":{"f":{"f":"hi","F":5} ,"\\n":56.0},"10":{ },"":"empty","a":{ },"111":[ {"e":"yes","E":"no" } ],"A":{ }}');
    expect(canonicalJson(input)).toBe('{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],"A":{},"a":{}}');
  });

  it("serialises IEEE 754 numbers as Appendix B lists", () => {
    const vectors: [string, string][] = [
      ["0000000000000000", "0"],
      ["8000000000000000", "0"],
      ["0000000000000001", "5e-324"],
      ["8000000000000001", "-5e-324"],
      ["7fefffffffffffff", "1.7976931348623157e+308"],
      ["ffefffffffffffff", "-1.7976931348623157e+308"],
      ["4340000000000000", "9007199254740992"],
      ["c340000000000000", "-9007199254740992"],
      ["4430000000000000", "295147905179352830000"],
      ["44b52d02c7e14af5", "9.999999999999997e+22"],
      ["44b52d02c7e14af6", "1e+23"],
      ["44b52d02c7e14af7", "1.0000000000000001e+23"],
      ["444b1ae4d6e2ef4e", "999999999999999700000"],
      ["444b1ae4d6e2ef4f", "999999999999999900000"],
      ["444b1ae4d6e2ef50", "1e+21"],
      ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
      ["3eb0c6f7a0b5ed8d", "0.000001"],
      ["41b3de4355555553", "333333333.3333332"],
      ["41b3de4355555554", "333333333.33333325"],
      ["41b3de4355555555", "333333333.3333333"],
      ["41b3de4355555556", "333333333.3333334"],
      ["41b3de4355555557", "333333333.33333343"],
      ["becbf647612f3696", "-0.0000033333333333333333"],
      ["43143ff3c1cb0959", "1424953923781206.2"],
    ];
    for (const [ieee, expected] of vectors) expect(canonicalJson(fromIeee(ieee)), ieee).toBe(expected);
    expect(() => canonicalJson(fromIeee("7fffffffffffffff"))).toThrow(TypeError); // NaN
    expect(() => canonicalJson(fromIeee("7ff0000000000000"))).toThrow(TypeError); // Infinity
  });

  it("rejects values that are not I-JSON instead of dropping or coercing them", () => {
    const bad: unknown[] = [
      undefined,
      { a: undefined },
      [undefined],
      () => 1,
      { f() {} },
      Symbol("s"),
      10n,
      Number.NaN,
      -Infinity,
      { n: Infinity },
      "\ud800",
      { "\udc00": 1 },
      new Date(0),
      { d: new Map() },
      [1, , 3], // eslint-disable-line no-sparse-arrays
      { [Symbol("k")]: 1 },
    ];
    for (const value of bad) expect(() => canonicalJson(value), String(typeof value)).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle at \$\.self/);
    expect(() => canonicalJson({ a: [{ b: undefined }] })).toThrow(/\$\.a\[0\]\.b/);
  });

  it("accepts shared (non-cyclic) references and null-prototype objects", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const bare = Object.assign(Object.create(null) as object, { z: 1, a: 2 });
    expect(canonicalJson(bare)).toBe('{"a":2,"z":1}');
  });

  it("is idempotent and independent of key insertion order", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const once = canonicalJson(value);
        expect(canonicalJson(JSON.parse(once))).toBe(once);
        if (value !== null && typeof value === "object" && !Array.isArray(value)) {
          const reversed = Object.fromEntries(Object.entries(value).reverse());
          expect(canonicalJson(reversed)).toBe(once);
        }
      }),
    );
  });

  it("canonicalBytes are the UTF-8 of the canonical text", () => {
    expect(Array.from(canonicalBytes({ "€": 1 }))).toEqual([0x7b, 0x22, 0xe2, 0x82, 0xac, 0x22, 0x3a, 0x31, 0x7d]);
  });

  it("writes what the reference implementation (canonicalize) writes, for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.string({ unit: "grapheme" }), (value, key) => {
        const wrapped = { [key]: value, "10": value, "9": [value] };
        expect(canonicalJson(value)).toBe(canonicalize(value));
        expect(canonicalJson(wrapped)).toBe(canonicalize(wrapped));
      }),
      { numRuns: 2000 },
    );
  });

  it("throws a TypeError, never writes, for anything the reference writes but I-JSON forbids", () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true, withTypedArray: true }), (value) => {
        let text: string | undefined;
        try {
          text = canonicalJson(value);
        } catch (e) {
          expect(e).toBeInstanceOf(TypeError);
          return;
        }
        expect(text).toBe(canonicalize(value));
      }),
      { numRuns: 2000 },
    );
  });

  it("reuses the bytes of objects serialised before: the same bytes as one serialisation", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), (inner, other) => {
        const part = { inner, list: [inner] };
        const whole = { a: other, targets: part, z: [part, other] };
        const known = new Map<object, Uint8Array>([[part, canonicalBytes(part)]]);
        expect(Buffer.from(canonicalBytesReusing(whole, known)).toString("utf8")).toBe(canonicalJson(whole));
      }),
      { numRuns: 500 },
    );
    // a lone surrogate next to a reused part is still refused
    const part = { a: 1 };
    expect(() => canonicalBytesReusing({ part, bad: "\ud800" }, new Map([[part, canonicalBytes(part)]]))).toThrow(/lone surrogate in string at \$\.bad/);
  });
});
