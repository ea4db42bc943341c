import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileWildcard,
  hasWildcard,
  matchWildcard,
  validateActionPattern,
  validateResourcePattern,
} from "../../../src/engine/match/index.js";

/** Obviously-correct recursive matcher over code points, the oracle for the property. */
function naive(pattern: string[], value: string[]): boolean {
  if (pattern.length === 0) return value.length === 0;
  const [p, ...rest] = pattern;
  if (p === "*") return naive(rest, value) || (value.length > 0 && naive(pattern, value.slice(1)));
  if (value.length === 0) return false;
  return (p === "?" || p === value[0]) && naive(rest, value.slice(1));
}

const both = (pattern: string, value: string, ignoreCase = false): [boolean, boolean] => [
  compileWildcard(pattern, { ignoreCase })(value),
  matchWildcard(pattern, value, ignoreCase),
];

describe("compileWildcard / matchWildcard", () => {
  const cases: Array<[string, string, boolean]> = [
    ["file:Read", "file:Read", true],
    ["file:Read", "file:ReadX", false],
    ["file:Read", "file:Rea", false],
    ["*", "", true],
    ["*", "anything:at/all", true],
    ["**", "x", true],
    ["", "", true],
    ["", "a", false],
    ["file:*", "file:", true],
    ["file:*", "file:Read:sub", true],
    ["file:*", "files:Read", false],
    ["*:Read", "db:Read", true],
    ["*:Read", "db:ReadAll", false],
    ["a*b", "ab", true],
    ["a*b", "aXXb", true],
    ["a*b", "aXXbc", false],
    ["a*a", "a", false],
    ["a*a", "aa", true],
    ["*a*", "bab", true],
    ["*a*", "bbb", false],
    ["a*b*c", "abc", true],
    ["a*b*c", "aXbYc", true],
    ["a*b*c", "acb", false],
    ["a*b*c", "abcbc", true],
    ["a*bc*bc", "abcbc", true],
    ["a*bc*bc", "abc", false],
    ["?", "a", true],
    ["?", "", false],
    ["?", "ab", false],
    ["??", "a", false],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["*?", "", false],
    ["*?", "x", true],
    ["?*?", "x", false],
    ["?*?", "xy", true],
    ["a*?c*d", "abcd", true],
    ["a*?c*d", "acd", false],
    ["file://ws/tmp/*", "file://ws/tmp/a/b.txt", true],
    ["file://ws/tmp/*", "file://ws/tmpx", false],
    ["db://prod/?sers", "db://prod/users", true],
    // regex metacharacters are literals
    ["a.c", "abc", false],
    ["a.c", "a.c", true],
    ["(a|b)+[x]$", "(a|b)+[x]$", true],
    ["^a", "a", false],
    ["a\\*", "a\\xyz", true],
    // ? is one code point, not one UTF-16 unit
    ["?", "😀", true],
    ["??", "😀", false],
    ["a?b", "a😀b", true],
    ["*?😀", "x😀", true],
    ["😀*", "😀!", true],
    ["*??", "😀", false],
    ["*??", "😀😀", true],
    // a middle segment may not overlap the anchored tail
    ["a*?*a", "aa", false],
    ["a*?*a", "aba", true],
    ["a*b*b", "ab", false],
  ];
  it.each(cases)("%j against %j → %s", (pattern, value, expected) => {
    expect(both(pattern, value)).toEqual([expected, expected]);
  });

  it("is case-sensitive unless asked", () => {
    expect(both("File:Read", "file:read")).toEqual([false, false]);
    expect(both("File:Read", "file:read", true)).toEqual([true, true]);
    expect(both("FILE:*", "file:write", true)).toEqual([true, true]);
    expect(both("*:READ?", "db:readx", true)).toEqual([true, true]);
    expect(both("db://Prod/*", "db://prod/x")).toEqual([false, false]);
  });

  it("does not backtrack catastrophically", () => {
    const value = "a".repeat(20_000);
    const pattern = `${"a*".repeat(30)}b`;
    const started = performance.now();
    expect(matchWildcard(pattern, value)).toBe(false);
    expect(compileWildcard(pattern)(value)).toBe(false);
    expect(compileWildcard(`${"?*".repeat(30)}b`)(value)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("hasWildcard", () => {
    expect(hasWildcard("a*")).toBe(true);
    expect(hasWildcard("a?")).toBe(true);
    expect(hasWildcard("a.b[c]")).toBe(false);
  });

  it("agrees with a naive recursive matcher (property)", () => {
    const char = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom("a", "*", "?") },
      { weight: 1, arbitrary: fc.constantFrom("b", ":", "/", "A", "😀") },
    );
    const valueChar = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("a", "😀") },
      { weight: 1, arbitrary: fc.constantFrom("b", ":", "/", "A", "*", "?") },
    );
    // values built from the pattern (then perhaps edited) so that near-misses are common
    const instantiate = (pattern: string[]): fc.Arbitrary<string[]> =>
      fc
        .tuple(...pattern.map((t) => (t === "*" ? fc.array(valueChar, { maxLength: 3 }) : t === "?" ? valueChar.map((c) => [c]) : fc.constant([t]))))
        .map((parts) => parts.flat());
    const edit = (value: string[]): fc.Arbitrary<string[]> =>
      fc.tuple(fc.nat(), valueChar, fc.constantFrom("none", "delete", "insert", "replace")).map(([at, c, kind]) => {
        const i = value.length === 0 ? 0 : at % value.length;
        if (kind === "delete") return [...value.slice(0, i), ...value.slice(i + 1)];
        if (kind === "insert") return [...value.slice(0, i), c, ...value.slice(i)];
        if (kind === "replace") return [...value.slice(0, i), c, ...value.slice(i + 1)];
        return value;
      });
    const pair = fc.array(char, { maxLength: 9 }).chain((p) =>
      fc.tuple(
        fc.constant(p),
        fc.oneof(fc.array(valueChar, { maxLength: 10 }), instantiate(p), instantiate(p).chain(edit)),
      ),
    );
    fc.assert(
      fc.property(pair, fc.boolean(), ([p, v], ic) => {
        const pattern = p.join("");
        const value = v.join("");
        const expected = ic
          ? naive(Array.from(pattern.toLowerCase()), Array.from(value.toLowerCase()))
          : naive(Array.from(pattern), Array.from(value));
        expect(compileWildcard(pattern, { ignoreCase: ic })(value)).toBe(expected);
        expect(matchWildcard(pattern, value, ic)).toBe(expected);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe("validateActionPattern", () => {
  it.each(["*", "file:Read", "tool:bash:execute", "data:Read*", "s?:Get", "*:Read", "a_b.c-d:X"])("accepts %j", (p) => {
    expect(validateActionPattern(p)).toBeUndefined();
  });
  it.each([
    ["", /empty/],
    ["file", /no service/],
    ["file:", /empty part/],
    [":Read", /empty part/],
    ["file::Read", /empty part/],
    ["file:Re ad", /invalid character/],
    ["file:Read/x", /invalid character/],
    ["fïle:Read", /invalid character/],
  ])("rejects %j", (p, message) => {
    expect(validateActionPattern(p)).toMatch(message);
  });
});

describe("validateResourcePattern", () => {
  it.each(["*", "file://workspace/tmp/*", "db://production/*", "https://api.example.com/*", "mcp+ws://x", "model://openai/gpt-4o"])(
    "accepts %j",
    (p) => {
      expect(validateResourcePattern(p)).toBeUndefined();
    },
  );
  it.each([
    ["", /empty/],
    ["file://a b", /whitespace/],
    ["file://a\tb", /whitespace/],
    ["File://x", /invalid scheme/],
    ["1db://x", /invalid scheme/],
    ["db:/x", /not scheme:\/\/path/],
    ["db://", /empty path/],
    ["workspace/tmp", /not scheme:\/\/path/],
  ])("rejects %j", (p, message) => {
    expect(validateResourcePattern(p)).toMatch(message);
  });
});
