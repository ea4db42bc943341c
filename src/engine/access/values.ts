/**
 * How condition values are read, shared by both evaluators so they cannot disagree on it.
 * Each reader returns undefined for a value it cannot interpret; the caller turns that into
 * the condition result "error".
 */
import type { ContextScalar } from "./types.js";

const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const EPOCH_SECONDS = /^-?\d+(?:\.\d+)?$/;
const ISO_8601 =
  /^(\d{4})-(\d\d)-(\d\d)(?:[Tt ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:[.,](\d{1,9}))?)?(?:[Zz]|([+-])([01]\d|2[0-3]):?([0-5]\d))?)?$/;

/** A finite number, or a numeric string such as `"10"`, `"-2.5"`, `"1e3"`. */
export function toNumber(value: ContextScalar): number | undefined {
  const n = typeof value === "number" || (typeof value === "string" && NUMERIC.test(value)) ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** `true`/`false`, or the strings `"true"`/`"false"` in any case. */
export function toBool(value: ContextScalar): boolean | undefined {
  const text = typeof value === "string" ? value.toLowerCase() : value;
  return text === true || text === "true" ? true : text === false || text === "false" ? false : undefined;
}

/**
 * Milliseconds since the epoch from an ISO-8601 date or date-time (UTC when no offset is
 * given, so the answer never depends on the host's time zone) or from epoch seconds (a number
 * or a string of digits). Precision is one millisecond.
 */
export function toEpochMillis(value: ContextScalar): number | undefined {
  if (typeof value !== "string" || EPOCH_SECONDS.test(value)) {
    const seconds = toNumber(value);
    return seconds === undefined ? undefined : seconds * 1000;
  }
  const m = ISO_8601.exec(value);
  if (m === null) return undefined;
  const part = (i: number): number => Number(m[i] ?? 0);
  const month = part(2) - 1;
  const date = new Date(0);
  date.setUTCFullYear(part(1), month, part(3));
  // a day the month lacks (2023-02-29, day 00) and months 00 and 13 roll over into another month
  if (date.getUTCMonth() !== month) return undefined;
  // the offset is taken off the minutes, which carry over into hours and days
  const offset = (m[8] === "-" ? -1 : 1) * (part(9) * 60 + part(10));
  return date.setUTCHours(part(4), part(5) - offset, part(6), Number(`${m[7] ?? ""}00`.slice(0, 3)));
}
