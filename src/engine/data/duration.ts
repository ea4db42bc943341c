/**
 * Durations such as `action.ttl` ("45m", "1h30m", "500ms"), read exactly as `parseDuration`
 * (../../values/units.ts) reads them: parts `<number><unit>` from the largest unit to the
 * smallest, each unit at most once, every part a whole number of milliseconds (decimals are
 * computed with BigInt), the total at most Number.MAX_SAFE_INTEGER. Lint explains a bad duration
 * in detail; the loader only needs to know that it is bad, so it does not carry those messages.
 */

const UNITS = ["w", "d", "h", "m", "s", "ms"];
const UNIT_MS = [604_800_000, 86_400_000, 3_600_000, 60_000, 1_000, 1];
const DURATION = new RegExp(`^${UNITS.map((u) => `(?:(\\d+(?:\\.\\d+)?)${u})?`).join("")}$`);

/** Milliseconds, or undefined when the text is not a valid duration. */
export function parseDurationMs(text: unknown): number | undefined {
  const m = typeof text === "string" && text !== "" ? DURATION.exec(text) : null;
  if (m === null) return undefined;
  let total = 0n;
  for (let i = 0; i < UNITS.length; i++) {
    const part = m[i + 1];
    if (part === undefined) continue;
    const [whole = "", frac = ""] = part.split(".");
    const scaled = BigInt(whole + frac) * BigInt(UNIT_MS[i]!);
    const denominator = 10n ** BigInt(frac.length);
    if (scaled % denominator !== 0n) return undefined;
    total += scaled / denominator;
  }
  return total > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(total);
}
