/** Timing helpers: `process.hrtime.bigint()`, warm-up, several rounds, medians. */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export function nowNs(): bigint {
  return process.hrtime.bigint();
}

export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The q-quantile (0..1) by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export interface TimedRounds {
  /** Milliseconds of each measured round. */
  rounds: number[];
  medianMs: number;
  minMs: number;
}

/**
 * Runs `fn` `warmup` times unmeasured, then `rounds` times measured; returns the round times.
 * `fn` may return a value, kept in a sink so the work cannot be optimised away. With `settle`, a
 * full garbage collection runs before each measured round, outside its time.
 */
export async function timeRounds(fn: () => unknown, rounds: number, warmup = 1, options: { settle?: boolean } = {}): Promise<TimedRounds> {
  for (let i = 0; i < warmup; i++) sink(await fn());
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (options.settle) collectGarbage();
    const start = nowNs();
    sink(await fn());
    times.push(msSince(start));
  }
  return { rounds: times, medianMs: median(times), minMs: Math.min(...times) };
}

let gc: (() => void) | undefined;
/**
 * A full garbage collection, so a round that allocates a whole bundle does not pay for the rounds
 * before it (a service loads once; what it collects while loading still counts).
 */
export function collectGarbage(): void {
  if (gc === undefined) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  gc();
}

let sunk = 0;
/** Keeps a value observable so the optimiser cannot drop the work that made it. */
export function sink(value: unknown): void {
  if (value === sunk) sunk++;
}

/** Median cost in nanoseconds of one `process.hrtime.bigint()` pair, subtracted from per-call latencies. */
export function timerOverheadNs(samples = 20_000): number {
  const costs: number[] = [];
  for (let i = 0; i < samples; i++) {
    const a = process.hrtime.bigint();
    const b = process.hrtime.bigint();
    costs.push(Number(b - a));
  }
  return median(costs);
}

/** Formats a count per second with a thousands separator ("1,234,567/s"). */
export function perSecond(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  return `${Math.round(value).toLocaleString("en-US")}/s`;
}

/** Nanoseconds as "123 ns", "4.5 µs", "6.7 ms" or "1.23 s". */
export function duration(ns: number): string {
  if (!Number.isFinite(ns)) return "n/a";
  if (ns < 1_000) return `${Math.round(ns)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : 1)} µs`;
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(ns < 10_000_000 ? 2 : 1)} ms`;
  return `${(ns / 1_000_000_000).toFixed(2)} s`;
}

export function ms(value: number): string {
  return duration(value * 1e6);
}

export function bytes(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (value < 1024) return `${value} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} KB`;
  return `${(value / 1024 / 1024).toFixed(2)} MB`;
}

export function ratio(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return "n/a";
  if (value >= 100) return `${Math.round(value).toLocaleString("en-US")}×`;
  return `${value.toFixed(digits)}×`;
}
