/**
 * The route table of `edict serve` and the dispatch of one request: 404 for an unknown path, 405
 * for a wrong method, 401 without the token, 415 for a POST that is not JSON, 503 while no bundle
 * is active, 413 for a body over the cap, 400 for bad JSON or a wrongly shaped request.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Loader } from "../loader/types.js";
import { readBody } from "./body.js";
import { answerBatch, answerOne, DECISION_ENDPOINTS, EvaluationError } from "./decisions.js";
import type { Decider, DecisionEndpoint } from "./decisions.js";
import { badRequest, errorBody, HttpError, toHttpError } from "./http-errors.js";
import { PROMETHEUS_CONTENT_TYPE } from "./metrics.js";
import type { ServeMetrics } from "./serve-metrics.js";
import type { DecisionLogSink, OverlaySource } from "./types.js";

/** What every handler reads. */
export interface ServeState {
  loader: Loader;
  overlays: OverlaySource | undefined;
  decisionLog: DecisionLogSink | undefined;
  metrics: ServeMetrics;
  now: () => Date;
  maxBodyBytes: number;
  /** SHA-256 of the expected bearer token, when one is required. */
  tokenDigest: Buffer | undefined;
  log: (line: string) => void;
  /** True once the server is shutting down: answers close their connection. */
  closing: boolean;
}

type Handler = (state: ServeState, req: IncomingMessage, res: ServerResponse, route: string) => void;

interface Route {
  method: "GET" | "POST";
  /** Whether the token (when configured) is required; the health probes never need it. */
  auth: boolean;
  handle: Handler;
}

const JSON_TYPE = "application/json";

/** Writes a whole response and counts it. */
export function respond(state: ServeState, res: ServerResponse, route: string, status: number, contentType: string, body: string, headers?: Readonly<Record<string, string>>): void {
  const head: Record<string, string | number> = { "content-type": contentType, "content-length": Buffer.byteLength(body) };
  if (headers !== undefined) Object.assign(head, headers);
  if (state.closing) head.connection = "close";
  res.writeHead(status, head);
  res.end(body);
  state.metrics.http.inc([route, String(status)]);
}

function respondError(state: ServeState, res: ServerResponse, route: string, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  respond(state, res, route, error.status, JSON_TYPE, errorBody(error.code, error.message), { "cache-control": "no-store", ...error.headers });
}

/** The engine and bundle that answer now, or a 503 while there is none. */
function decider(state: ServeState): Decider {
  const loaded = state.loader.engine;
  if (loaded === undefined) throw new HttpError(503, "NO_BUNDLE", "no verified bundle is active yet; see /v1/status for the last retrieval error");
  const overlays = state.overlays;
  // refused overlays leave the bundle answering alone (and /health/ready says why)
  const engine = overlays?.engine() ?? loaded;
  return { engine, meta: loaded.meta, overlay: engine === loaded ? undefined : overlays?.digest(), metrics: state.metrics, decisionLog: state.decisionLog };
}

function isJsonType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.length < JSON_TYPE.length) return false;
  if (contentType.slice(0, JSON_TYPE.length).toLowerCase() !== JSON_TYPE) return false;
  const next = contentType[JSON_TYPE.length];
  return next === undefined || next === ";" || next === " ";
}

function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) throw badRequest("the body is empty; send a JSON object");
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw badRequest(`the body is not valid JSON: ${(e as Error).message}`);
  }
}

/** A POST route: JSON in, `answer(decider, body)` out. */
function post(answer: (d: Decider, body: unknown, state: ServeState) => string): Route {
  return {
    method: "POST",
    auth: true,
    handle(state, req, res, route) {
      if (!isJsonType(req.headers["content-type"])) {
        respondError(state, res, route, new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", `send the body as JSON with content-type: ${JSON_TYPE}`));
        return;
      }
      let d: Decider;
      try {
        d = decider(state);
      } catch (e) {
        respondError(state, res, route, toHttpError(e));
        return;
      }
      readBody(req, state.maxBodyBytes).then(
        (bytes) => {
          let body: string;
          try {
            body = answer(d, parseJson(bytes), state);
          } catch (e) {
            if (e instanceof EvaluationError) state.log(`edict serve: ${route}: evaluation failed: ${describe(e.failure)}`);
            else if (!(e instanceof HttpError)) state.log(`edict serve: ${route}: ${describe(e)}`);
            respondError(state, res, route, toHttpError(e));
            return;
          }
          respond(state, res, route, 200, JSON_TYPE, body);
        },
        (e: unknown) => respondError(state, res, route, toHttpError(e)),
      );
    },
  };
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

function get(body: (state: ServeState) => { status: number; json: string }): Route {
  return {
    method: "GET",
    auth: true,
    handle(state, _req, res, route) {
      const { status, json } = body(state);
      respond(state, res, route, status, JSON_TYPE, json, { "cache-control": "no-store" });
    },
  };
}

/** `/v1/status`: the loader's status, with the overlays' digest or error when overlays are used. */
export function statusBody(state: ServeState): object {
  const status = state.loader.status();
  const overlays = state.overlays;
  if (overlays === undefined) return status;
  const digest = overlays.digest();
  const error = overlays.error();
  return { ...status, overlay: { ...(digest === undefined ? {} : { digest }), ...(error === undefined ? {} : { error }) } };
}

/** Why the server is not ready, or undefined when it is. */
export function notReadyReason(state: ServeState): string | undefined {
  const status = state.loader.status();
  if (state.loader.engine === undefined) {
    return `no verified bundle is active yet${status.lastError ? ` (last error ${status.lastError.code}: ${status.lastError.message})` : ""}`;
  }
  const expires = status.expiresAt === null ? NaN : Date.parse(status.expiresAt);
  if (!(expires > state.now().getTime())) return `the active bundle (serial ${status.serial}) expired at ${status.expiresAt}; publish a new bundle`;
  const overlayError = state.overlays?.error();
  if (overlayError !== undefined) return `host overlay refused: ${overlayError}`;
  return undefined;
}

const decisionRoute = <I>(endpoint: DecisionEndpoint<I>): Route => post((d, body, state) => answerOne(d, endpoint, body, state.now));

export const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ["/v1/authorize", decisionRoute(DECISION_ENDPOINTS["/v1/authorize"])],
  ["/v1/authorize/batch", post((d, body) => answerBatch(d, body))],
  ["/v1/tools/check", decisionRoute(DECISION_ENDPOINTS["/v1/tools/check"])],
  ["/v1/data/decide", decisionRoute(DECISION_ENDPOINTS["/v1/data/decide"])],
  ["/v1/scan", decisionRoute(DECISION_ENDPOINTS["/v1/scan"])],
  ["/v1/posture", decisionRoute(DECISION_ENDPOINTS["/v1/posture"])],
  ["/v1/status", get((state) => ({ status: 200, json: JSON.stringify(statusBody(state)) }))],
  ["/health/live", { ...get(() => ({ status: 200, json: '{"status":"live"}' })), auth: false }],
  [
    "/health/ready",
    {
      ...get((state) => {
        const reason = notReadyReason(state);
        return reason === undefined ? { status: 200, json: JSON.stringify({ status: "ready", serial: state.loader.status().serial }) } : { status: 503, json: errorBody("NOT_READY", reason) };
      }),
      auth: false,
    },
  ],
  [
    "/metrics",
    {
      method: "GET",
      auth: true,
      handle(state, _req, res, route) {
        // counted first, so a scrape sees itself
        state.metrics.http.inc([route, "200"]);
        const text = state.metrics.registry.render();
        res.writeHead(200, { "content-type": PROMETHEUS_CONTENT_TYPE, "content-length": Buffer.byteLength(text), ...(state.closing ? { connection: "close" } : {}) });
        res.end(text);
      },
    },
  ],
]);

/** The SHA-256 of a token, compared in constant time (equal lengths whatever the input). */
export function tokenDigest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

function authorized(state: ServeState, req: IncomingMessage): boolean {
  const expected = state.tokenDigest;
  if (expected === undefined) return true;
  const header = req.headers.authorization;
  if (header === undefined || header.length < 7 || header.slice(0, 7).toLowerCase() !== "bearer ") return false;
  return timingSafeEqual(tokenDigest(header.slice(7).trim()), expected);
}

/** Answers one request. Never throws. */
export function dispatch(state: ServeState, req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  const route = ROUTES.get(path);
  try {
    if (route === undefined) {
      respondError(state, res, "unmatched", new HttpError(404, "NOT_FOUND", `no route ${JSON.stringify(path.slice(0, 200))}; see /v1/status, /v1/authorize, /health/ready, /metrics`));
      return;
    }
    if (req.method !== route.method) {
      respondError(state, res, path, new HttpError(405, "METHOD_NOT_ALLOWED", `${path} takes ${route.method}, not ${req.method}`, { allow: route.method }));
      return;
    }
    if (route.auth && !authorized(state, req)) {
      respondError(state, res, path, new HttpError(401, "UNAUTHORIZED", "send Authorization: Bearer <token> (the value of the variable named by --token-env)", { "www-authenticate": 'Bearer realm="edict"' }));
      return;
    }
    route.handle(state, req, res, path);
  } catch (e) {
    state.log(`edict serve: ${path}: ${describe(e)}`);
    respondError(state, res, route === undefined ? "unmatched" : path, toHttpError(e));
  }
}
