/**
 * A small Prometheus registry: counters with labels, gauges read when scraped, and histograms,
 * rendered in the text exposition format 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats/#text-based-format). Incrementing is a map
 * lookup and an addition, so it stays off the cost of a decision.
 */

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

interface Metric {
  render(out: string[]): void;
}

/** Escapes a label value: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** A sample value as Prometheus writes it. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function header(out: string[], name: string, help: string, type: string): void {
  out.push(`# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`, `# TYPE ${name} ${type}`);
}

function labelText(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return "";
  return `{${names.map((n, i) => `${n}="${escapeLabelValue(values[i] ?? "")}"`).join(",")}}`;
}

/** A counter with a fixed list of label names; each distinct label-value tuple is one series. */
export class Counter implements Metric {
  private readonly series = new Map<string, { values: string[]; count: number }>();

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly string[] = [],
  ) {}

  /** Adds `by` (1) to the series of `values` (one per label name, in order). */
  inc(values: readonly string[] = [], by = 1): void {
    const key = values.length === 1 ? values[0]! : values.join("\u0000");
    const s = this.series.get(key);
    if (s !== undefined) s.count += by;
    else this.series.set(key, { values: [...values], count: by });
  }

  /** The value of one series (0 when never incremented). */
  get(values: readonly string[] = []): number {
    return this.series.get(values.length === 1 ? values[0]! : values.join("\u0000"))?.count ?? 0;
  }

  render(out: string[]): void {
    header(out, this.name, this.help, "counter");
    for (const s of this.series.values()) out.push(`${this.name}${labelText(this.labelNames, s.values)} ${formatValue(s.count)}`);
  }
}

/** A counter or gauge whose one value is read when scraped; no sample while it reads undefined. */
export class Sampled implements Metric {
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly type: "gauge" | "counter",
    private readonly read: () => number | undefined,
  ) {}

  render(out: string[]): void {
    header(out, this.name, this.help, this.type);
    const value = this.read();
    if (value !== undefined) out.push(`${this.name} ${formatValue(value)}`);
  }
}

/** Bucket bounds in seconds for one decision: from 10 µs (a compiled decision) to 1 s. */
export const DECISION_BUCKETS: readonly number[] = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** A histogram without labels. */
export class Histogram implements Metric {
  /** Observations per bucket (not cumulative); the last slot is above every bound (+Inf). */
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly bounds: readonly number[] = DECISION_BUCKETS,
  ) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(seconds: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && seconds > b[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }

  render(out: string[]): void {
    header(out, this.name, this.help, "histogram");
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i]!;
      out.push(`${this.name}_bucket{le="${formatValue(this.bounds[i]!)}"} ${cumulative}`);
    }
    out.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${formatValue(this.sum)}`, `${this.name}_count ${this.count}`);
  }
}

/** Metrics rendered in registration order. */
export class Registry {
  private readonly metrics: Metric[] = [];

  add<M extends Metric>(metric: M): M {
    this.metrics.push(metric);
    return metric;
  }

  /** The whole exposition, ending in a line feed. */
  render(): string {
    const out: string[] = [];
    for (const m of this.metrics) m.render(out);
    return out.join("\n") + "\n";
  }
}
