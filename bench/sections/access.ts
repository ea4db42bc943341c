/**
 * Decisions per second and latency of `authorize` against Cedar (wasm), casbin, edict's reference
 * evaluator and the floor, on generated equivalent policy sets; every engine answers the same
 * request stream and every answer is checked against edict's compiled evaluator.
 */
import { casbinEngine, cedarIsAuthorized, cedarStateful, cedarVersion, edictCompiled, edictReference, floor } from "../lib/engines.js";
import type { Engine } from "../lib/engines.js";
import { generateRequests, generateStatements } from "../lib/generate.js";
import type { GenRequest } from "../lib/generate.js";
import { duration, median, msSince, nowNs, perSecond, quantile, ratio, sink, timerOverheadNs } from "../lib/measure.js";
import type { Row } from "../lib/report.js";

export interface AccessOptions {
  sizes: readonly number[];
  /** Length of the request stream. */
  requests: number;
  /** Measured rounds for the fast engines. */
  rounds: number;
  /** Time budget per slow engine and size, in milliseconds. */
  slowBudgetMs: number;
  log: (line: string) => void;
}

export interface EngineResult {
  engine: string;
  statements: number;
  decisionsPerSecond: number;
  p50Ns: number;
  p99Ns: number;
  evaluated: number;
  setupMs: number;
  disagreements: number;
  info?: string;
}

export interface Disagreement {
  engine: string;
  statements: number;
  index: number;
  request: GenRequest;
  expected: "allow" | "deny";
  got: "allow" | "deny" | "error";
  error?: string;
}

export interface AccessResult {
  rows: Row[];
  engines: EngineResult[];
  disagreements: Disagreement[];
  comparisons: number;
  cedarVersion: string;
}

const MAX_PRINTED_DISAGREEMENTS = 10;

function measureFast(engine: Engine, requests: number, rounds: number, overhead: number): { rate: number; p50: number; p99: number } {
  const runAll = engine.runAll as () => number;
  // warm up until the optimiser has settled, and size a round to about 150 ms
  let passes = 0;
  const warmStart = nowNs();
  while (msSince(warmStart) < 300 || passes < 3) {
    sink(runAll());
    passes++;
  }
  const perPassMs = msSince(warmStart) / passes;
  const perRound = Math.max(1, Math.round(150 / perPassMs));
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = nowNs();
    for (let p = 0; p < perRound; p++) sink(runAll());
    rates.push((perRound * requests) / (msSince(start) / 1000));
  }
  // latency: each call timed on its own, minus the cost of the timer itself
  const samples: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < requests; i++) {
      const start = process.hrtime.bigint();
      sink(engine.decide(i));
      samples.push(Math.max(0, Number(process.hrtime.bigint() - start) - overhead));
    }
  }
  return { rate: median(rates), p50: quantile(samples, 0.5), p99: quantile(samples, 0.99) };
}

interface SlowRun {
  rate: number;
  p50: number;
  p99: number;
  evaluated: Map<number, boolean | Error>;
}

function measureSlow(engine: Engine, requests: number, budgetMs: number): SlowRun {
  const evaluated = new Map<number, boolean | Error>();
  const call = (i: number): void => {
    try {
      evaluated.set(i, engine.decide(i));
    } catch (e) {
      evaluated.set(i, e instanceof Error ? e : new Error(String(e)));
    }
  };
  // warm up on the end of the stream; those answers are checked too
  const warmStart = nowNs();
  for (let k = 0; k < 20 && msSince(warmStart) < budgetMs / 10; k++) call(requests - 1 - k);
  const samples: number[] = [];
  const rates: number[] = [];
  let next = 0;
  for (let round = 0; round < 3 && next < requests; round++) {
    const roundStart = nowNs();
    let count = 0;
    do {
      const start = process.hrtime.bigint();
      call(next++);
      samples.push(Number(process.hrtime.bigint() - start));
      count++;
    } while (msSince(roundStart) < budgetMs / 3 && next < requests);
    rates.push(count / (msSince(roundStart) / 1000));
  }
  return { rate: median(rates), p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), evaluated };
}

function fmtLatency(p50: number, p99: number): string {
  return `p50 ${duration(p50)} · p99 ${duration(p99)}`;
}

export async function runAccess(options: AccessOptions): Promise<AccessResult> {
  const { log } = options;
  const engines: EngineResult[] = [];
  const disagreements: Disagreement[] = [];
  const rows: Row[] = [];
  let comparisons = 0;
  const overhead = timerOverheadNs();
  log(`access: timer overhead ${overhead} ns per hrtime pair (subtracted from fast-engine latencies)`);

  for (const size of options.sizes) {
    const statements = generateStatements(size, 1);
    const stream = generateRequests(statements, options.requests, 2);
    const edict = edictCompiled(statements, stream);
    const expected = stream.map((_r, i) => edict.decide(i));
    const allowed = expected.filter(Boolean).length;
    log(`access: ${size} statements, ${stream.length} requests (${allowed} allowed, ${stream.length - allowed} denied by edict)`);

    const record = (engine: Engine, rate: number, p50: number, p99: number, evaluatedCount: number, mismatches: number): EngineResult => {
      const result: EngineResult = {
        engine: engine.name,
        statements: size,
        decisionsPerSecond: rate,
        p50Ns: p50,
        p99Ns: p99,
        evaluated: evaluatedCount,
        setupMs: engine.setupMs,
        disagreements: mismatches,
        ...(engine.info === undefined ? {} : { info: engine.info }),
      };
      engines.push(result);
      log(`access:   ${engine.name}: ${perSecond(rate)} ${fmtLatency(p50, p99)} (n=${evaluatedCount}, setup ${engine.setupMs.toFixed(1)} ms${engine.info ? `, ${engine.info}` : ""})`);
      return result;
    };

    for (const engine of [edict, floor(statements, stream)]) {
      const m = measureFast(engine, stream.length, options.rounds, overhead);
      record(engine, m.rate, m.p50, m.p99, stream.length, 0);
    }

    const slowEngines: Array<() => Engine | Promise<Engine>> = [
      () => edictReference(statements, stream),
      () => cedarIsAuthorized(statements, stream),
      () => cedarStateful(statements, stream),
      () => casbinEngine(statements, stream),
    ];
    for (const make of slowEngines) {
      const engine = await make();
      const m = measureSlow(engine, stream.length, options.slowBudgetMs);
      let mismatches = 0;
      for (const [i, got] of m.evaluated) {
        comparisons++;
        const want = expected[i] as boolean;
        if (got === want) continue;
        mismatches++;
        disagreements.push({
          engine: engine.name,
          statements: size,
          index: i,
          request: stream[i] as GenRequest,
          expected: want ? "allow" : "deny",
          got: got instanceof Error ? "error" : got ? "allow" : "deny",
          ...(got instanceof Error ? { error: got.message.slice(0, 300) } : {}),
        });
      }
      record(engine, m.rate, m.p50, m.p99, m.evaluated.size, mismatches);
    }
  }

  // rows: one per engine and size, then the ratios the targets are about
  const find = (name: string, size: number): EngineResult | undefined => engines.find((e) => e.engine.startsWith(name) && e.statements === size);
  for (const size of options.sizes) {
    for (const e of engines.filter((x) => x.statements === size)) {
      const isEdict = e.engine.startsWith("edict compileAccess");
      // issue 22: 3 M decisions/s at 10,000 statements
      const target = isEdict && size === 10_000 ? "≥ 3,000,000/s" : undefined;
      rows.push({
        section: "access",
        case: `${e.engine}, ${size.toLocaleString("en-US")} statements`,
        result: `${perSecond(e.decisionsPerSecond)} · ${fmtLatency(e.p50Ns, e.p99Ns)}${e.engine.startsWith("floor") ? "" : ` · n=${e.evaluated.toLocaleString("en-US")}`}`,
        ...(target === undefined ? {} : { target, status: e.decisionsPerSecond >= 3_000_000 ? "met" : "missed" }),
        values: { decisionsPerSecond: e.decisionsPerSecond, p50Ns: e.p50Ns, p99Ns: e.p99Ns, evaluated: e.evaluated, setupMs: e.setupMs, disagreements: e.disagreements },
      });
    }
  }
  for (const size of options.sizes) {
    const edict = find("edict compileAccess", size);
    if (edict === undefined) continue;
    const vs = (name: string, label: string, min: number | undefined): void => {
      const other = find(name, size);
      if (other === undefined) return;
      const r = edict.decisionsPerSecond / other.decisionsPerSecond;
      const withTarget = min !== undefined && size === 1_000;
      rows.push({
        section: "access",
        case: `edict ÷ ${label}, ${size.toLocaleString("en-US")} statements`,
        result: ratio(r),
        ...(withTarget ? { target: `≥ ${min.toLocaleString("en-US")}×`, status: r >= min ? "met" : "missed" } : {}),
        values: { ratio: r },
      });
    };
    vs("cedar-wasm statefulIsAuthorized", "cedar-wasm preparsed", 1_000);
    vs("cedar-wasm isAuthorized", "cedar-wasm isAuthorized", undefined);
    vs("casbin", "casbin", 1_000);
    const fl = find("floor", size);
    if (fl !== undefined) {
      const r = fl.decisionsPerSecond / edict.decisionsPerSecond;
      // issue 22: at most 4 floors at 1,000 statements, 5 elsewhere
      const most = size === 1_000 ? 4 : 5;
      rows.push({
        section: "access",
        case: `floor ÷ edict (edict's cost in floors), ${size.toLocaleString("en-US")} statements`,
        result: ratio(r),
        target: `≤ ${most}×`,
        status: r <= most ? "met" : "missed",
        values: { ratio: r },
      });
    }
  }
  rows.push({
    section: "access",
    case: "decisions agree across engines (vs edict compiled)",
    result: `${disagreements.length} disagreements in ${comparisons.toLocaleString("en-US")} comparisons`,
    target: "0",
    status: disagreements.length === 0 ? "met" : "missed",
    values: { disagreements: disagreements.length, comparisons },
  });
  if (disagreements.length > 0) {
    log(`access: ${disagreements.length} DISAGREEMENTS (first ${MAX_PRINTED_DISAGREEMENTS} per engine):`);
    const perEngine = new Map<string, number>();
    for (const d of disagreements) {
      const key = `${d.engine}@${d.statements}`;
      const n = perEngine.get(key) ?? 0;
      perEngine.set(key, n + 1);
      if (n < MAX_PRINTED_DISAGREEMENTS) {
        log(`  ${key} #${d.index} ${d.request.action} ${d.request.resource} ip=${d.request.ip}: edict ${d.expected}, got ${d.got}${d.error ? ` (${d.error})` : ""}`);
      }
    }
  }
  return { rows, engines, disagreements, comparisons, cedarVersion: cedarVersion() };
}
