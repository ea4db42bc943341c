/** Poll timing of the loader: jitter so fleets do not poll in step, backoff on failures. */

/** Backoff never waits longer than this many poll intervals. */
export const MAX_BACKOFF_FACTOR = 8;
/** Jitter is ±10% of the delay. */
export const JITTER = 0.1;

/**
 * Milliseconds until the next poll: `intervalMs` doubled per consecutive failure up to 8×,
 * then ±10% jitter from `random()` (in [0, 1)), never above 8× the interval.
 *
 * @example pollDelay(60_000, 0, () => 0.5) === 60_000; pollDelay(60_000, 10, () => 0.5) === 480_000
 */
export function pollDelay(intervalMs: number, failures: number, random: () => number): number {
  // failures counts up from 0; past 1023, 2 ** failures is Infinity, which the min caps too
  const factor = Math.min(2 ** failures, MAX_BACKOFF_FACTOR);
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0.5;
  const delay = intervalMs * factor * (1 + JITTER * (2 * unit - 1));
  return Math.max(1, Math.round(Math.min(delay, intervalMs * MAX_BACKOFF_FACTOR)));
}
