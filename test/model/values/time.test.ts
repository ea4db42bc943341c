import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  KNOWN_POLICY_VERSIONS,
  parseIsoDate,
  parsePolicyVersion,
  parseTimeOfDay,
  validateTimezone,
} from "../../../src/model/values/time.js";
import { ACCESS_POLICY_VERSION } from "../../../src/engine/vocabulary.js";

function expectFail(r: { ok: true; value: unknown } | { ok: false; message: string }): string {
  if (r.ok) throw new Error(`expected a failure, got value ${String(r.value)}`);
  return r.message;
}

describe("parseTimeOfDay", () => {
  it.each([
    ["00:00", 0],
    ["00:01", 1],
    ["09:30", 570],
    ["12:00", 720],
    ["23:59", 1439],
  ])("accepts %j as %d minutes", (text, minutes) => {
    expect(parseTimeOfDay(text)).toEqual({ ok: true, value: minutes });
  });

  it.each(["24:00", "23:60", "9:00", "09:5", "0900", "09:00:00", "09.00", " 09:00", "09:00 ", "", "ab:cd", "-1:00", "９:00"])(
    "rejects %j",
    (text) => {
      const message = expectFail(parseTimeOfDay(text));
      expect(message).toMatch(/^bad time /);
      expect(message).toContain(JSON.stringify(text));
    },
  );

  it.each([540, null, undefined])("rejects the non-string %j", (value) => {
    expect(expectFail(parseTimeOfDay(value))).toMatch(/^bad time /);
  });

  it("says what was expected and what was got", () => {
    expect(expectFail(parseTimeOfDay("9:00"))).toBe(
      'bad time "9:00": expected "HH:MM" on a 24-hour clock, 00:00 to 23:59, e.g. "09:30"',
    );
    expect(expectFail(parseTimeOfDay("24:00"))).toBe(
      'bad time "24:00": hour 24 is out of range; expected "HH:MM" on a 24-hour clock, 00:00 to 23:59, e.g. "09:30"',
    );
    expect(expectFail(parseTimeOfDay("12:60"))).toContain("minute 60 is out of range");
  });

  it("accepts every minute of the day and gives it back", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1439 }), (minutes) => {
        const text = `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
        expect(parseTimeOfDay(text)).toEqual({ ok: true, value: minutes });
      }),
    );
  });
});

describe("validateTimezone", () => {
  it.each(["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "Etc/GMT+5", "utc"])(
    "accepts %j",
    (name) => {
      expect(validateTimezone(name)).toEqual({ ok: true, value: name });
    },
  );

  it.each(["Mars/Olympus", "Europe/Berln", "", "+02:00", "-05:00", "Berlin", "UTC+2", 1, null])("rejects %j", (name) => {
    expect(expectFail(validateTimezone(name))).toMatch(/^(bad|unknown) timezone /);
  });

  it("suggests the nearest name and says what is expected", () => {
    expect(expectFail(validateTimezone("Europe/Berln"))).toBe(
      'unknown timezone "Europe/Berln": expected "UTC" or an IANA time zone name, e.g. "Europe/Berlin" (did you mean "Europe/Berlin"?)',
    );
    expect(expectFail(validateTimezone("+02:00"))).toBe(
      'bad timezone "+02:00": got an offset; expected "UTC" or an IANA time zone name, e.g. "Europe/Berlin"',
    );
  });
});

describe("parseIsoDate", () => {
  it.each([
    ["2024-12-31", Date.UTC(2024, 11, 31)],
    ["2024-02-29", Date.UTC(2024, 1, 29)],
    ["2000-02-29", Date.UTC(2000, 1, 29)],
    ["1970-01-01", 0],
    ["1969-12-31", -86_400_000],
    ["2024-12-31T23:59Z", Date.UTC(2024, 11, 31, 23, 59)],
    ["2024-12-31T23:59:59Z", Date.UTC(2024, 11, 31, 23, 59, 59)],
    ["2024-12-31T23:59:59+02:00", Date.UTC(2024, 11, 31, 21, 59, 59)],
    ["2024-12-31T23:59:59-05:30", Date.UTC(2025, 0, 1, 5, 29, 59)],
    ["2024-12-31T23:59:59.5Z", Date.UTC(2024, 11, 31, 23, 59, 59, 500)],
    ["2024-12-31T23:59:59.123Z", Date.UTC(2024, 11, 31, 23, 59, 59, 123)],
    ["2024-12-31T23:59:59.123456789Z", Date.UTC(2024, 11, 31, 23, 59, 59, 123)],
    ["2024-12-31T00:00:00.000+00:00", Date.UTC(2024, 11, 31)],
  ])("accepts %j", (text, ms) => {
    expect(parseIsoDate(text)).toEqual({ ok: true, value: ms });
  });

  it.each([
    "2024-02-30",
    "2023-02-29",
    "1900-02-29",
    "2024-04-31",
    "2024-13-01",
    "2024-00-10",
    "2024-01-00",
    "2024-12-31T24:00:00Z",
    "2024-12-31T23:60:00Z",
    "2024-12-31T23:59:60Z",
    "2024-12-31T23:59:59+24:00",
    "2024-12-31T23:59:59",
    "2024-12-31T23:59",
    "Dec 31 2024",
    "December 31, 2024",
    "2024/12/31",
    "12/31/2024",
    "31.12.2024",
    "2024-12-31 23:59:59Z",
    "2024-12-31T23:59:59+0200",
    "2024-12-31T23:59:59 Z",
    "2024-12-31T23:59:59.Z",
    "2024-1-1",
    "24-12-31",
    "+002024-12-31",
    "2024-12-31T23Z",
    "2024",
    "2024-12",
    "Tue, 31 Dec 2024 23:59:59 GMT",
    "",
    " 2024-12-31",
  ])("rejects %j", (text) => {
    const message = expectFail(parseIsoDate(text));
    expect(message).toMatch(/^bad date /);
    expect(message).toContain(JSON.stringify(text));
  });

  it("rejects strings Date.parse would accept loosely", () => {
    for (const text of ["Dec 31 2024", "2024/12/31", "December 31, 2024", "Tue, 31 Dec 2024 23:59:59 GMT"]) {
      expect(Number.isNaN(Date.parse(text))).toBe(false);
      expect(parseIsoDate(text).ok).toBe(false);
    }
  });

  it("names the problem", () => {
    const expected =
      'expected an ISO-8601 date "YYYY-MM-DD" or date-time "YYYY-MM-DDTHH:MM:SSZ" (or with an offset like "+02:00" instead of "Z", optional fractional seconds)';
    expect(expectFail(parseIsoDate("2024-02-30"))).toBe(`bad date "2024-02-30": February 2024 has 29 days; ${expected}`);
    expect(expectFail(parseIsoDate("Dec 31 2024"))).toBe(`bad date "Dec 31 2024": ${expected}`);
    expect(expectFail(parseIsoDate("2024-12-31T23:59:59"))).toBe(
      'bad date "2024-12-31T23:59:59": a date-time needs a zone; add "Z" for UTC or an offset like "+02:00"',
    );
    expect(expectFail(parseIsoDate("2024-13-01"))).toContain("month 13 does not exist");
  });

  it("accepts Date objects and rejects other types", () => {
    expect(parseIsoDate(new Date(5))).toEqual({ ok: true, value: 5 });
    expect(parseIsoDate(new Date(Number.NaN)).ok).toBe(false);
    expect(parseIsoDate(20241231).ok).toBe(false);
  });

  it("agrees with Date.parse on every well-formed date-time", () => {
    const dateTime = fc
      .record({
        ms: fc.integer({ min: Date.UTC(1, 0, 1), max: Date.UTC(9999, 11, 31) }),
        offset: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        zulu: fc.boolean(),
      })
      .map(({ ms, offset, zulu }) => {
        const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
        if (zulu) return iso;
        const local = new Date(ms + offset * 60_000).toISOString().slice(0, -1);
        const a = Math.abs(offset);
        const zone = `${offset < 0 ? "-" : "+"}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
        return local + zone;
      })
      .filter((s) => /^\d{4}-/.test(s));
    fc.assert(
      fc.property(dateTime, (text) => {
        expect(parseIsoDate(text)).toEqual({ ok: true, value: Date.parse(text) });
      }),
      { numRuns: 500 },
    );
  });

  it("accepts exactly the real calendar dates", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (y, m, d) => {
          const text = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
          const date = new Date(Date.UTC(2000, m - 1, d));
          date.setUTCFullYear(y, m - 1, d);
          const real = date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
          const r = parseIsoDate(text);
          expect(r.ok).toBe(real);
          if (r.ok) expect(r.value).toBe(date.getTime());
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("parsePolicyVersion", () => {
  it("knows the current version", () => {
    expect(KNOWN_POLICY_VERSIONS).toContain("2024-12-02");
    expect(ACCESS_POLICY_VERSION).toBe("2024-12-02");
  });

  it("accepts the current version", () => {
    expect(parsePolicyVersion("2024-12-02")).toEqual({ ok: true, value: "2024-12-02" });
  });

  it.each(["2012-10-17", "2023-01-01", "2024-12-01", "2025-06-01"])(
    "rejects the unknown, well-formed %j naming the current version",
    (text) => {
      const message = expectFail(parsePolicyVersion(text));
      expect(message).toMatch(/^unknown Version /);
      expect(message).toContain('"2024-12-02"');
    },
  );

  it.each(["2024-02-30", "2024-13-02", "2024-1-1", "2024/12/02", "v1", "", "2024-12-02T00:00:00Z", 20241202, null])(
    "rejects the malformed %j",
    (text) => {
      const message = expectFail(parsePolicyVersion(text));
      expect(message).toMatch(/^bad Version /);
      expect(message).toContain('"2024-12-02"');
    },
  );

  it("says what was expected and what was got", () => {
    expect(expectFail(parsePolicyVersion("2023-01-01"))).toBe(
      'unknown Version "2023-01-01": expected "2024-12-02", the current version',
    );
    expect(expectFail(parsePolicyVersion("2025-06-01"))).toBe(
      'unknown Version "2025-06-01" (newer than this edict knows): expected "2024-12-02", the current version',
    );
    expect(expectFail(parsePolicyVersion("2024-02-30"))).toBe(
      'bad Version "2024-02-30": February 2024 has 29 days; expected a date "YYYY-MM-DD"; the current version is "2024-12-02"',
    );
    expect(expectFail(parsePolicyVersion("2024-1-1"))).toBe(
      'bad Version "2024-1-1": expected a date "YYYY-MM-DD"; the current version is "2024-12-02"',
    );
  });
});
