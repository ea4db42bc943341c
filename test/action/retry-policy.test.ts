/** The retry decisions, pure: which failures are retried and after how long. */
import { describe, expect, it } from "vitest";
import { classifyFailure, DEFAULT_RETRY_POLICY, nextRetry, parseRetryAfter } from "../../src/action/retry-policy.js";
import type { RetryableFailure } from "../../src/action/retry-policy.js";

const NOW = Date.parse("2025-03-01T12:00:00Z");

/** An error shaped as Octokit's RequestError: a status, and the response when GitHub answered. */
function requestError(status: number, headers: Record<string, string> = {}, message = "Error", answered = true) {
  return Object.assign(new Error(message), { name: "HttpError", status, ...(answered ? { response: { headers } } : {}) });
}

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates, as milliseconds from now", () => {
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
    expect(parseRetryAfter(" 0 ", NOW)).toBe(0);
    expect(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30_000);
    expect(parseRetryAfter(new Date(NOW - 30_000).toUTCString(), NOW)).toBe(0);
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});

describe("classifyFailure", () => {
  it("retries server errors and connections that failed without an answer", () => {
    expect(classifyFailure(requestError(502), NOW)).toEqual({ kind: "server error", status: 502 });
    expect(classifyFailure(requestError(503, { "retry-after": "5" }), NOW)).toEqual({ kind: "server error", status: 503, askedDelayMs: 5000 });
    expect(classifyFailure(requestError(500, {}, "other side closed", false), NOW)).toEqual({ kind: "connection failure", status: 500 });
  });

  it("retries 429 and the 403s that are rate limits, with the wait GitHub asks for", () => {
    expect(classifyFailure(requestError(429), NOW)).toEqual({ kind: "secondary rate limit", status: 429 });
    expect(classifyFailure(requestError(429, { "retry-after": "7" }), NOW)).toEqual({ kind: "secondary rate limit", status: 429, askedDelayMs: 7000 });
    expect(classifyFailure(requestError(403, { "retry-after": "1" }, "Forbidden"), NOW)).toEqual({ kind: "secondary rate limit", status: 403, askedDelayMs: 1000 });
    expect(classifyFailure(requestError(403, {}, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."), NOW)).toEqual({
      kind: "secondary rate limit",
      status: 403,
    });
    const reset = String(Math.floor(NOW / 1000) + 30);
    expect(classifyFailure(requestError(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }, "API rate limit exceeded"), NOW)).toEqual({
      kind: "rate limit",
      status: 403,
      askedDelayMs: 31_000,
    });
  });

  it("does not retry other 4xx, aborts, or errors that are no HTTP failure", () => {
    for (const status of [400, 401, 404, 409, 410, 422]) expect(classifyFailure(requestError(status), NOW)).toBeUndefined();
    // a read-only token: waiting does not change it
    expect(classifyFailure(requestError(403, {}, "Resource not accessible by integration"), NOW)).toBeUndefined();
    expect(classifyFailure(Object.assign(new Error("aborted"), { name: "AbortError", status: 500 }), NOW)).toBeUndefined();
    expect(classifyFailure(new TypeError("x is not a function"), NOW)).toBeUndefined();
    expect(classifyFailure("boom", NOW)).toBeUndefined();
  });
});

describe("nextRetry", () => {
  const server: RetryableFailure = { kind: "server error", status: 502 };
  const policy = DEFAULT_RETRY_POLICY;

  it("backs off 2, 4, 8 s after server errors, and stops after four attempts", () => {
    expect([1, 2, 3].map((n) => nextRetry(server, n, 0, policy))).toEqual([
      { retry: true, delayMs: 2000 },
      { retry: true, delayMs: 4000 },
      { retry: true, delayMs: 8000 },
    ]);
    expect(nextRetry(server, 4, 0, policy)).toEqual({ retry: false });
  });

  it("waits what GitHub asks, a minute when a rate limit does not say", () => {
    expect(nextRetry({ ...server, askedDelayMs: 1000 }, 1, 0, policy)).toEqual({ retry: true, delayMs: 1000 });
    expect(nextRetry({ kind: "secondary rate limit", status: 403 }, 1, 0, policy)).toEqual({ retry: true, delayMs: 60_000 });
    expect(nextRetry({ kind: "secondary rate limit", status: 429, askedDelayMs: 3000 }, 2, 0, policy)).toEqual({ retry: true, delayMs: 3000 });
  });

  it("does not wait longer than a minute at a time, nor five minutes in all", () => {
    const long = nextRetry({ kind: "rate limit", status: 403, askedDelayMs: 3_600_000 }, 1, 0, policy);
    expect(long).toEqual({ retry: false, why: "GitHub asks to wait 3600 s, longer than the 60 s the Action waits at a time; re-run the job later" });
    expect(nextRetry({ kind: "secondary rate limit", status: 429 }, 1, 250_000, policy)).toEqual({ retry: false, why: "the 300 s the Action waits for GitHub in all are spent" });
    expect(nextRetry(server, 1, 298_000, policy)).toEqual({ retry: true, delayMs: 2000 });
  });
});
