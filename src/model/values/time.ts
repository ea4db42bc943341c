/**
 * Times of day, time zones, ISO-8601 dates and Sekuire's policy `Version`, checked strictly:
 * nothing `Date.parse` would guess at ("Dec 31 2024") and no impossible dates (2024-02-30).
 */
import { ACCESS_POLICY_VERSION } from "../../engine/vocabulary.js";
import { suggest } from "../suggest.js";
import { fail, ok, show, type ValueResult } from "./result.js";

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

// ---------------------------------------------------------------------------------------------
// Time of day

const TIME_EXPECTED = 'expected "HH:MM" on a 24-hour clock, 00:00 to 23:59, e.g. "09:30"';

/** Parses "HH:MM" (two-digit hours 00–23 and minutes 00–59) into minutes since midnight. */
export function parseTimeOfDay(text: unknown): ValueResult<number> {
  const bad = (problem?: string) => fail(`bad time ${show(text)}: ${problem ? `${problem}; ` : ""}${TIME_EXPECTED}`);
  if (typeof text !== "string") return bad();
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) return bad();
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23) return bad(`hour ${m[1]} is out of range`);
  if (min > 59) return bad(`minute ${m[2]} is out of range`);
  return ok(h * 60 + min);
}

// ---------------------------------------------------------------------------------------------
// Time zones

let zoneNames: string[] | undefined;
function knownZones(): string[] {
  if (!zoneNames) {
    const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
    zoneNames = ["UTC", ...(intl.supportedValuesOf?.("timeZone") ?? [])];
  }
  return zoneNames;
}

/**
 * Checks a time zone name: "UTC" or an IANA name such as "Europe/Berlin", whatever
 * `Intl.DateTimeFormat` accepts (case-insensitively), except numeric offsets like "+02:00",
 * which only newer runtimes accept. The value is the name as written.
 */
export function validateTimezone(name: unknown): ValueResult<string> {
  const expected = 'expected "UTC" or an IANA time zone name, e.g. "Europe/Berlin"';
  if (typeof name !== "string" || name === "") return fail(`bad timezone ${show(name)}: ${expected}`);
  if (/^[+-]\d/.test(name)) return fail(`bad timezone ${show(name)}: got an offset; ${expected}`);
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: name });
    return ok(name);
  } catch {
    const near = suggest(name, knownZones());
    return fail(`unknown timezone ${show(name)}: ${expected}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ""}`);
  }
}

// ---------------------------------------------------------------------------------------------
// ISO-8601 dates

const DATE_EXPECTED =
  'expected an ISO-8601 date "YYYY-MM-DD" or date-time "YYYY-MM-DDTHH:MM:SSZ" (or with an offset like "+02:00" instead of "Z", optional fractional seconds)';
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))?)?$/;

/**
 * Parses an ISO-8601 (RFC 3339 profile) date or date-time into epoch milliseconds:
 * "2024-12-31" (midnight UTC), "2024-12-31T23:59Z", "2024-12-31T23:59:59Z",
 * "2024-12-31T23:59:59.123+02:00". A time needs a zone ("Z" or an offset) so a policy means the
 * same on every machine. Fractions beyond milliseconds are truncated. Rejects impossible dates
 * (2024-02-30, 25:00) and every looser form `Date.parse` would accept.
 */
export function parseIsoDate(text: unknown): ValueResult<number> {
  if (text instanceof Date) {
    return Number.isNaN(text.getTime()) ? fail(`bad date: got an invalid date; ${DATE_EXPECTED}`) : ok(text.getTime());
  }
  const bad = (problem?: string) => fail(`bad date ${show(text)}: ${problem ? `${problem}; ` : ""}${DATE_EXPECTED}`);
  if (typeof text !== "string") return bad();
  const m = ISO_DATE.exec(text);
  if (!m) return bad();
  const [, ys, mos, ds, hs, mis, ss, frac, z, sign, ohs, oms] = m;
  const dateProblem = checkCalendarDate(Number(ys), Number(mos), Number(ds));
  if (dateProblem) return bad(dateProblem);
  let ms = daysFromCivil(Number(ys), Number(mos), Number(ds)) * 86_400_000;
  if (hs !== undefined) {
    if (z === undefined && sign === undefined) {
      return fail(`bad date ${show(text)}: a date-time needs a zone; add "Z" for UTC or an offset like "+02:00"`);
    }
    const h = Number(hs);
    const mi = Number(mis);
    const s = Number(ss ?? "0");
    if (h > 23) return bad(`hour ${hs} is out of range`);
    if (mi > 59) return bad(`minute ${mis} is out of range`);
    if (s > 59) return bad(`second ${ss} is out of range`);
    ms += h * 3_600_000 + mi * 60_000 + s * 1_000 + Number((frac ?? "").slice(0, 3).padEnd(3, "0"));
    if (sign !== undefined) {
      const oh = Number(ohs);
      const om = Number(oms);
      if (oh > 23 || om > 59) return bad(`offset ${sign}${ohs}:${oms} is out of range`);
      ms -= (sign === "-" ? -1 : 1) * (oh * 60 + om) * 60_000;
    }
  }
  return ok(ms);
}

/** Why year-month-day is not a real date, or undefined when it is. */
function checkCalendarDate(y: number, mo: number, d: number): string | undefined {
  if (mo < 1 || mo > 12) return `month ${String(mo).padStart(2, "0")} does not exist`;
  const days = daysInMonth(y, mo);
  if (d < 1 || d > days) return `${MONTHS[mo - 1]} ${y} has ${days} days`;
  return undefined;
}

function daysInMonth(y: number, mo: number): number {
  if (mo === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(mo) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(y: number, mo: number, d: number): number {
  const yy = mo <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

// ---------------------------------------------------------------------------------------------
// Sekuire's policy Version

/** Policy language versions of Sekuire's AccessPolicy this edict understands; the last is current. */
export const KNOWN_POLICY_VERSIONS: readonly string[] = [ACCESS_POLICY_VERSION];

/**
 * Checks an AccessPolicy `Version`: a real date "YYYY-MM-DD" that is one of
 * {@link KNOWN_POLICY_VERSIONS}. A well-formed but unknown date is rejected with a message that
 * names the current version.
 */
export function parsePolicyVersion(text: unknown): ValueResult<string> {
  const current = KNOWN_POLICY_VERSIONS[KNOWN_POLICY_VERSIONS.length - 1] ?? ACCESS_POLICY_VERSION;
  const expected = `expected a date "YYYY-MM-DD"; the current version is ${JSON.stringify(current)}`;
  if (typeof text !== "string") return fail(`bad Version ${show(text)}: ${expected}`);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return fail(`bad Version ${show(text)}: ${expected}`);
  const problem = checkCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
  if (problem) return fail(`bad Version ${show(text)}: ${problem}; ${expected}`);
  if (KNOWN_POLICY_VERSIONS.includes(text)) return ok(text);
  const newer = text > current ? " (newer than this edict knows)" : "";
  const expectation =
    KNOWN_POLICY_VERSIONS.length === 1
      ? `expected ${JSON.stringify(current)}, the current version`
      : `expected one of ${KNOWN_POLICY_VERSIONS.map((v) => JSON.stringify(v)).join(", ")}; the current version is ${JSON.stringify(current)}`;
  return fail(`unknown Version ${show(text)}${newer}: ${expectation}`);
}
