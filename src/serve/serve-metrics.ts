/** The metrics `edict serve` exposes on `/metrics`, named as the API documents them. */
import type { Loader } from "../loader/types.js";
import { Counter, Histogram, Registry, Sampled } from "./metrics.js";
import type { DecisionLogSink } from "./types.js";

export interface ServeMetrics {
  registry: Registry;
  /** `edict_decisions_total{kind,decision}`. */
  decisions: Counter;
  /** `edict_decision_duration_seconds`. */
  duration: Histogram;
  /** `edict_bundle_errors_total{code}`. */
  bundleErrors: Counter;
  /** `edict_http_requests_total{route,status}`. */
  http: Counter;
}

const seconds = (iso: string | null | undefined): number | undefined => {
  if (iso === null || iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms / 1000;
};

export function createServeMetrics(loader: Loader, decisionLog: DecisionLogSink | undefined): ServeMetrics {
  const registry = new Registry();
  const decisions = registry.add(new Counter("edict_decisions_total", "Decisions answered, by endpoint kind and decision.", ["kind", "decision"]));
  const duration = registry.add(new Histogram("edict_decision_duration_seconds", "Time the engine took for one decision, in seconds."));
  registry.add(new Sampled("edict_bundle_serial", "Serial of the active bundle.", "gauge", () => loader.engine?.meta.serial));
  registry.add(new Sampled("edict_bundle_expires_timestamp_seconds", "When the active bundle expires, in Unix seconds.", "gauge", () => seconds(loader.status().expiresAt)));
  registry.add(new Sampled("edict_bundle_last_success_timestamp_seconds", "Last successful bundle retrieval, in Unix seconds.", "gauge", () => seconds(loader.status().lastSuccess)));
  const bundleErrors = registry.add(new Counter("edict_bundle_errors_total", "Bundle retrieval, verification and cache errors, by code.", ["code"]));
  const http = registry.add(new Counter("edict_http_requests_total", "HTTP requests answered, by route and status.", ["route", "status"]));
  registry.add(new Sampled("edict_decision_log_dropped_total", "Decision log lines dropped because the buffer was full.", "counter", () => decisionLog?.dropped() ?? 0));
  return { registry, decisions, duration, bundleErrors, http };
}
