/**
 * Durations such as `action.ttl` ("45m", "1h30m", "500ms"): parts `<number><unit>` from the
 * largest unit to the smallest, each unit at most once, every part a whole number of milliseconds
 * (decimals are computed with BigInt), the total at most Number.MAX_SAFE_INTEGER. This is the one
 * definition of a valid duration: `parseDuration` (../../model/values/units.ts) accepts exactly
 * what this accepts and only adds the explanation of a bad one, which lint needs and the loader
 * does not carry.
 */

/** Duration units, largest first, with their length in milliseconds. */
export const DURATION_UNITS = [
  ["w", 604_800_000],
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
] as const;

export type DurationUnit = (typeof DURATION_UNITS)[number][0];

const DURATION = new RegExp(`^${DURATION_UNITS.map(([u]) => `(?:(\\d+(?:\\.\\d+)?)${u})?`).join("")}$`);

/** Milliseconds, or undefined when the text is not a valid duration. */
export function parseDurationMs(text: unknown): number | undefined {
  const m = typeof text === "string" && text !== "" ? DURATION.exec(text) : null;
  if (m === null) return undefined;
  let total = 0n;
  for (const [i, [, unitMs]] of DURATION_UNITS.entries()) {
    const part = m[i + 1];
    if (part === undefined) continue;
    const [whole, frac = ""] = part.split(".");
    const scaled = BigInt(whole + frac) * BigInt(unitMs);
    const denominator = 10n ** BigInt(frac.length);
    if (scaled % denominator !== 0n) return undefined;
    total += scaled / denominator;
  }
  return total > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(total);
}
