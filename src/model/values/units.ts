/**
 * Durations, sizes and money as the formats write them ("600s", "8GB", "$10.00"), parsed once at
 * load into integers (milliseconds, bytes, cents) with messages that say what was expected.
 *
 * Decimals are computed exactly (BigInt), so "1.1s" is 1100 ms, never 1100.0000000000002.
 */
import { DURATION_UNITS, parseDurationMs } from "../../engine/data/duration.js";
import { fail, ok, show, type ValueResult } from "./result.js";

export { DURATION_UNITS, type DurationUnit } from "../../engine/data/duration.js";

// ---------------------------------------------------------------------------------------------
// Durations

const DURATION_EXPECTED = 'expected a number and a unit (ms, s, m, h, d, w), e.g. "30d"';
/** One `<number><unit>` part; `ms` is tried before `m`. */
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/**
 * Parses a duration into milliseconds: a non-negative integer or decimal number and a unit
 * (`ms`, `s`, `m`, `h`, `d`, `w`), e.g. "500ms", "600s", "1.5h", "30d", or several parts from the
 * largest unit to the smallest, e.g. "1h30m", "2d12h". No spaces, no sign, units in lower case.
 * The result must be a whole number of milliseconds. What is valid is decided by the engine's
 * `parseDurationMs` (the loader reads `ttl` with it); this adds the reason a text is not.
 */
export function parseDuration(text: unknown): ValueResult<number> {
  const ms = parseDurationMs(text);
  return ms === undefined ? fail(`bad duration ${show(text)}: ${explainBadDuration(text)}`) : ok(ms);
}

/** Why `text` is not a duration (it is not: `parseDurationMs` refused it). */
function explainBadDuration(text: unknown): string {
  const bad = (problem?: string) => `${problem ? `${problem}; ` : ""}${DURATION_EXPECTED}`;
  if (typeof text === "number") return bad("got a bare number, write it as a string with a unit");
  if (typeof text !== "string") return bad();
  if (text === "") return bad("got an empty string");
  if (/^\s|\s$/.test(text)) return bad("got surrounding spaces");
  if (/^[-+]/.test(text)) return text.startsWith("-") ? bad("must not be negative") : bad("remove the sign");
  if (/^\d+(?:\.\d+)?$/.test(text)) return bad("missing unit");
  const single = /^\d+(?:\.\d+)?([A-Za-z]+)$/.exec(text);
  if (single && !DURATION_UNITS.some(([u]) => u === single[1])) {
    const unit = single[1]!;
    const near = DURATION_UNITS.find(([u]) => u === unit.toLowerCase());
    return bad(`unknown unit ${JSON.stringify(unit)}${near ? ` (did you mean ${JSON.stringify(near[0])}?)` : ""}`);
  }
  let total = 0n;
  let pos = 0;
  let lastRank = -1;
  while (pos < text.length) {
    DURATION_PART.lastIndex = pos;
    const m = DURATION_PART.exec(text);
    if (!m) return bad();
    pos = DURATION_PART.lastIndex;
    const rank = DURATION_UNITS.findIndex(([u]) => u === m[2]);
    if (rank <= lastRank) return 'units must go from the largest to the smallest, each at most once, e.g. "1h30m"';
    lastRank = rank;
    const part = exactTimes(m[1]!, BigInt(DURATION_UNITS[rank]![1]));
    if (part === undefined) return `not a whole number of milliseconds${m[0] === text ? "" : ` (in ${JSON.stringify(m[0])})`}`;
    total += part;
  }
  return total > BigInt(Number.MAX_SAFE_INTEGER) ? `too large (more than ${Number.MAX_SAFE_INTEGER} milliseconds)` : bad();
}

/**
 * Formats milliseconds with the largest units that express it exactly: 5400000 → "1h30m",
 * 500 → "500ms", 0 → "0s". `parseDuration(formatDuration(ms))` gives back `ms`.
 * Throws a RangeError for a negative, fractional or unsafe number.
 */
export function formatDuration(ms: number): string {
  assertCount(ms, "formatDuration", "milliseconds");
  if (ms === 0) return "0s";
  let rest = ms;
  let out = "";
  for (const [unit, size] of DURATION_UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sizes

/**
 * Size units in bytes. KB, MB, GB and TB are binary (1 KB = 1024 bytes), as the formats'
 * documentation uses them ("max_payload_kb", "MaxMemory: 8GB" for RAM); KiB, MiB, GiB and TiB
 * are accepted as explicit synonyms. There are no decimal (1000-based) units.
 */
export const SIZE_UNITS = [
  ["TB", 1024 ** 4],
  ["GB", 1024 ** 3],
  ["MB", 1024 ** 2],
  ["KB", 1024],
  ["B", 1],
  ["TiB", 1024 ** 4],
  ["GiB", 1024 ** 3],
  ["MiB", 1024 ** 2],
  ["KiB", 1024],
] as const;

export type SizeUnit = (typeof SIZE_UNITS)[number][0];

const SIZE_EXPECTED =
  'expected a number and a unit (B, KB, MB, GB, TB, where 1 KB = 1024 bytes, or KiB, MiB, GiB, TiB), e.g. "512KB"';

/**
 * Parses a size into bytes: a non-negative integer or decimal number and a unit, no space:
 * "100B", "512KB", "1.5MB", "8GB", "2TB", "64MiB". KB is 1024 bytes (see {@link SIZE_UNITS}).
 * The result must be a whole number of bytes.
 */
export function parseSize(text: unknown): ValueResult<number> {
  const bad = (problem?: string) => fail(`bad size ${show(text)}: ${problem ? `${problem}; ` : ""}${SIZE_EXPECTED}`);
  if (typeof text === "number") return bad("got a bare number, write it as a string with a unit");
  if (typeof text !== "string") return bad();
  if (text === "") return bad("got an empty string");
  if (/^[-+]/.test(text)) return text.startsWith("-") ? bad("must not be negative") : bad("remove the sign");
  if (/^\d+(?:\.\d+)?$/.test(text)) return bad("missing unit");
  const m = /^(\d+(?:\.\d+)?)([A-Za-z]+)$/.exec(text);
  if (!m) return bad();
  const unit = m[2]!;
  const known = SIZE_UNITS.find(([u]) => u === unit);
  if (!known) {
    const lower = unit.toLowerCase();
    const near = SIZE_UNITS.find(([u]) => u.toLowerCase() === lower || u.toLowerCase() === `${lower}b`);
    return bad(`unknown unit ${JSON.stringify(unit)}${near ? ` (did you mean ${JSON.stringify(near[0])}?)` : ""}`);
  }
  const bytes = exactTimes(m[1]!, BigInt(known[1]));
  if (bytes === undefined) return fail(`bad size ${show(text)}: not a whole number of bytes`);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    return fail(`bad size ${show(text)}: too large (more than ${Number.MAX_SAFE_INTEGER} bytes)`);
  }
  return ok(Number(bytes));
}

/**
 * Formats bytes with the largest binary unit that shows it exactly with at most two decimals:
 * 1536 → "1.5KB", 8589934592 → "8GB", 1000 → "1000B". `parseSize(formatSize(b))` gives back `b`.
 * Throws a RangeError for a negative, fractional or unsafe number.
 */
export function formatSize(bytes: number): string {
  assertCount(bytes, "formatSize", "bytes");
  const b = BigInt(bytes);
  for (const [unit, size] of SIZE_UNITS.slice(0, 4)) {
    const u = BigInt(size);
    if (b < u || (b * 100n) % u !== 0n) continue;
    const whole = b / u;
    const cents = ((b % u) * 100n) / u;
    const frac = cents === 0n ? "" : `.${cents.toString().padStart(2, "0").replace(/0$/, "")}`;
    return `${whole}${frac}${unit}`;
  }
  return `${bytes}B`;
}

// ---------------------------------------------------------------------------------------------
// Money

const MONEY_EXPECTED = 'expected "$" and an amount with at most two decimals, e.g. "$10.00"';

/**
 * Parses a dollar amount into cents: "$10.00" → 1000, "$5" → 500, "$0.50" → 50, "$0.5" → 50.
 * Only `$`; at most two decimals; no thousands separators, spaces or sign.
 */
export function parseMoney(text: unknown): ValueResult<number> {
  const bad = (problem?: string) =>
    fail(`bad amount ${show(text)}: ${problem ? `${problem}; ` : ""}${MONEY_EXPECTED}`);
  if (typeof text === "number") return bad("got a bare number, write it as a string starting with \"$\"");
  if (typeof text !== "string") return bad();
  if (text === "") return bad("got an empty string");
  if (/^-|^\$-/.test(text)) return bad("must not be negative");
  if (/^\d/.test(text)) return bad('missing "$"');
  if (!text.startsWith("$")) return bad('only "$" amounts are supported');
  if (/^\$\d[\d,]*,\d{3}(?:\.\d*)?$/.test(text)) return bad("thousands separators are not allowed");
  if (/^\$\d+\.\d{3,}$/.test(text)) return bad("more than two decimals");
  const m = /^\$(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return bad();
  const cents = BigInt(m[1]!) * 100n + BigInt((m[2] ?? "").padEnd(2, "0"));
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) {
    return fail(`bad amount ${show(text)}: too large (more than ${Number.MAX_SAFE_INTEGER} cents)`);
  }
  return ok(Number(cents));
}

/**
 * Formats cents as dollars with two decimals and no separators: 1000 → "$10.00", 5 → "$0.05".
 * `parseMoney(formatMoney(c))` gives back `c`. Throws a RangeError for a negative, fractional or
 * unsafe number.
 */
export function formatMoney(cents: number): string {
  assertCount(cents, "formatMoney", "cents");
  return `$${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

// ---------------------------------------------------------------------------------------------

/** `decimal × factor` when it is a whole number, else undefined; `decimal` is `\d+(\.\d+)?`. */
function exactTimes(decimal: string, factor: bigint): bigint | undefined {
  const [whole = "0", frac = ""] = decimal.split(".");
  const scaled = BigInt(whole + frac) * factor;
  const denom = 10n ** BigInt(frac.length);
  return scaled % denom === 0n ? scaled / denom : undefined;
}

function assertCount(n: number, fn: string, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${fn}: expected a non-negative whole number of ${what}, got ${n}`);
  }
}
