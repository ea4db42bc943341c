import { describe, expect, it } from "vitest";
import * as regex from "../../../src/lint/regex/index.js";
import * as values from "../../../src/model/values/index.js";

describe("model/values and lint/regex public API", () => {
  it("re-exports every parser and helper", () => {
    for (const name of [
      "parseDuration",
      "parseSize",
      "parseMoney",
      "formatDuration",
      "formatSize",
      "formatMoney",
      "parseTimeOfDay",
      "validateTimezone",
      "parseIsoDate",
      "parsePolicyVersion",
    ] as const) {
      expect(typeof values[name], name).toBe("function");
    }
    for (const name of ["checkRegex", "isSafeRegex", "toJsRegExp", "splitInlineFlags", "backtrackingRisk"] as const) {
      expect(typeof regex[name], name).toBe("function");
    }
    expect(values.KNOWN_POLICY_VERSIONS).toEqual(["2024-12-02"]);
    expect(values.DURATION_UNITS.map(([u]) => u)).toEqual(["w", "d", "h", "m", "s", "ms"]);
    expect(values.SIZE_UNITS.map(([u]) => u)).toContain("KiB");
  });

  it("returns the same result shape everywhere", () => {
    const results: values.ValueResult<unknown>[] = [
      values.parseDuration("30d"),
      values.parseSize("8GB"),
      values.parseMoney("$10.00"),
      values.parseTimeOfDay("09:30"),
      values.validateTimezone("UTC"),
      values.parseIsoDate("2024-12-31"),
      values.parsePolicyVersion("2024-12-02"),
    ];
    for (const r of results) expect(r).toMatchObject({ ok: true });
    for (const r of [values.parseDuration("x"), values.parseSize("x"), values.parseMoney("x"), values.parseIsoDate("x")]) {
      expect(r).toEqual({ ok: false, message: expect.stringMatching(/^[a-z].*: /) });
    }
  });
});
