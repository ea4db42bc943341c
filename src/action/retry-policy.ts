/**
 * When a failed GitHub call is worth trying again, and after how long. Pure: the error's status
 * and headers and the clock go in, a decision comes out; github-retry.ts does the waiting.
 *
 * Retried: 5xx answers and failed connections, 429, and a 403 that is a rate limit (a
 * `retry-after` header, the "secondary rate limit" message, or `x-ratelimit-remaining: 0`).
 * Every other 4xx fails at once: a 404 or 422 means something (publish resumes on them) and a
 * read-only token's 403 will not change.
 */

export interface RetryPolicy {
  /** Attempts of one call at most, the first included. */
  maxAttempts: number;
  /** The first wait after a server error; it doubles with each retry. */
  baseDelayMs: number;
  /** The wait after a rate limit that does not say how long (GitHub asks for at least a minute). */
  rateLimitDelayMs: number;
  /** The longest single wait; a `retry-after` asking for more is not waited for. */
  maxDelayMs: number;
  /** All the waiting one client does, over every call of the run. */
  maxTotalDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 2_000,
  rateLimitDelayMs: 60_000,
  maxDelayMs: 60_000,
  maxTotalDelayMs: 300_000,
};

export type FailureKind = "server error" | "connection failure" | "rate limit" | "secondary rate limit";

export interface RetryableFailure {
  kind: FailureKind;
  /** The HTTP status; 500 for a connection that failed without an answer (as Octokit reports it). */
  status: number;
  /** How long GitHub asked to wait (`retry-after`, or until `x-ratelimit-reset`). */
  askedDelayMs?: number;
}

/** Retry after `delayMs`, or stop; `why` says why when it is not simply that the attempts are used up. */
export type RetryStep = { retry: true; delayMs: number } | { retry: false; why?: string };

type Headers = Record<string, string | number | undefined>;

/** Seconds (`120`) or an HTTP date, as milliseconds from now; undefined when it is neither. */
export function parseRetryAfter(value: string | number | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value).trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return v === undefined ? undefined : String(v);
}

/**
 * What a failed call's error says about retrying it; undefined when it is not worth retrying
 * (any 4xx but a rate limit, an aborted call, an error that is no HTTP failure).
 */
export function classifyFailure(error: unknown, nowMs: number): RetryableFailure | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const e = error as { status?: unknown; name?: unknown; message?: unknown; response?: { headers?: Headers } };
  // a timeout or a caller's abort: trying again would only fail the same way
  if (e.name === "AbortError" || e.name === "TimeoutError") return undefined;
  if (typeof e.status !== "number") return undefined;
  const status = e.status;
  const headers: Headers = e.response?.headers ?? {};
  const retryAfter = parseRetryAfter(header(headers, "retry-after"), nowMs);
  const asked = retryAfter === undefined ? {} : { askedDelayMs: retryAfter };
  if (status >= 500) return { kind: e.response ? "server error" : "connection failure", status, ...asked };
  if (status !== 403 && status !== 429) return undefined;
  const reset = header(headers, "x-ratelimit-reset");
  if (header(headers, "x-ratelimit-remaining") === "0" && reset !== undefined && /^\d+$/.test(reset)) {
    // one second past the reset, as GitHub advises
    return { kind: "rate limit", status, askedDelayMs: retryAfter ?? Math.max(0, Number(reset) * 1000 - nowMs) + 1000 };
  }
  const message = typeof e.message === "string" ? e.message : "";
  if (retryAfter !== undefined || /secondary rate limit|abuse detection/i.test(message) || status === 429) {
    return { kind: "secondary rate limit", status, ...asked };
  }
  // a plain 403: a read-only token or a missing permission, which waiting does not change
  return undefined;
}

function seconds(ms: number): string {
  return `${Math.ceil(ms / 1000)} s`;
}

/**
 * Whether to try again after `attempts` attempts of one call failed, the last with `failure`,
 * when the client has already waited `waitedMs` in all.
 */
export function nextRetry(failure: RetryableFailure, attempts: number, waitedMs: number, policy: RetryPolicy): RetryStep {
  if (attempts >= policy.maxAttempts) return { retry: false };
  if (failure.askedDelayMs !== undefined && failure.askedDelayMs > policy.maxDelayMs) {
    return { retry: false, why: `GitHub asks to wait ${seconds(failure.askedDelayMs)}, longer than the ${seconds(policy.maxDelayMs)} the Action waits at a time; re-run the job later` };
  }
  const rateLimited = failure.kind === "rate limit" || failure.kind === "secondary rate limit";
  const backoff = rateLimited ? policy.rateLimitDelayMs : policy.baseDelayMs * 2 ** (attempts - 1);
  const delayMs = Math.min(failure.askedDelayMs ?? backoff, policy.maxDelayMs);
  if (waitedMs + delayMs > policy.maxTotalDelayMs) {
    return { retry: false, why: `the ${seconds(policy.maxTotalDelayMs)} the Action waits for GitHub in all are spent` };
  }
  return { retry: true, delayMs };
}
