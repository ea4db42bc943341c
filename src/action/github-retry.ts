/**
 * Retrying GitHub calls: an Octokit plugin that puts every request of a client (REST calls,
 * each page of a listing, asset uploads and downloads) through `withRetries`, which waits as
 * retry-policy.ts decides. A call that still fails keeps its error (and its HTTP status, which
 * callers act on), with what the retries did noted beside it for the message.
 */
import type { getOctokit } from "@actions/github";
import { classifyFailure, DEFAULT_RETRY_POLICY, nextRetry } from "./retry-policy.js";
import type { RetryableFailure, RetryPolicy } from "./retry-policy.js";

/** A plugin as `getOctokit(token, options, ...plugins)` takes it. */
export type OctokitPlugin = NonNullable<Parameters<typeof getOctokit>[2]>;

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetryOptions {
  /** Overrides of DEFAULT_RETRY_POLICY. */
  policy?: Partial<RetryPolicy>;
  /** Waits between attempts; a real timer unless told (tests record the waits instead). */
  sleep?: Sleep;
  /** Told one line per retry, for the log. */
  onRetry?: (line: string) => void;
  /** The clock, for `retry-after` dates and rate-limit resets. */
  now?: () => number;
}

/** What the retries of a call that failed in the end did. */
export interface RetryRecord {
  attempts: number;
  waitedMs: number;
  /**
   * Set when the last failure was retryable but not retried: "" when the attempts were used up,
   * else why (a wait longer than allowed, the waiting budget spent).
   */
  stopped?: string;
}

const records = new WeakMap<object, RetryRecord>();

/** What retrying did before `error` was thrown; undefined when the call was made once. */
export function retriesOf(error: unknown): RetryRecord | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  return records.get(error) ?? retriesOf((error as { cause?: unknown }).cause);
}

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    // an abort ends the wait; the next attempt then fails at once with the abort
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });

/** The waiting one client has done, shared by all its calls so the whole run stays bounded. */
export interface RetryBudget {
  waitedMs: number;
}

export interface RetryCall {
  /** "GET /repos/acme/policies/releases", for the log. */
  what: string;
  signal?: AbortSignal;
  /** Which failures are worth retrying; Octokit's errors (`classifyFailure`) unless told. */
  classify?: (error: unknown, nowMs: number) => RetryableFailure | undefined;
}

function resolved(options: RetryOptions): { policy: RetryPolicy; sleep: Sleep; now: () => number } {
  return { policy: { ...DEFAULT_RETRY_POLICY, ...options.policy }, sleep: options.sleep ?? realSleep, now: options.now ?? Date.now };
}

/**
 * Runs `attempt` until it succeeds, fails in a way not worth retrying, or the policy says stop.
 * Any call to GitHub can use it: Octokit's errors are classified unless `call.classify` says how.
 */
export async function withRetries<T>(attempt: () => Promise<T>, call: RetryCall, options: RetryOptions = {}, budget: RetryBudget = { waitedMs: 0 }): Promise<T> {
  const { policy, sleep, now } = resolved(options);
  let waitedMs = 0;
  for (let attempts = 1; ; attempts++) {
    try {
      return await attempt();
    } catch (e) {
      const failure = call.signal?.aborted ? undefined : (call.classify ?? classifyFailure)(e, now());
      const step = failure ? nextRetry(failure, attempts, budget.waitedMs, policy) : undefined;
      if (!failure || !step || !step.retry) {
        if (typeof e === "object" && e !== null && (attempts > 1 || step)) {
          records.set(e, { attempts, waitedMs, ...(step && !step.retry ? { stopped: step.why ?? "" } : {}) });
        }
        throw e;
      }
      options.onRetry?.(
        `GitHub answered ${failure.kind === "connection failure" ? "nothing (connection failed)" : `HTTP ${failure.status} (${failure.kind})`} to ${call.what}: ` +
          `retrying in ${formatDelay(step.delayMs)} (attempt ${attempts + 1} of ${policy.maxAttempts})`,
      );
      budget.waitedMs += step.delayMs;
      waitedMs += step.delayMs;
      await sleep(step.delayMs, call.signal);
    }
  }
}

function formatDelay(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/** "POST /uploads/repos/acme/policies/releases/1/assets" from a request's route, URL or URL template, without the query. */
function routeOf(options: { method?: string; url?: string; [parameter: string]: unknown }): string {
  const url = (options.url ?? "")
    .replace(/\{\?[^}]*\}$/, "")
    .replace(/\?.*$/, "")
    .replace(/^[a-z]+:\/\/[^/]+/i, "")
    .replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = options[name];
      return typeof value === "string" || typeof value === "number" ? encodeURIComponent(String(value)) : whole;
    });
  return `${options.method ?? "GET"} ${url}`;
}

/**
 * The Octokit plugin: every request of the client goes through `withRetries`, with one waiting
 * budget for the client.
 *
 * @example
 * const octokit = getOctokit(token, { baseUrl }, retryPlugin({ onRetry: (l) => core.info(l) }));
 */
export function retryPlugin(options: RetryOptions = {}): OctokitPlugin {
  return (octokit) => {
    const budget: RetryBudget = { waitedMs: 0 };
    octokit.hook.wrap("request", (request, requestOptions) => {
      const signal = (requestOptions.request as { signal?: AbortSignal } | undefined)?.signal;
      const call: RetryCall = { what: routeOf(requestOptions), ...(signal ? { signal } : {}) };
      return withRetries(async () => request(requestOptions), call, options, budget);
    });
  };
}
