/**
 * `context.time` windows (SPEC §2.3): `after` (inclusive) and `before` (exclusive) as "HH:MM"
 * wall-clock times in `timezone` (IANA, default UTC), compared at minute resolution.
 *
 * - after < before: after ≤ t < before (same day);
 * - after > before: the window wraps midnight: t ≥ after or t < before
 *   (19:00–07:00 = 19:00–24:00 ∪ 00:00–07:00);
 * - after = before: an empty window, it never matches;
 * - only after: t ≥ after; only before: t < before; neither: every time.
 * The wall clock is read with Intl.DateTimeFormat (hourCycle h23), so daylight saving time is honored.
 */
import { parseTimeOfDay, validateTimezone } from "../../values/time.js";

export interface TimeWindow {
  readonly zone: string;
  /** Is the minute of the day (0–1439) inside the window? */
  readonly contains: (minute: number) => boolean;
}

/** Compiles a window, or returns the problem. */
export function compileTimeWindow(time: { after?: string; before?: string; timezone?: string }): TimeWindow | string {
  const zone = time.timezone ?? "UTC";
  const z = validateTimezone(zone);
  if (!z.ok) return z.message;
  let after: number | undefined;
  let before: number | undefined;
  if (time.after !== undefined) {
    const r = parseTimeOfDay(time.after);
    if (!r.ok) return `after: ${r.message}`;
    after = r.value;
  }
  if (time.before !== undefined) {
    const r = parseTimeOfDay(time.before);
    if (!r.ok) return `before: ${r.message}`;
    before = r.value;
  }
  const a = after;
  const b = before;
  let contains: (m: number) => boolean;
  if (a !== undefined && b !== undefined) {
    contains = a < b ? (m) => m >= a && m < b : a > b ? (m) => m >= a || m < b : () => false;
  } else if (a !== undefined) contains = (m) => m >= a;
  else if (b !== undefined) contains = (m) => m < b;
  else contains = () => true;
  return { zone, contains };
}

/** Reads the minute of the day in one time zone; remembers the last minute asked, since requests cluster in time. */
export function wallClock(zone: string): (epochMs: number) => number {
  const format = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", hour: "numeric", minute: "numeric" });
  let lastEpochMinute = Number.NaN;
  let lastMinute = 0;
  return (epochMs) => {
    // zone offsets are whole minutes for every zone in use since 1972, so the epoch minute decides
    const epochMinute = Math.floor(epochMs / 60_000);
    if (epochMinute === lastEpochMinute) return lastMinute;
    let hour = 0;
    let minute = 0;
    for (const part of format.formatToParts(epochMs)) {
      if (part.type === "hour") hour = Number(part.value) % 24;
      else if (part.type === "minute") minute = Number(part.value);
    }
    lastEpochMinute = epochMinute;
    lastMinute = hour * 60 + minute;
    return lastMinute;
  };
}
