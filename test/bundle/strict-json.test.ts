import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JsonSyntaxError, parseStrictJson } from "../../src/bundle/strict-json.js";

describe("parseStrictJson", () => {
  it("agrees with JSON.parse on any JSON.stringify output", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 1);
        expect(parseStrictJson(text)).toStrictEqual(JSON.parse(text));
      }),
    );
  });

  it("rejects duplicate keys, also when spelled with escapes and when nested", () => {
    for (const text of ['{"a":1,"a":2}', '{"a":1,"\\u0061":2}', '{"x":[{"k":1,"k":1}]}', '{"payload":"","payload":""}']) {
      expect(() => parseStrictJson(text), text).toThrow(JsonSyntaxError);
      expect(() => parseStrictJson(text), text).toThrow(/duplicate key/);
    }
    expect(parseStrictJson('{"a":{"a":1},"b":{"a":2}}')).toEqual({ a: { a: 1 }, b: { a: 2 } });
  });

  it("keeps __proto__ as an own key instead of setting the prototype", () => {
    const value = parseStrictJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("rejects what I-JSON forbids and what JSON never allowed", () => {
    const bad = [
      "",
      " ",
      "\ufeff{}",
      '"\\ud800"',
      '"\\udc00x"',
      "1e400",
      "[1,]",
      '{"a":1,}',
      "01",
      "+1",
      ".5",
      "NaN",
      "'a'",
      '"a\tb"',
      '"\\x41"',
      "{} {}",
      "[",
      '{"a"}',
      "tru",
    ];
    for (const text of bad) expect(() => parseStrictJson(text), JSON.stringify(text)).toThrow(JsonSyntaxError);
    expect(parseStrictJson('"\\ud83d\\ude00"')).toBe("😀");
  });

  it("reports the offset and enforces the depth limit", () => {
    try {
      parseStrictJson('{"a":1, "a":2}');
      expect.unreachable();
    } catch (e) {
      expect((e as JsonSyntaxError).offset).toBe(8);
    }
    expect(() => parseStrictJson("[[[1]]]", { maxDepth: 2 })).toThrow(/nesting deeper than 2/);
    expect(parseStrictJson("[[1]]", { maxDepth: 2 })).toEqual([[1]]);
    expect(() => parseStrictJson("[".repeat(100_000))).toThrow(JsonSyntaxError);
  });
});
