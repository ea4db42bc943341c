import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatDuration,
  formatMoney,
  formatSize,
  parseDuration,
  parseMoney,
  parseSize,
} from "../../../src/model/values/units.js";

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const W = 7 * D;
const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;
const TB = 1024 * GB;

function expectOk<T>(r: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!r.ok) throw new Error(`expected ok, got: ${r.message}`);
  return r.value;
}

function expectFail(r: { ok: true; value: unknown } | { ok: false; message: string }): string {
  if (r.ok) throw new Error(`expected a failure, got value ${String(r.value)}`);
  return r.message;
}

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["0ms", 0],
    ["0s", 0],
    ["600s", 600 * S],
    ["45m", 45 * M],
    ["12h", 12 * H],
    ["30d", 30 * D],
    ["2w", 2 * W],
    ["1.5h", 1.5 * H],
    ["1.1s", 1100],
    ["0.25s", 250],
    ["2ms", 2],
    ["007s", 7 * S],
    ["1h30m", H + 30 * M],
    ["2d12h", 2 * D + 12 * H],
    ["1m30s", M + 30 * S],
    ["1s500ms", 1500],
    ["1w1d1h1m1s1ms", W + D + H + M + S + 1],
    ["1.5h30m", 2 * H],
  ])("accepts %j as %d ms", (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });

  it.each([
    "10 minutes",
    "",
    "30",
    "1.",
    ".5s",
    "s",
    "-5m",
    "+5m",
    " 5s",
    "5s ",
    "5 s",
    "5D",
    "5min",
    "5sec",
    "5y",
    "1h 30m",
    "30m1h",
    "1h1h",
    "1h30",
    "1,5h",
    "1e3ms",
    "0.5ms",
    "1.0005s",
    "Infinitys",
    "99999999999999999999w",
  ])("rejects %j", (text) => {
    const message = expectFail(parseDuration(text));
    expect(message.startsWith("bad duration ")).toBe(true);
    expect(message).toContain(JSON.stringify(text));
  });

  it.each([30, null, undefined, true, [], {}])("rejects the non-string %j", (value) => {
    expect(expectFail(parseDuration(value))).toMatch(/^bad duration /);
  });

  it("says what was expected and what was got", () => {
    expect(expectFail(parseDuration("10 minutes"))).toBe(
      'bad duration "10 minutes": expected a number and a unit (ms, s, m, h, d, w), e.g. "30d"',
    );
    expect(expectFail(parseDuration("30"))).toBe(
      'bad duration "30": missing unit; expected a number and a unit (ms, s, m, h, d, w), e.g. "30d"',
    );
    expect(expectFail(parseDuration("-5m"))).toBe(
      'bad duration "-5m": must not be negative; expected a number and a unit (ms, s, m, h, d, w), e.g. "30d"',
    );
    expect(expectFail(parseDuration("5D"))).toBe(
      'bad duration "5D": unknown unit "D" (did you mean "d"?); expected a number and a unit (ms, s, m, h, d, w), e.g. "30d"',
    );
    expect(expectFail(parseDuration("30m1h"))).toBe(
      'bad duration "30m1h": units must go from the largest to the smallest, each at most once, e.g. "1h30m"',
    );
    expect(expectFail(parseDuration("0.5ms"))).toBe('bad duration "0.5ms": not a whole number of milliseconds');
    expect(expectFail(parseDuration(30))).toBe(
      'bad duration 30: got a bare number, write it as a string with a unit; expected a number and a unit (ms, s, m, h, d, w), e.g. "30d"',
    );
  });

  it("rejects results beyond the safe integer range", () => {
    expect(expectFail(parseDuration("99999999999999999999w"))).toContain("too large");
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [500, "500ms"],
    [600 * S, "10m"],
    [H + 30 * M, "1h30m"],
    [30 * D, "4w2d"],
    [2 * W, "2w"],
    [1500, "1s500ms"],
  ])("formats %d as %j", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each([-1, 1.5, Number.NaN, Infinity, Number.MAX_SAFE_INTEGER + 1])("throws a RangeError for %d", (ms) => {
    expect(() => formatDuration(ms)).toThrow(RangeError);
  });

  it("round-trips: parseDuration(formatDuration(ms)) === ms", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (ms) => {
        expect(expectOk(parseDuration(formatDuration(ms)))).toBe(ms);
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips whole numbers of each unit in their single-unit form", () => {
    fc.assert(
      fc.property(fc.nat({ max: 1_000_000 }), fc.constantFrom(["ms", 1], ["s", S], ["m", M], ["h", H], ["d", D], ["w", W] as const), (n, [unit, size]) => {
        expect(expectOk(parseDuration(`${n}${unit}`))).toBe(n * size);
      }),
    );
  });
});

describe("parseSize", () => {
  it.each([
    ["100B", 100],
    ["0B", 0],
    ["512KB", 512 * KB],
    ["1.5MB", 1.5 * MB],
    ["8GB", 8 * GB],
    ["2TB", 2 * TB],
    ["0.5KB", 512],
    ["1KiB", KB],
    ["64MiB", 64 * MB],
    ["4GiB", 4 * GB],
    ["1TiB", TB],
    ["1.25GiB", 1.25 * GB],
  ])("accepts %j as %d bytes", (text, bytes) => {
    expect(parseSize(text)).toEqual({ ok: true, value: bytes });
  });

  it.each([
    "8 GB",
    "",
    "512",
    "-1KB",
    "+1KB",
    "8gb",
    "8G",
    "8Gi",
    "8kb",
    "8Kb",
    "8PB",
    "8bytes",
    "1.5B",
    "0.1KB",
    "1,5MB",
    "KB",
    ".5KB",
    "99999999999TB",
  ])("rejects %j", (text) => {
    const message = expectFail(parseSize(text));
    expect(message).toMatch(/^bad size /);
    expect(message).toContain(JSON.stringify(text));
  });

  it("says what was expected and what was got", () => {
    const expected =
      'expected a number and a unit (B, KB, MB, GB, TB, where 1 KB = 1024 bytes, or KiB, MiB, GiB, TiB), e.g. "512KB"';
    expect(expectFail(parseSize("8 GB"))).toBe(`bad size "8 GB": ${expected}`);
    expect(expectFail(parseSize("8gb"))).toBe(`bad size "8gb": unknown unit "gb" (did you mean "GB"?); ${expected}`);
    expect(expectFail(parseSize("8Gi"))).toBe(`bad size "8Gi": unknown unit "Gi" (did you mean "GiB"?); ${expected}`);
    expect(expectFail(parseSize("512"))).toBe(`bad size "512": missing unit; ${expected}`);
    expect(expectFail(parseSize("1.5B"))).toBe('bad size "1.5B": not a whole number of bytes');
  });

  it("treats KB and KiB alike (1024 bytes)", () => {
    fc.assert(
      fc.property(fc.nat({ max: 4096 }), fc.constantFrom("K", "M", "G", "T"), (n, p) => {
        expect(parseSize(`${n}${p}B`)).toEqual(parseSize(`${n}${p}iB`));
      }),
    );
  });
});

describe("formatSize", () => {
  it.each([
    [0, "0B"],
    [100, "100B"],
    [1000, "1000B"],
    [KB, "1KB"],
    [1536, "1.5KB"],
    [512 * KB, "512KB"],
    [1.25 * MB, "1.25MB"],
    [8 * GB, "8GB"],
    [2 * TB, "2TB"],
    [1025, "1025B"],
  ])("formats %d as %j", (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  it.each([-1, 0.5, Number.NaN])("throws a RangeError for %d", (bytes) => {
    expect(() => formatSize(bytes)).toThrow(RangeError);
  });

  it("round-trips: parseSize(formatSize(bytes)) === bytes", () => {
    const sizes = fc.oneof(
      fc.maxSafeNat(),
      fc.tuple(fc.nat({ max: 100_000 }), fc.constantFrom(1, KB, MB, GB, TB)).map(([n, u]) => n * u),
      fc.tuple(fc.nat({ max: 10_000 }), fc.constantFrom(KB / 4, MB / 4, GB / 4)).map(([n, u]) => n * u),
    ).filter((n) => Number.isSafeInteger(n));
    fc.assert(
      fc.property(sizes, (bytes) => {
        expect(expectOk(parseSize(formatSize(bytes)))).toBe(bytes);
      }),
      { numRuns: 500 },
    );
  });
});

describe("parseMoney", () => {
  it.each([
    ["$10.00", 1000],
    ["$5", 500],
    ["$0.50", 50],
    ["$0.5", 50],
    ["$0", 0],
    ["$0.01", 1],
    ["$1234.56", 123456],
    ["$1000000", 100000000],
  ])("accepts %j as %d cents", (text, cents) => {
    expect(parseMoney(text)).toEqual({ ok: true, value: cents });
  });

  it.each([
    "10.00",
    "10",
    "",
    "$",
    "$5.",
    "$.5",
    "$ 5",
    "$5 ",
    "$1,000",
    "$1,000.00",
    "$1.005",
    "$0.001",
    "-$5",
    "$-5",
    "€5",
    "USD 5",
    "5$",
    "$5.00 USD",
    "$1e3",
    "$999999999999999999",
  ])("rejects %j", (text) => {
    const message = expectFail(parseMoney(text));
    expect(message).toMatch(/^bad amount /);
    expect(message).toContain(JSON.stringify(text));
  });

  it("says what was expected and what was got", () => {
    const expected = 'expected "$" and an amount with at most two decimals, e.g. "$10.00"';
    expect(expectFail(parseMoney("$1,000.00"))).toBe(
      `bad amount "$1,000.00": thousands separators are not allowed; ${expected}`,
    );
    expect(expectFail(parseMoney("$1.005"))).toBe(`bad amount "$1.005": more than two decimals; ${expected}`);
    expect(expectFail(parseMoney("10.00"))).toBe(`bad amount "10.00": missing "$"; ${expected}`);
    expect(expectFail(parseMoney("€5"))).toBe(`bad amount "€5": only "$" amounts are supported; ${expected}`);
    expect(expectFail(parseMoney(10))).toMatch(/^bad amount 10: /);
  });
});

describe("formatMoney", () => {
  it.each([
    [0, "$0.00"],
    [5, "$0.05"],
    [50, "$0.50"],
    [1000, "$10.00"],
    [123456, "$1234.56"],
  ])("formats %d as %j", (cents, text) => {
    expect(formatMoney(cents)).toBe(text);
  });

  it.each([-1, 0.5, Infinity])("throws a RangeError for %d", (cents) => {
    expect(() => formatMoney(cents)).toThrow(RangeError);
  });

  it("round-trips: parseMoney(formatMoney(cents)) === cents", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (cents) => {
        expect(expectOk(parseMoney(formatMoney(cents)))).toBe(cents);
      }),
      { numRuns: 500 },
    );
  });
});

describe("all messages", () => {
  it("start in lower case", () => {
    for (const r of [parseDuration("x"), parseSize("x"), parseMoney("x"), parseDuration("30m1h"), parseSize("1.5B")]) {
      expect(expectFail(r)).toMatch(/^[a-z]/);
    }
  });
});
