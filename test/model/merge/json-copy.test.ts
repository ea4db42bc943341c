import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonCopy } from "../../../src/model/merge/json-copy.js";

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value) as string);

/** Whatever the two did: the same value (deep, own keys and prototypes) or the same kind of error. */
function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { threw: (e as Error).constructor.name };
  }
}

describe("jsonCopy", () => {
  it("is JSON.parse(JSON.stringify(value)) on any value", () => {
    const leaf = fc.oneof(
      fc.string(),
      fc.double(),
      fc.constantFrom(0, -0, NaN, Infinity, -Infinity, null, true, false, undefined, 1n, () => 1, Symbol("s"), new Date(0), "__proto__"),
    );
    const key = fc.oneof(fc.string(), fc.constantFrom("__proto__", "toJSON", "constructor", "0", "10", "-1", "a"));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("tree")), fc.dictionary(key, tie("tree")), fc.sparseArray(tie("tree"))),
    }));
    fc.assert(
      fc.property(tree, (value) => {
        const a = outcome(() => jsonCopy(value));
        const b = outcome(() => roundTrip(value));
        // node's deep equality: own keys, prototypes, -0 apart from 0 (an own "constructor" key confuses toStrictEqual)
        expect(isDeepStrictEqual(a, b), JSON.stringify(b)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it("keeps __proto__ an own key, never the prototype", () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": [1, {"__proto__": 2}]}') as Record<string, unknown>;
    const copied = jsonCopy(value);
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(Object.keys(copied)).toEqual(["__proto__", "a"]);
    expect(copied).toStrictEqual(roundTrip(value));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("writes -0 as 0 and non-finite numbers as null, like JSON", () => {
    expect(Object.is(jsonCopy(-0), 0)).toBe(true);
    expect(jsonCopy([NaN, Infinity, -0, undefined])).toStrictEqual([null, null, 0, null]);
    expect(jsonCopy({ a: undefined, b: 1 })).toStrictEqual({ b: 1 });
  });
});
