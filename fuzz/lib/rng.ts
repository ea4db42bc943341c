/**
 * A small seeded PRNG (mulberry32) with the helpers the fuzzers use. Deterministic, so every
 * failure is reproduced from its seed alone; fast, so a million cases do not wait on generation.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick from an empty list");
    return items[this.below(items.length)]!;
  }

  /** Up to `max` items (with repeats), at least `min`. */
  some<T>(items: readonly T[], max: number, min = 0): T[] {
    const n = this.int(min, max);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(this.pick(items));
    return out;
  }

  /** A fresh seed for a sub-generator, so cases are independent of each other's draws. */
  fork(): number {
    return (this.next() * 4294967296) >>> 0;
  }
}
