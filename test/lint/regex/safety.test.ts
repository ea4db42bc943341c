import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  backtrackingRisk,
  checkRegex,
  isSafeRegex,
  splitInlineFlags,
  toJsRegExp,
} from "../../../src/lint/regex/safety.js";
import { anchored, attackString, findSlowInput, timeTest, type Attack } from "./empirical.js";

interface Dangerous {
  pattern: string;
  /** A word the risk message must contain. */
  shape: "nested quantifiers" | "overlapping alternatives" | "adjacent quantifiers";
  attack: Attack;
  /** Time the pattern as written instead of anchored on both ends (for polynomial shapes). */
  unanchored?: boolean;
}

const r = String.raw;

const DANGEROUS: Dangerous[] = [
  { pattern: r`(a+)+`, shape: "nested quantifiers", attack: { pump: "a", suffix: "!" } },
  { pattern: r`(a*)*`, shape: "nested quantifiers", attack: { pump: "a", suffix: "!" } },
  { pattern: r`(\w+\s?)*`, shape: "nested quantifiers", attack: { pump: "a", suffix: "!" } },
  { pattern: r`(.*a){10}`, shape: "nested quantifiers", attack: { pump: "a", suffix: "!" } },
  { pattern: r`(a|a)*`, shape: "overlapping alternatives", attack: { pump: "a", suffix: "!" } },
  { pattern: r`(\d+|\d+\.)*`, shape: "nested quantifiers", attack: { pump: "1", suffix: "!" } },
  { pattern: r`(?:\r\n|\r|\n)+`, shape: "overlapping alternatives", attack: { pump: "\r\n", suffix: "!" } },
  { pattern: r`(x+x+)+y`, shape: "nested quantifiers", attack: { pump: "x", suffix: "" } },
  { pattern: r`(\w|\d)+`, shape: "overlapping alternatives", attack: { pump: "1", suffix: "!" } },
  { pattern: r`^(([a-z])+.)+[A-Z]([a-z])+$`, shape: "nested quantifiers", attack: { pump: "a", suffix: "!" } },
  { pattern: r`(a|aa)+`, shape: "overlapping alternatives", attack: { pump: "a", suffix: "!" } },
  { pattern: r`^[a-z]+(-?[a-z]+)*$`, shape: "nested quantifiers", attack: { pump: "a", suffix: "!" } },
  { pattern: r`(?i)(a+)+b`, shape: "nested quantifiers", attack: { pump: "A", suffix: "" } },
  { pattern: r`([a-zA-Z0-9]+)*@`, shape: "nested quantifiers", attack: { pump: "a", suffix: "" } },
  { pattern: r`(a{1,3})+`, shape: "nested quantifiers", attack: { pump: "a", suffix: "!" } },
  { pattern: r`(.*,)*x`, shape: "nested quantifiers", attack: { pump: ",", suffix: "" } },
  { pattern: r`(?:\s|\t)+$`, shape: "overlapping alternatives", attack: { pump: "\t", suffix: "!" } },
  { pattern: r`(.+)+x`, shape: "nested quantifiers", attack: { pump: "a", suffix: "" } },
  { pattern: r`(\s*#[^\n]*)*`, shape: "nested quantifiers", attack: { pump: "#", suffix: "\n!" } },
  { pattern: r`^(\d+,?)+$`, shape: "nested quantifiers", attack: { pump: "1", suffix: "!" } },
  { pattern: r`(\p{L}+\d?)*`, shape: "nested quantifiers", attack: { pump: "é", suffix: "!" } },
  { pattern: r`((a|a)b)*`, shape: "overlapping alternatives", attack: { pump: "ab", suffix: "!" } },
  { pattern: r`(a*b*)*c`, shape: "nested quantifiers", attack: { pump: "a", suffix: "" } },
  { pattern: r`(?s)(\w+\s*)+$`, shape: "nested quantifiers", attack: { pump: "a", suffix: "!" } },
  { pattern: r`\d+\d+x`, shape: "adjacent quantifiers", attack: { pump: "1", suffix: "" }, unanchored: true },
  { pattern: r`.*.*=.*`, shape: "adjacent quantifiers", attack: { pump: "a", suffix: "" }, unanchored: true },
];

const SAFE: string[] = [
  r`^[a-z]+$`,
  r`(?i)api_key=`,
  r`\b\d{3}-\d{2}-\d{4}\b`,
  r`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`,
  r`sk-[A-Za-z0-9]{20,}`,
  r`(foo|bar)+`,
  r`(ab)+`,
  r`^[a-z0-9]+(?:-[a-z0-9]+)*$`,
  r`"(?:[^"\\]|\\.)*"`,
  r`(\d+\.){3}\d+`,
  r`AKIA[0-9A-Z]{16}`,
  r`-----BEGIN [A-Z ]+PRIVATE KEY-----`,
  r`(?im)^password\s*[:=]\s*\S+`,
  r`ghp_[A-Za-z0-9]{36}`,
  r`\b(?:\d[ -]*?){13,16}\b`,
  r`xox[baprs]-[0-9a-zA-Z-]+`,
  r`(a|ab)*`,
  r`(foo|fo)*`,
  r`"(?:[^"]|\\")*"`,
  r`(?:[^\n]*\n)*`,
  r`(ab+)+`,
  r`([a-f0-9]{2})+`,
  r`^https?://[^\s/$.?#].[^\s]*$`,
  r`(\w+[-.])*\w+@`,
  r`(?:<br>|<p>)+`,
  r`(\s*,\s*\w+)*`,
  r`eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`,
  r`\p{Lu}\p{Ll}+`,
  r`(?:\d{1,3}\.){3}\d{1,3}`,
  r`^(?:[a-z0-9-]+\.)+[a-z]{2,}$`,
  r`(?s)BEGIN.*?END`,
  r`\bpassword\b`,
  r``,
];

describe("checkRegex: dangerous patterns", () => {
  it.each(DANGEROUS.map((d) => [d.pattern, d] as const))("flags %s", (_p, d) => {
    const res = checkRegex(d.pattern);
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    expect(res.risk).toBeDefined();
    expect(res.risk).toContain(d.shape);
    expect(res.risk).toMatch(/backtrack/);
    expect(res.risk).toMatch(/^[a-z]/);
    expect(isSafeRegex(d.pattern)).toBe(false);
  });

  it("has at least 15 entries", () => {
    expect(DANGEROUS.length).toBeGreaterThanOrEqual(15);
  });

  it("explains the risk", () => {
    expect(checkRegex(r`(a+)+`)).toMatchObject({
      ok: true,
      risk: 'nested quantifiers: "(a+)+" repeats "a+", which can match the same characters as a whole repetition, so a failing match can backtrack exponentially',
    });
    expect(checkRegex(r`(.*a){10}`)).toMatchObject({
      risk: 'nested quantifiers: "(.*a){10}" repeats ".*", which can match the same characters as a whole repetition, so a failing match can backtrack polynomially (with degree up to 10) in the input length',
    });
    expect(checkRegex(r`(a|a)*`)).toMatchObject({
      risk: 'overlapping alternatives: "a" and "a" in "(a|a)*" can match the same text, so a failing match can backtrack exponentially',
    });
    expect(checkRegex(r`(?:\r\n|\r|\n)+`)).toMatchObject({
      risk: 'overlapping alternatives: in "(?:\\r\\n|\\r|\\n)+", a match of "\\r" can also be the start of "\\r\\n" while the rest starts another repetition, so a failing match can backtrack exponentially',
    });
    expect(checkRegex(r`\d+\d+x`)).toMatchObject({
      risk: 'adjacent quantifiers: "\\d+" and "\\d+" can match the same characters and something must follow them, so a failing match can backtrack in polynomial time',
    });
  });
});

describe("checkRegex: safe patterns", () => {
  it.each(SAFE)("does not flag %s", (pattern) => {
    const res = checkRegex(pattern);
    expect(res).toMatchObject({ ok: true });
    if (res.ok) expect(res.risk).toBeUndefined();
    expect(isSafeRegex(pattern)).toBe(true);
  });

  it("has at least 15 entries", () => {
    expect(SAFE.length).toBeGreaterThanOrEqual(15);
  });

  it("does not flag adjacent quantifiers without a required suffix", () => {
    expect(isSafeRegex(r`\d+\d+`)).toBe(true);
    expect(isSafeRegex(r`\s*\S+x`)).toBe(true);
  });
});

describe("empirical confirmation (timing; test-only helper)", () => {
  // A dangerous pattern reaches 10 ms on an input of moderate length, where a linear pattern
  // stays far below. Thresholds are generous so a slow CI machine only makes this faster to pass.
  const baseline = /^[a-z]+$/;
  it.each(DANGEROUS.map((d) => [d.pattern, d] as const))("%s is slow on a crafted input", (_p, d) => {
    const compiled = toJsRegExp(d.pattern);
    const re = d.unanchored ? compiled : anchored(compiled);
    const slow = findSlowInput(re, d.attack, { thresholdMs: 10, maxLength: 20_000 });
    expect(slow, "no input up to 20000 characters took 10 ms").toBeDefined();
    if (!slow) return;
    expect(timeTest(baseline, slow.input, 3)).toBeLessThan(slow.ms / 5);
  });

  it.each([
    [r`(a|ab)*`, { pump: "a", suffix: "!" }],
    [r`(a|ab)*`, { pump: "ab", suffix: "!" }],
    [r`(ab+)+`, { pump: "ab", suffix: "!" }],
    [r`(foo|bar)+`, { pump: "foo", suffix: "!" }],
    [r`^[a-z0-9]+(?:-[a-z0-9]+)*$`, { pump: "a-", suffix: "!" }],
    [r`"(?:[^"\\]|\\.)*"`, { prefix: '"', pump: "\\", suffix: "" }],
    [r`"(?:[^"]|\\")*"`, { prefix: '"', pump: '\\"', suffix: "" }],
    [r`(?:[^\n]*\n)*`, { pump: "a\n", suffix: "" }],
  ] as [string, Attack][])("safe %s stays fast on a long crafted input", (pattern, attack) => {
    const re = anchored(toJsRegExp(pattern));
    const input = attackString(attack, Math.ceil(10_000 / attack.pump.length));
    expect(timeTest(re, input, 3)).toBeLessThan(20);
  });
});

describe("toJsRegExp and splitInlineFlags", () => {
  it.each([
    ["(?i)api_key=", "api_key=", "i"],
    ["(?s)a.b", "a.b", "s"],
    ["(?m)^x$", "^x$", "m"],
    ["(?im)^x", "^x", "im"],
    ["(?mi)^x", "^x", "im"],
    ["(?i)(?s)x", "x", "is"],
    ["(?ims)x", "x", "ims"],
    ["x(?i)", "x(?i)", ""],
    ["(?:i)x", "(?:i)x", ""],
    [r`\p{L}+`, r`\p{L}+`, "u"],
    [r`(?i)\p{Lu}`, r`\p{Lu}`, "iu"],
  ])("%s → /%s/%s", (pattern, source, flags) => {
    expect(splitInlineFlags(pattern)).toEqual({ source, flags });
  });

  it("applies the converted flags", () => {
    expect(toJsRegExp("(?i)api_key=").test("API_KEY=123")).toBe(true);
    expect(toJsRegExp("api_key=").test("API_KEY=123")).toBe(false);
    expect(toJsRegExp("(?s)a.b").test("a\nb")).toBe(true);
    expect(toJsRegExp("(?m)^x$").test("a\nx\nb")).toBe(true);
    expect(toJsRegExp("(?im)^X$").test("a\nx\nb")).toBe(true);
    expect(toJsRegExp(r`\p{Lu}`).test("É")).toBe(true);
  });

  it("adds extra flags once", () => {
    expect(toJsRegExp("(?i)a", "gi").flags).toBe("gi");
    expect(toJsRegExp("a", "g").global).toBe(true);
  });

  it("throws a SyntaxError on invalid patterns", () => {
    expect(() => toJsRegExp("(a")).toThrow(SyntaxError);
    expect(() => toJsRegExp("(?x)a")).toThrow(SyntaxError);
  });
});

describe("checkRegex: invalid patterns", () => {
  it.each(["(a", "a)", "[", "*", "a**", "+a", "(?P<x>a)", "a(?i)b", "(?x)a", "(?<n>a)(?<n>b)", "\\", "a{2,1}", "(?<=a", r`\p{Nope}`])(
    "rejects %j",
    (pattern) => {
      const res = checkRegex(pattern);
      expect(res.ok).toBe(false);
      if (!res.ok) {
        expect(res.message).toMatch(/^invalid regex "/);
        expect(res.message).toContain(`"${pattern}"`);
        expect(res.message).toContain("expected a JavaScript regular expression");
      }
    },
  );

  it("says what was expected and what was got", () => {
    expect(checkRegex("(a")).toEqual({
      ok: false,
      message: 'invalid regex "(a": unterminated group; expected a JavaScript regular expression',
    });
    expect(checkRegex("a(?i)b")).toEqual({
      ok: false,
      message:
        'invalid regex "a(?i)b": invalid group; expected a JavaScript regular expression (inline flags are supported only at the very start, like "(?i)", "(?m)", "(?s)")',
    });
    expect(checkRegex("(?P<x>a)")).toEqual({
      ok: false,
      message:
        'invalid regex "(?P<x>a)": invalid group; expected a JavaScript regular expression (python-style named groups "(?P<name>…)" are written "(?<name>…)")',
    });
  });

  it.each([5, null, undefined, {}, ["a"]])("rejects the non-string %j", (value) => {
    const res = checkRegex(value);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.message).toMatch(/^bad regex .*: expected a string with a regular expression$/);
    expect(isSafeRegex(value as string)).toBe(false);
  });
});

describe("backtrackingRisk", () => {
  it("takes a JavaScript source and flags", () => {
    expect(backtrackingRisk("(a+)+")).toContain("nested quantifiers");
    expect(backtrackingRisk("(a|A)+", "i")).toContain("overlapping alternatives");
    expect(backtrackingRisk("(a|A)+")).toBeUndefined();
    expect(backtrackingRisk("(.|\\n)+", "s")).toContain("overlapping alternatives");
    expect(backtrackingRisk("(.|\\n)+")).toBeUndefined();
  });

  it("sees through lookarounds, named groups, lazy quantifiers and backreferences", () => {
    expect(backtrackingRisk("(?=(a+)+b)")).toContain("nested quantifiers");
    expect(backtrackingRisk("(?<word>\\w+?\\s?)*?!")).toContain("nested quantifiers");
    expect(backtrackingRisk("(a)\\1+b")).toBeUndefined();
    expect(backtrackingRisk("(?<q>['\"]).*?\\k<q>")).toBeUndefined();
  });

  it("analyzes large patterns quickly", () => {
    const words = Array.from({ length: 300 }, (_, i) => `word${i.toString(36)}x`);
    const t0 = performance.now();
    expect(backtrackingRisk(`\\b(?:${words.join("|")})+\\b`)).toBeUndefined();
    expect(backtrackingRisk(`(?:${"[a-z]{2,5}".repeat(40)})+`)).toBeDefined();
    expect(performance.now() - t0).toBeLessThan(1_500);
  });

  it("never throws, whatever the (valid) pattern", () => {
    const atom = fc.constantFrom(
      "a", "b", ".", "\\d", "\\w", "\\s", "\\b", "^", "$", "[a-c]", "[^x]", "(", ")", "(?:", "(?=", "|",
      "*", "+", "?", "{2}", "{1,3}", "{2,}", "*?", "\\1", "{", "}", "]", "-", "\\x41", "\\u0042", "\\cA",
    );
    fc.assert(
      fc.property(fc.array(atom, { maxLength: 16 }), (atoms) => {
        const pattern = atoms.join("");
        let compiles = true;
        try {
          new RegExp(pattern);
        } catch {
          compiles = false;
        }
        const res = checkRegex(pattern);
        expect(res.ok).toBe(compiles);
      }),
      { numRuns: 1000 },
    );
  });
});
