/**
 * `context.time` windows: `after` (inclusive) and `before` (exclusive) as "HH:MM"
 * wall-clock times in `timezone` (IANA, default UTC), compared at minute resolution.
 *
 * - after < before: after ≤ t < before (same day);
 * - after > before: the window wraps midnight: t ≥ after or t < before
 *   (19:00–07:00 = 19:00–24:00 ∪ 00:00–07:00);
 * - after = before: an empty window, it never matches;
 * - only after: t ≥ after; only before: t < before; neither: every time.
 * The wall clock is read with Intl.DateTimeFormat (hourCycle h23), so daylight saving time is honored.
 *
 * Times and zones are checked as strictly as `parseTimeOfDay` and `validateTimezone`
 * (../../values/time.ts) check them, but with short messages: lint explains bad values in detail,
 * and the loader should not carry those explanations.
 */

export interface TimeWindow {
  readonly zone: string;
  /** Is the minute of the day (0–1439) inside the window? */
  readonly contains: (minute: number) => boolean;
}

/** "HH:MM" on a 24-hour clock, 00:00 to 23:59. */
const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Compiles a window, or returns the problem. */
export function compileTimeWindow(time: { after?: string; before?: string; timezone?: string }): TimeWindow | string {
  const zone = time.timezone ?? "UTC";
  if (!isTimeZone(zone)) return `bad timezone ${JSON.stringify(zone)}: expected "UTC" or an IANA name like "Europe/Berlin"`;
  const bounds: Array<number | undefined> = [];
  for (const key of ["after", "before"] as const) {
    const text = time[key];
    const m = typeof text === "string" ? TIME_OF_DAY.exec(text) : null;
    if (text !== undefined && m === null) return `${key}: bad time ${JSON.stringify(text)}: expected "HH:MM", 00:00 to 23:59`;
    bounds.push(m === null ? undefined : Number(m[1]) * 60 + Number(m[2]));
  }
  const [a, b] = bounds;
  // after > before wraps midnight, so either bound suffices; after = before leaves no minute
  const wraps = a !== undefined && b !== undefined && a > b;
  return {
    zone,
    contains: (m) => {
      const afterStart = a === undefined || m >= a;
      const beforeEnd = b === undefined || m < b;
      return wraps ? afterStart || beforeEnd : afterStart && beforeEnd;
    },
  };
}

/** Whatever Intl.DateTimeFormat accepts, except numeric offsets like "+02:00" (only newer runtimes take them). */
function isTimeZone(zone: unknown): zone is string {
  try {
    return typeof zone === "string" && !/^[+-]\d/.test(zone) && !!new Intl.DateTimeFormat(undefined, { timeZone: zone });
  } catch {
    return false;
  }
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
