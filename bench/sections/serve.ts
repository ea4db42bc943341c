/**
 * `edict serve` over loopback: single-decision throughput and latency of `POST /v1/authorize`,
 * and `POST /v1/authorize/batch` with 10,000 requests a call, each against a bare `node:http`
 * server doing only the HTTP and JSON part of the same exchange (./serve-child.ts). The servers
 * run in a forked child; this process is the load generator: keep-alive connections, a fixed
 * number of requests in flight, a bounded request count, rounds interleaved edict/bare so load
 * from other processes hits both alike. Every edict answer of the warm-up pass is checked
 * against the compiled engine on the same request.
 */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileEngine } from "../../src/engine/engine.js";
import type { Engine } from "../../src/engine/engine.js";
import { benchKey, signedBundle, targetsOf } from "../lib/bundles.js";
import { generateRequests, generateStatements } from "../lib/generate.js";
import { LoadConnection, postRequest } from "../lib/http-load.js";
import { duration, median, msSince, nowNs, perSecond, quantile, ratio } from "../lib/measure.js";
import type { Row } from "../lib/report.js";
import type { ServeChildMessage, ServeServerKind } from "./serve-child.js";

export interface ServeOptions {
  /** Statements in the bundle's production target. */
  statements: number;
  /** Requests per measured round of the single-decision case. */
  singleRequests: number;
  /** Connections (and requests in flight) of the single-decision case. */
  singleConnections: number;
  /** Requests per batch call (the endpoint's maximum is 10,000). */
  batchSize: number;
  /** Batch calls per measured round. */
  batchCalls: number;
  /** Connections (and calls in flight) of the batch case. */
  batchConnections: number;
  /** Measured rounds per server, interleaved. */
  rounds: number;
  /**
   * The load generator: `lean` (default) writes pre-serialised requests on raw keep-alive sockets
   * (bench/lib/http-load.ts); `agent` uses `http.request` with a keep-alive `http.Agent`, whose own
   * CPU cost caps both servers on a 2-core machine.
   */
  client?: "lean" | "agent";
  log: (line: string) => void;
}

export interface ServeCaseResult {
  server: string;
  case: "single" | "batch";
  /** Decisions per second (requests × decisions per request ÷ wall time), median of rounds. */
  decisionsPerSecond: number;
  /** HTTP calls per second, median of rounds. */
  callsPerSecond: number;
  /** Latency of one HTTP call, all measured rounds pooled. */
  p50Ns: number;
  p99Ns: number;
  calls: number;
}

export interface ServeResult {
  rows: Row[];
  details: { server: string; statements: number; cases: ServeCaseResult[]; disagreements: number; checked: number };
}

const CHILD = fileURLToPath(new URL("./serve-child.ts", import.meta.url));

interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

function startChild(kind: ServeServerKind, bundleFile: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    // the child is TypeScript: under `npm run bench` it inherits `--import tsx`, elsewhere (vitest) it is added
    const execArgv = process.execArgv.some((a) => a.includes("tsx")) ? process.execArgv : ["--import", "tsx"];
    const child: ChildProcess = fork(CHILD, [kind, bundleFile], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv });
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    child.once("exit", (code) => reject(new Error(`${kind} server exited with code ${code} before listening`)));
    child.on("message", (m: ServeChildMessage) => {
      if (m.kind === "error") reject(new Error(`${kind} server: ${m.message}`));
      else
        resolve({
          url: m.url,
          stop: async () => {
            if (child.connected) child.send({ kind: "close" });
            const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
            await exited;
            clearTimeout(timer);
          },
        });
    });
  });
}

/** Sends one request body and resolves with the answer's status and body text. */
type Send = (body: number) => Promise<{ status: number; body: string }>;

/** `connections` senders to `url + path`, one request in flight each, and how to close them. */
async function openClients(kind: "lean" | "agent", url: string, path: string, bodies: readonly Buffer[], connections: number): Promise<{ senders: Send[]; close(): void }> {
  const { hostname, port } = new URL(url);
  if (kind === "lean") {
    const requests = bodies.map((b) => postRequest(hostname, Number(port), path, b));
    const conns = await Promise.all(Array.from({ length: connections }, () => LoadConnection.open(hostname, Number(port))));
    return {
      senders: conns.map((c) => async (i: number) => {
        const answer = await c.send(requests[i % requests.length] as Buffer);
        return { status: answer.status, get body() { return answer.body.toString("utf8"); } };
      }),
      close: () => conns.forEach((c) => c.close()),
    };
  }
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const send: Send = (i) =>
    new Promise((resolve, reject) => {
      const body = bodies[i % bodies.length] as Buffer;
      const req = request(url + path, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": body.length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  return { senders: Array.from({ length: connections }, () => send), close: () => agent.destroy() };
}

interface Round {
  seconds: number;
  latenciesNs: number[];
}

/**
 * `count` requests (bodies cycled), one in flight per sender; every answer must be a 200.
 * `onAnswer` sees each answer (the warm-up pass checks decisions with it).
 */
async function drive(senders: readonly Send[], count: number, onAnswer?: (index: number, body: string) => void): Promise<Round> {
  const latenciesNs: number[] = new Array<number>(count);
  let next = 0;
  const worker = async (send: Send): Promise<void> => {
    while (next < count) {
      const i = next++;
      const start = process.hrtime.bigint();
      const answer = await send(i);
      latenciesNs[i] = Number(process.hrtime.bigint() - start);
      if (answer.status !== 200) throw new Error(`answered ${answer.status}: ${answer.body.slice(0, 300)}`);
      onAnswer?.(i, answer.body);
    }
  };
  const started = nowNs();
  await Promise.all(senders.slice(0, count).map(worker));
  return { seconds: msSince(started) / 1000, latenciesNs };
}

interface CaseSpec {
  name: "single" | "batch";
  path: string;
  bodies: Buffer[];
  calls: number;
  connections: number;
  decisionsPerCall: number;
}

function summarise(server: string, spec: CaseSpec, rounds: readonly Round[]): ServeCaseResult {
  const callRates = rounds.map((r) => spec.calls / r.seconds);
  const pooled = rounds.flatMap((r) => r.latenciesNs);
  const callsPerSecond = median(callRates);
  return {
    server,
    case: spec.name,
    decisionsPerSecond: callsPerSecond * spec.decisionsPerCall,
    callsPerSecond,
    p50Ns: quantile(pooled, 0.5),
    p99Ns: quantile(pooled, 0.99),
    calls: pooled.length,
  };
}

type Wire = { action: string; resource: string; context: { "source.ip": string } };

export async function runServe(options: ServeOptions): Promise<ServeResult> {
  const { log } = options;
  const rows: Row[] = [];
  const serverName = "edict serve";
  const { privateKey } = benchKey();
  const targets = targetsOf(options.statements);
  const production = targets.find((t) => t.target === "production");
  if (production === undefined) throw new Error("bench targets have no production");
  const engine: Engine = compileEngine(production.effective);
  const stream: Wire[] = generateRequests(generateStatements(options.statements, 11), Math.max(options.batchSize, 1_000), 5).map((r) => ({
    action: r.action,
    resource: r.resource,
    context: { "source.ip": r.ip },
  }));
  const single: CaseSpec = {
    name: "single",
    path: "/v1/authorize",
    bodies: stream.map((r) => Buffer.from(JSON.stringify(r))),
    calls: options.singleRequests,
    connections: options.singleConnections,
    decisionsPerCall: 1,
  };
  const batchBody = Buffer.from(JSON.stringify({ requests: stream.slice(0, options.batchSize) }));
  const batch: CaseSpec = { name: "batch", path: "/v1/authorize/batch", bodies: [batchBody], calls: options.batchCalls, connections: options.batchConnections, decisionsPerCall: options.batchSize };
  log(`serve: ${options.statements} statements in production; batch body ${(batchBody.length / 1024 / 1024).toFixed(2)} MB for ${options.batchSize} requests`);

  const dir = mkdtempSync(join(tmpdir(), "edict-bench-serve-"));
  const bundleFile = join(dir, "bench-policies.bundle.json");
  writeFileSync(bundleFile, signedBundle(targets, privateKey));
  const servers: RunningServer[] = [];
  const clients: Array<{ close(): void }> = [];
  const clientKind = options.client ?? "lean";
  let checked = 0;
  let disagreements = 0;
  const cases: ServeCaseResult[] = [];
  try {
    const edict = await startChild("edict", bundleFile);
    servers.push(edict);
    const bare = await startChild("bare", bundleFile);
    servers.push(bare);
    const check = (offset: number, perCall: number) => (index: number, body: string): void => {
      const parsed = JSON.parse(body) as { decision?: string; decisions?: Array<{ decision: string }> };
      const got = perCall === 1 ? [parsed.decision] : (parsed.decisions ?? []).map((d) => d.decision);
      if (got.length !== perCall) throw new Error(`edict answered ${got.length} decisions for ${perCall} requests`);
      for (let k = 0; k < perCall; k++) {
        const request = stream[perCall === 1 ? (offset + index) % single.bodies.length : k] as Wire;
        checked++;
        if (engine.authorize(request).decision !== got[k]) {
          disagreements++;
          if (disagreements <= 10) log(`serve: disagreement on ${request.action} ${request.resource} ${request.context["source.ip"]}: engine ${engine.authorize(request).decision}, served ${got[k]}`);
        }
      }
    };
    for (const spec of [single, batch]) {
      const to = {
        edict: await openClients(clientKind, edict.url, spec.path, spec.bodies, spec.connections),
        bare: await openClients(clientKind, bare.url, spec.path, spec.bodies, spec.connections),
      };
      clients.push(to.edict, to.bare);
      // warm-up: one pass over each server (edict's answers checked), then interleaved rounds
      const warmCalls = spec.name === "single" ? Math.min(spec.bodies.length, spec.calls) : Math.max(2, Math.ceil(spec.calls / 4));
      await drive(to.edict.senders, warmCalls, check(0, spec.decisionsPerCall));
      await drive(to.bare.senders, warmCalls);
      const measured: Record<"edict" | "bare", Round[]> = { edict: [], bare: [] };
      for (let r = 0; r < options.rounds; r++) {
        const order = r % 2 === 0 ? (["edict", "bare"] as const) : (["bare", "edict"] as const);
        for (const who of order) measured[who].push(await drive(to[who].senders, spec.calls));
      }
      for (const who of ["edict", "bare"] as const) {
        const res = summarise(who === "edict" ? serverName : `bare node:http (${spec.name === "single" ? "constant body" : "parse + constant decisions"})`, spec, measured[who]);
        cases.push(res);
        log(`serve: ${spec.name}: ${res.server}: ${perSecond(res.decisionsPerSecond)} decisions, ${perSecond(res.callsPerSecond)} calls, p50 ${duration(res.p50Ns)} · p99 ${duration(res.p99Ns)} (n=${res.calls})`);
      }
      to.edict.close();
      to.bare.close();
    }
  } finally {
    for (const c of clients) c.close();
    for (const s of servers) await s.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }

  const find = (name: "single" | "batch", edictSide: boolean): ServeCaseResult => {
    const found = cases.find((c) => c.case === name && (c.server === serverName) === edictSide);
    if (found === undefined) throw new Error(`serve: no ${name} result`);
    return found;
  };
  const label = (spec: CaseSpec): string =>
    spec.name === "single"
      ? `POST /v1/authorize, ${spec.connections} keep-alive connections${clientKind === "agent" ? " (http.Agent client)" : ""}, ${spec.calls.toLocaleString("en-US")} requests × ${options.rounds} rounds`
      : `POST /v1/authorize/batch (${options.batchSize.toLocaleString("en-US")} requests a call), ${spec.connections} connections, ${spec.calls} calls × ${options.rounds} rounds`;
  for (const spec of [single, batch]) {
    const e = find(spec.name, true);
    const b = find(spec.name, false);
    for (const c of [e, b]) {
      rows.push({
        section: "serve",
        case: `${c.server}, ${label(spec)}`,
        result: `${perSecond(c.decisionsPerSecond)} decisions${spec.name === "batch" ? ` (${perSecond(c.callsPerSecond)} calls)` : ""} · p50 ${duration(c.p50Ns)} · p99 ${duration(c.p99Ns)}`,
        values: { decisionsPerSecond: c.decisionsPerSecond, callsPerSecond: c.callsPerSecond, p50Ns: c.p50Ns, p99Ns: c.p99Ns, calls: c.calls },
      });
    }
    const r = e.decisionsPerSecond / b.decisionsPerSecond;
    rows.push({
      section: "serve",
      case: `${serverName} ÷ bare node:http, ${spec.name === "single" ? "single decision" : `batch of ${options.batchSize.toLocaleString("en-US")}`} (throughput)`,
      result: ratio(r),
      target: "≥ 0.50×",
      status: r >= 0.5 ? "met" : "missed",
      values: { ratio: r },
    });
    if (spec.name === "single") {
      // p99 ≤ 5 ms, or within 1.5× of the bare server's own p99 when that is already over 5 ms
      const limitNs = b.p99Ns > 5e6 ? 1.5 * b.p99Ns : 5e6;
      rows.push({
        section: "serve",
        case: `${serverName} p99, single decision at that load (bare p99 ${duration(b.p99Ns)})`,
        result: duration(e.p99Ns),
        target: b.p99Ns > 5e6 ? `≤ 1.5 × bare p99 = ${duration(limitNs)}` : "≤ 5 ms",
        status: e.p99Ns <= limitNs ? "met" : "missed",
        values: { p99Ns: e.p99Ns, bareP99Ns: b.p99Ns, limitNs },
      });
    }
  }
  rows.push({
    section: "serve",
    case: `served decisions agree with the compiled engine (warm-up pass)`,
    result: `${disagreements} disagreements in ${checked.toLocaleString("en-US")} comparisons`,
    target: "0",
    status: disagreements === 0 ? "met" : "missed",
    values: { disagreements, comparisons: checked },
  });
  return { rows, details: { server: serverName, statements: options.statements, cases, disagreements, checked } };
}
