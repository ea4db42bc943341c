/**
 * The decision endpoints: each one parses its request (./validate.ts), asks the engine, and gives
 * the answer as JSON with the bundle that decided it. Any exception while evaluating is a 500 with
 * no decision (fail closed), never an allow.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { AccessRequest } from "../engine/access/types.js";
import type { Engine } from "../engine/engine.js";
import type { BundleMeta } from "../loader/types.js";
import { HttpError } from "./http-errors.js";
import type { ServeMetrics } from "./serve-metrics.js";
import type { DecisionKind, DecisionLogSink, ServedDecision } from "./types.js";
import { toAccessRequest, toBatch, toDataDecide, toPosture, toScan, toToolCheck } from "./validate.js";

/** One decision: the JSON-able answer and the word it is counted under. */
interface Answer {
  result: object;
  decision: string;
}

/** A decision endpoint: how its body becomes an input, and how the engine answers it. */
export interface DecisionEndpoint<I = unknown> {
  kind: DecisionKind;
  parse(body: unknown, now: () => Date): I;
  decide(engine: Engine, input: I): Answer;
  /** What the decision log shows as `input`. */
  logInput(input: I): unknown;
}

const authorize: DecisionEndpoint<AccessRequest> = {
  kind: "authorize",
  parse: (body) => toAccessRequest(body),
  decide(engine, input) {
    const d = engine.authorize(input);
    return { result: d, decision: d.decision };
  },
  logInput: (input) => input,
};

const toolsCheck: DecisionEndpoint<ReturnType<typeof toToolCheck>> = {
  kind: "tools.check",
  parse: toToolCheck,
  decide(engine, { uri, facts }) {
    const d = engine.checkTool(uri, facts);
    return { result: d, decision: d.allowed ? "allow" : "deny" };
  },
  logInput: (input) => (input.facts === undefined ? { uri: input.uri } : input),
};

const dataDecide: DecisionEndpoint<ReturnType<typeof toDataDecide>> = {
  kind: "data.decide",
  parse: toDataDecide,
  decide(engine, { request, now }) {
    const d = engine.decideData(request, now);
    return { result: d, decision: d.action };
  },
  logInput: (input) => ({ request: input.request, now: input.now.toISOString() }),
};

const scan: DecisionEndpoint<ReturnType<typeof toScan>> = {
  kind: "scan",
  parse: toScan,
  decide(engine, { text, location }) {
    const findings = engine.scan(text, location);
    return { result: { findings }, decision: findings.length > 0 ? "flagged" : "clean" };
  },
  logInput: (input) => input,
};

const posture: DecisionEndpoint<ReturnType<typeof toPosture>> = {
  kind: "posture",
  parse: toPosture,
  decide(engine, facts) {
    const d = engine.posture(facts);
    return { result: d, decision: d.allowed ? "allow" : "deny" };
  },
  logInput: (facts) => ({ facts }),
};

export const DECISION_ENDPOINTS = {
  "/v1/authorize": authorize,
  "/v1/tools/check": toolsCheck,
  "/v1/data/decide": dataDecide,
  "/v1/scan": scan,
  "/v1/posture": posture,
} as const;

/** Who answers: the engine to ask and the bundle (and overlay) it speaks for. */
export interface Decider {
  engine: Engine;
  meta: BundleMeta;
  overlay: string | undefined;
  metrics: ServeMetrics;
  decisionLog: DecisionLogSink | undefined;
}

/** `{"name", "version", "serial", "revision"}` of a bundle, serialised once per bundle. */
const bundleJsonCache = new WeakMap<BundleMeta, string>();
export function bundleJson(meta: BundleMeta): string {
  let json = bundleJsonCache.get(meta);
  if (json === undefined) {
    json = JSON.stringify({ name: meta.name, version: meta.version, serial: meta.serial, revision: meta.revision });
    bundleJsonCache.set(meta, json);
  }
  return json;
}

/** `resultJson` (an object) with `"bundle": …` added as its last member. */
export function withBundle(resultJson: string, meta: BundleMeta): string {
  const bundle = bundleJson(meta);
  return resultJson.length <= 2 ? `{"bundle":${bundle}}` : `${resultJson.slice(0, -1)},"bundle":${bundle}}`;
}

/** The engine failed: no decision, only an error (the cause goes to the operator's log). */
export class EvaluationError extends HttpError {
  constructor(readonly failure: unknown) {
    super(500, "INTERNAL", "the request could not be evaluated; no decision was made (see the server log)");
  }
}

function record(d: Decider, kind: DecisionKind, answer: Answer, seconds: number, input: unknown): void {
  d.metrics.decisions.inc([kind, answer.decision]);
  d.metrics.duration.observe(seconds);
  const log = d.decisionLog;
  if (log === undefined) return;
  const entry: ServedDecision = {
    time: new Date().toISOString(),
    decision_id: randomUUID(),
    kind,
    input,
    result: { decision: answer.decision, ...(answer.result as Record<string, unknown>) },
    bundle: { name: d.meta.name, serial: d.meta.serial, revision: d.meta.revision },
    duration_us: Math.round(seconds * 1e6),
  };
  if (d.overlay !== undefined) entry.overlay = d.overlay;
  try {
    log.record(entry, d.meta.effective.access.AuditLog);
  } catch {
    // the log must never change or delay a decision
  }
}

function evaluate<I>(d: Decider, endpoint: DecisionEndpoint<I>, input: I): Answer {
  const start = performance.now();
  let answer: Answer;
  try {
    answer = endpoint.decide(d.engine, input);
  } catch (e) {
    throw new EvaluationError(e);
  }
  record(d, endpoint.kind, answer, (performance.now() - start) / 1000, d.decisionLog === undefined ? undefined : endpoint.logInput(input));
  return answer;
}

/** The response body of one decision endpoint; throws an HttpError (400, 500). */
export function answerOne<I>(d: Decider, endpoint: DecisionEndpoint<I>, body: unknown, now: () => Date): string {
  const input = endpoint.parse(body, now);
  const answer = evaluate(d, endpoint, input);
  let json: string;
  try {
    json = JSON.stringify(answer.result);
  } catch (e) {
    throw new EvaluationError(e);
  }
  return withBundle(json, d.meta);
}

/** `{"decisions": [...], "bundle": …}` for `{"requests": [...]}`, in order; every request is checked before any is answered. */
export function answerBatch(d: Decider, body: unknown): string {
  const requests = toBatch(body);
  const results = new Array<object>(requests.length);
  for (let i = 0; i < requests.length; i++) results[i] = evaluate(d, authorize, requests[i]!).result;
  let json: string;
  try {
    json = JSON.stringify(results);
  } catch (e) {
    throw new EvaluationError(e);
  }
  return `{"decisions":${json},"bundle":${bundleJson(d.meta)}}`;
}
