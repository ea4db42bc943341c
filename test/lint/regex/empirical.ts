/**
 * Test-only empirical backtracking check: time a regex on growing adversarial strings.
 * Never used by production code (timings are machine-dependent).
 */

/** An adversarial input: `prefix + pump × n + suffix`. */
export interface Attack {
  prefix?: string;
  pump: string;
  suffix: string;
}

export function attackString(attack: Attack, n: number): string {
  return (attack.prefix ?? "") + attack.pump.repeat(n) + attack.suffix;
}

/** Milliseconds one `re.test(input)` takes (the best of `runs`, to shrug off noise). */
export function timeTest(re: RegExp, input: string, runs = 1): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    re.lastIndex = 0;
    const t0 = performance.now();
    re.test(input);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** The pattern anchored on both ends, so a failing suffix forces the engine to try every split. */
export function anchored(re: RegExp): RegExp {
  return new RegExp(`^(?:${re.source})$`, re.flags);
}

/**
 * Grows the pump count until one match takes at least `thresholdMs`, or the input would exceed
 * `maxLength`. Returns the input that was slow and how long it took, or undefined.
 */
export function findSlowInput(
  re: RegExp,
  attack: Attack,
  { thresholdMs = 10, maxLength = 50_000, start = 4 }: { thresholdMs?: number; maxLength?: number; start?: number } = {},
): { input: string; ms: number } | undefined {
  for (let n = start; ; n = n < 64 ? n + 1 : Math.ceil(n * 1.15)) {
    const input = attackString(attack, n);
    if (input.length > maxLength) return undefined;
    const ms = timeTest(re, input);
    if (ms >= thresholdMs) return { input, ms };
  }
}
