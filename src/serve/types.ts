/**
 * What the server needs from its collaborators: the decision log (./decision-log.ts) and the host
 * overlays (./overlays.ts), described by the methods it calls so either can be left out.
 */
import type { Engine } from "../engine/engine.js";
import type { Loader } from "../loader/types.js";
import type { AuditSettings, DecisionEntry, DecisionKind } from "./decision-line.js";

export type { AuditSettings, DecisionKind };

/** One decision as the decision log receives it (the log's own entry type). */
export type ServedDecision = DecisionEntry;

export interface DecisionLogSink {
  /** Never blocks, never throws. */
  record(entry: ServedDecision, audit: AuditSettings | undefined): void;
  /** Lines dropped because the buffer was full. */
  dropped(): number;
  flush(): Promise<void>;
}

/** The engine with the host overlays applied on top of the active bundle's target. */
export interface OverlaySource {
  /** Undefined before the first bundle, or when the overlays were refused. */
  engine(): Engine | undefined;
  digest(): string | undefined;
  /** Why the overlays were refused ("file:line:col: message"), when they were. */
  error(): string | undefined;
}

export interface ServeOptions {
  /** Created by the caller; `startServe` loads it (retrying until it succeeds) and serves its engine. */
  loader: Loader;
  listen: { host: string; port: number };
  /** When set, `/v1/*` and `/metrics` need `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest request body in bytes. */
  maxBodyBytes: number;
  decisionLog?: DecisionLogSink;
  overlays?: OverlaySource;
  /** The clock for readiness (bundle expiry) and data decisions without `now`. */
  now?: () => Date;
  /** One line for the operator (loader errors); nothing unless told. */
  log?: (line: string) => void;
  /** Milliseconds between attempts of a first load that failed; 5 000 unless told. */
  loadRetryMs?: number;
}

export interface ServeHandle {
  url: string;
  host: string;
  port: number;
  /** Stops accepting, finishes the requests in flight within `graceMs` (5 000), flushes the decision log. */
  close(opts?: { graceMs?: number }): Promise<void>;
}
