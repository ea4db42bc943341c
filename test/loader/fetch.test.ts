/** Bounded retrieval against an injected fetch: redirects by hand with credentials, status, body caps, ETags. */
import { describe, expect, it } from "vitest";
import { checkStatus, readBodyBounded, request, retrieve, withDeadline } from "../../src/loader/fetch.js";
import type { FetchLike } from "../../src/loader/types.js";
import { rejectionOf } from "./helpers.js";

interface Call {
  url: string;
  headers: Record<string, string>;
  redirect: RequestRedirect | undefined;
}

/** A fetch answering each URL from `routes` (404 otherwise) and recording every call. */
function fakeFetch(routes: Record<string, () => Response>): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, headers: { ...(init.headers as Record<string, string>) }, redirect: init.redirect });
    return routes[url]?.() ?? new Response("missing", { status: 404, statusText: "Not Found" });
  };
  return { fetch, calls };
}

const redirect = (location: string | null, status = 302) => (): Response =>
  new Response(null, { status, headers: location === null ? {} : { location } });
const ok = (body: string, headers: Record<string, string> = {}) => (): Response => new Response(body, { status: 200, headers });

const signal = new AbortController().signal;
const AUTH = { authorization: "Bearer T", authOrigin: "https://api.example" };

describe("request", () => {
  it("without credentials leaves redirects to the runtime", async () => {
    const { fetch, calls } = fakeFetch({ "https://a.example/x": ok("body") });
    const response = await request("https://a.example/x", { fetch, signal, label: "src", headers: { accept: "x/y" } });
    expect(await response.text()).toBe("body");
    expect(calls).toEqual([{ url: "https://a.example/x", headers: { accept: "x/y" }, redirect: "follow" }]);
  });

  it("with credentials follows redirects by hand, keeping them on their origin and dropping them for good once it changes", async () => {
    const { fetch, calls } = fakeFetch({
      "https://api.example/a": redirect("/b", 301),
      "https://api.example/b": redirect("https://store.example/c", 307),
      "https://store.example/c": redirect("https://api.example/d", 308),
          });
    const response = await request("https://api.example/a", { fetch, signal, label: "src", headers: { accept: "x/y" }, ...AUTH });
    // once credentials are gone, following is the runtime's (this fake fetch does not follow)
    expect(response.status).toBe(308);
    expect(calls).toEqual([
      { url: "https://api.example/a", headers: { accept: "x/y", authorization: "Bearer T" }, redirect: "manual" },
      { url: "https://api.example/b", headers: { accept: "x/y", authorization: "Bearer T" }, redirect: "manual" },
      { url: "https://store.example/c", headers: { accept: "x/y" }, redirect: "follow" },
    ]);
  });

  it("credentials for another origin are never sent", async () => {
    const { fetch, calls } = fakeFetch({ "https://other.example/a": ok("x") });
    await request("https://other.example/a", { fetch, signal, label: "src", ...AUTH });
    expect(calls).toEqual([{ url: "https://other.example/a", headers: {}, redirect: "follow" }]);
  });

  it("a non-redirect status with credentials is returned as it is", async () => {
    const { fetch } = fakeFetch({ "https://api.example/a": () => new Response(null, { status: 304 }) });
    expect((await request("https://api.example/a", { fetch, signal, label: "src", ...AUTH })).status).toBe(304);
  });

  it("refuses more than 5 redirects, a redirect without Location, to an invalid URL or from https to http", async () => {
    const loop = fakeFetch({ "https://api.example/a": redirect("/a") });
    const hops = await rejectionOf(request("https://api.example/a", { fetch: loop.fetch, signal, label: "src", ...AUTH }));
    expect([hops.constructor.name, hops.code, hops.message]).toEqual(["BundleRetrievalError", "FETCH_FAILED", "src: more than 5 redirects"]);
    expect(loop.calls).toHaveLength(6);
    const cases: [Record<string, () => Response>, string][] = [
      [{ "https://api.example/a": redirect(null, 303) }, "src: HTTP 303 redirect without a Location"],
      [{ "https://api.example/a": redirect("http://[::1") }, "src: redirect to an invalid URL"],
      [{ "https://api.example/a": redirect("http://api.example/b") }, "src: refusing a redirect from https: to http:"],
    ];
    for (const [routes, message] of cases) {
      const e = await rejectionOf(request("https://api.example/a", { fetch: fakeFetch(routes).fetch, signal, label: "src", ...AUTH }));
      expect([e.code, e.message]).toEqual(["FETCH_FAILED", message]);
    }
  });

  it("refuses a runtime that hides redirect targets", async () => {
    const opaque = { type: "opaqueredirect", status: 0, headers: new Headers(), body: null } as unknown as Response;
    const e = await rejectionOf(request("https://api.example/a", { fetch: async () => opaque, signal, label: "src", ...AUTH }));
    expect([e.code, e.message]).toEqual(["FETCH_FAILED", "src: this runtime hides redirect targets, so credentials cannot be kept to one origin"]);
  });

  it("a transport failure is FETCH_FAILED naming its cause without the query", async () => {
    const fetch: FetchLike = async (url) => {
      throw new TypeError(`fetch failed for ${url}`, { cause: { code: "ECONNRESET" } });
    };
    const e = await rejectionOf(request("https://a.example/x?sig=SECRET", { fetch, signal, label: "src" }));
    expect([e.code, e.message]).toEqual(["FETCH_FAILED", "src: request failed (fetch failed for https://a.example/x: ECONNRESET)"]);
    const plain = await rejectionOf(request("https://a.example/x", { fetch: () => Promise.reject("down"), signal, label: "src" }));
    expect(plain.message).toBe("src: request failed (down)");
    const withMessage: FetchLike = () => Promise.reject(new Error("failed", { cause: new Error("socket hang up") }));
    expect((await rejectionOf(request("https://a.example/x", { fetch: withMessage, signal, label: "src" }))).message).toBe("src: request failed (failed: socket hang up)");
  });
});

describe("checkStatus", () => {
  it("accepts 2xx, and 304 only for a conditional request", () => {
    expect(() => checkStatus(new Response(null, { status: 204 }), "src", false)).not.toThrow();
    expect(() => checkStatus(new Response(null, { status: 304 }), "src", true)).not.toThrow();
    const e = (() => {
      try {
        checkStatus(new Response(null, { status: 304 }), "src", false);
      } catch (error) {
        return error as Error & { code?: string };
      }
    })();
    expect([e?.code, e?.message]).toEqual(["FETCH_FAILED", "src: HTTP 304"]);
    expect(() => checkStatus(new Response("x", { status: 500, statusText: "Internal Server Error" }), "src", true)).toThrow(/^src: HTTP 500 Internal Server Error$/);
  });
});

describe("readBodyBounded", () => {
  const streamOf = (chunks: unknown[]): ReadableStream =>
    new ReadableStream({
      start(controller) {
        for (const c of chunks) controller.enqueue(c);
        controller.close();
      },
    });

  it("joins the chunks of a body within the limit, and reads an empty body", async () => {
    const body = streamOf([new Uint8Array([1, 2]), new Uint8Array([]), new Uint8Array([3])]);
    expect([...(await readBodyBounded(new Response(body), 3, signal, "src"))]).toEqual([1, 2, 3]);
    expect(await readBodyBounded(new Response(null), 3, signal, "src")).toEqual(new Uint8Array(0));
  });

  it("refuses a declared length over the limit before reading, and a streamed body past it", async () => {
    const declared = await rejectionOf(readBodyBounded(new Response("abcd", { headers: { "content-length": " 4 " } }), 3, signal, "src"));
    expect([declared.code, declared.message]).toEqual(["TOO_LARGE", "src: body is 4 bytes, more than the limit of 3 bytes (endless data)"]);
    const streamed = await rejectionOf(readBodyBounded(new Response(streamOf([new Uint8Array(2), new Uint8Array(2)])), 3, signal, "src"));
    expect([streamed.code, streamed.message]).toEqual(["TOO_LARGE", "src: body is more than the limit of 3 bytes (endless data)"]);
    // a Content-Length that is not a number is no declaration: the stream decides
    const odd = new Response(streamOf([new Uint8Array(2)]), { headers: { "content-length": "2x" } });
    expect(await readBodyBounded(odd, 3, signal, "src")).toEqual(new Uint8Array(2));
  });

  it("refuses a body that is not a byte stream, and names a connection that failed", async () => {
    const text = await rejectionOf(readBodyBounded(new Response(streamOf(["text"])), 10, signal, "src"));
    expect([text.code, text.message]).toEqual(["FETCH_FAILED", "src: the response body is not a byte stream"]);
    const broken = new ReadableStream({
      pull(controller) {
        controller.error(new Error("reset"));
      },
    });
    const failed = await rejectionOf(readBodyBounded(new Response(broken), 10, signal, "src"));
    expect([failed.code, failed.message]).toEqual(["FETCH_FAILED", "src: the connection failed while reading the body (reset)"]);
  });
});

describe("retrieve", () => {
  it("sends If-None-Match, answers 304 as not modified, and returns the body with its ETag", async () => {
    const { fetch, calls } = fakeFetch({
      "https://a.example/old": () => new Response(null, { status: 304 }),
      "https://a.example/new": ok("abc", { etag: '"e1"' }),
      "https://a.example/plain": ok("abc"),
    });
    const base = { fetch, signal, label: "src", maxBytes: 10 };
    expect(await retrieve("https://a.example/old", { ...base, etag: '"e0"' })).toEqual({ notModified: true });
    expect(calls[0]!.headers).toEqual({ "if-none-match": '"e0"' });
    expect(await retrieve("https://a.example/new", { ...base, etag: '"e0"' })).toEqual({ notModified: false, bytes: new TextEncoder().encode("abc"), etag: '"e1"' });
    const plain = await retrieve("https://a.example/plain", base);
    expect(plain).toEqual({ notModified: false, bytes: new TextEncoder().encode("abc") });
    expect(plain.notModified || plain.etag).toBeUndefined();
    expect(calls[2]!.headers).toEqual({});
    const unasked = await rejectionOf(retrieve("https://a.example/old", base));
    expect([unasked.code, unasked.message]).toEqual(["FETCH_FAILED", "src: HTTP 304"]);
  });
});

describe("withDeadline", () => {
  it("TIMEOUT past the deadline even when the work ignores its signal; FETCH_FAILED when closed", async () => {
    const never = new AbortController().signal;
    const slow = await rejectionOf(withDeadline("src", 20, never, () => new Promise(() => undefined)));
    expect([slow.code, slow.message]).toEqual(["TIMEOUT", "src: no complete response within 20 ms (slow retrieval)"]);
    const closing = new AbortController();
    closing.abort(new Error("closed"));
    const closed = await rejectionOf(withDeadline("src", 1_000, closing.signal, () => new Promise(() => undefined)));
    expect([closed.code, closed.message]).toEqual(["FETCH_FAILED", "src: the loader was closed"]);
    const seen: AbortSignal[] = [];
    expect(await withDeadline("src", 1_000, never, async (s) => (seen.push(s), 7))).toBe(7);
    // the work's signal is aborted once it settles, so a body still streaming is torn down
    expect(seen[0]!.aborted).toBe(true);
  });
});
