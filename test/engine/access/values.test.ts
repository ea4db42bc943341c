import { describe, expect, it } from "vitest";
import { toBool, toEpochMillis, toNumber } from "../../../src/engine/access/index.js";

describe("toNumber", () => {
  it.each([
    [5, 5],
    [-2.5, -2.5],
    ["10", 10],
    ["-2.5", -2.5],
    ["+3", 3],
    [".5", 0.5],
    ["1e3", 1000],
    ["7.", 7],
  ])("%j → %j", (input, expected) => {
    expect(toNumber(input)).toBe(expected);
  });
  it.each([Number.NaN, Number.POSITIVE_INFINITY, "", " 1", "1 ", "0x10", "abc", "1e999", "Infinity", true, "1,5"])("%j → undefined", (input) => {
    expect(toNumber(input)).toBeUndefined();
  });
});

describe("toBool", () => {
  it("reads booleans and their string forms", () => {
    expect(toBool(true)).toBe(true);
    expect(toBool(false)).toBe(false);
    expect(toBool("true")).toBe(true);
    expect(toBool("FALSE")).toBe(false);
  });
  it.each(["yes", "1", "", 1, 0])("%j → undefined", (input) => {
    expect(toBool(input)).toBeUndefined();
  });
});

describe("toEpochMillis", () => {
  it("reads ISO-8601 dates and date-times as UTC unless an offset is given", () => {
    expect(toEpochMillis("2024-12-02")).toBe(Date.UTC(2024, 11, 2));
    expect(toEpochMillis("2024-12-02T10:20:30Z")).toBe(Date.UTC(2024, 11, 2, 10, 20, 30));
    expect(toEpochMillis("2024-12-02T10:20:30")).toBe(Date.UTC(2024, 11, 2, 10, 20, 30));
    expect(toEpochMillis("2024-12-02T10:20")).toBe(Date.UTC(2024, 11, 2, 10, 20));
    expect(toEpochMillis("2024-12-02T10:20:30.5Z")).toBe(Date.UTC(2024, 11, 2, 10, 20, 30, 500));
    expect(toEpochMillis("2024-12-02T10:20:30.123456Z")).toBe(Date.UTC(2024, 11, 2, 10, 20, 30, 123));
    expect(toEpochMillis("2024-12-02T12:20:30+02:00")).toBe(Date.UTC(2024, 11, 2, 10, 20, 30));
    expect(toEpochMillis("2024-12-02T08:20:30-0200")).toBe(Date.UTC(2024, 11, 2, 10, 20, 30));
    expect(toEpochMillis("2024-02-29")).toBe(Date.UTC(2024, 1, 29));
    expect(toEpochMillis("0050-01-01")).toBe(new Date("0050-01-01T00:00:00.000Z").getTime());
    expect(toEpochMillis("0000-02-29")).toBe(new Date("0000-02-29T00:00:00.000Z").getTime());
    expect(toEpochMillis("2000-02-29T23:59:59.999+23:59")).toBe(Date.UTC(2000, 1, 29, 0, 0, 59, 999));
  });
  it("reads epoch seconds as numbers or digit strings", () => {
    expect(toEpochMillis(1_700_000_000)).toBe(1_700_000_000_000);
    expect(toEpochMillis("1700000000")).toBe(1_700_000_000_000);
    expect(toEpochMillis(0)).toBe(0);
  });
  it.each(["2023-02-29", "1900-02-29", "2024-13-01", "2024-00-10", "2024-01-00", "2024-04-31", "2024-12-02T10:00+23:60", "2024-12-02T24:00:00Z", "2024-12-02T10:60", "2024-12-02T10:00:61Z", "2024-12-02Z", "yesterday", "", "2024/12/02", true, Number.NaN, "2024-12-02T10:00+25:00"])(
    "%j → undefined",
    (input) => {
      expect(toEpochMillis(input)).toBeUndefined();
    },
  );
});
