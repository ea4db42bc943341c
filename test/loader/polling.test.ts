/** Polling: jitter, backoff, update events, close, and timers that never hold a process open. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createLoader } from "../../src/loader/index.js";
import type { BundleMeta } from "../../src/loader/index.js";
import { JITTER, MAX_BACKOFF_FACTOR, pollDelay } from "../../src/loader/schedule.js";
import { BUNDLE_4, BUNDLE_5, loaderTracker, nextEvent, optionsFor, serveBytes, sleep, startServer, statusOnly, waitFor } from "./helpers.js";
import type { TestServer } from "./helpers.js";

const MAIN = resolve(import.meta.dirname, "..", "..");

describe("pollDelay", () => {
  it("waits one interval, doubles per consecutive failure, and stops at 8×", () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 50].map((f) => pollDelay(1_000, f, mid))).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
  });

  it("adds ±10% jitter from the injected random source", () => {
    expect(pollDelay(1_000, 0, () => 0)).toBe(900);
    expect(pollDelay(1_000, 0, () => 0.999999)).toBe(1_100);
    expect(pollDelay(1_000, 0, () => 0.25)).toBe(950);
  });

  it("stays within jitter bounds and never exceeds 8× the interval", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), fc.nat(100), fc.double({ min: 0, max: 1, noNaN: true }), (interval, failures, r) => {
        const d = pollDelay(interval, failures, () => r);
        const base = interval * Math.min(2 ** failures, MAX_BACKOFF_FACTOR);
        expect(d).toBeGreaterThanOrEqual(Math.max(1, Math.floor(base * (1 - JITTER))));
        expect(d).toBeLessThanOrEqual(Math.ceil(Math.min(base * (1 + JITTER), interval * MAX_BACKOFF_FACTOR)));
      }),
    );
  });

  it("a broken random source cannot make the delay zero or NaN", () => {
    expect(pollDelay(1_000, 0, () => Number.NaN)).toBe(1_000);
    expect(pollDelay(1_000, 0, () => -5)).toBe(900);
    expect(pollDelay(1_000, 0, () => 7)).toBe(1_100);
  });
});

describe("polling against a loopback server", () => {
  let server: TestServer;
  const { track, closeAll } = loaderTracker();
  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(() => closeAll());
  afterAll(async () => {
    await server.close();
  });

  it("polls with If-None-Match, fires update when a new bundle appears, and close() stops it", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url, { pollIntervalMs: 30, random: () => 0.5 }));
    await loader.load();
    const update = nextEvent<BundleMeta>((l) => loader.on("update", l));
    await waitFor(() => server.requests.length >= 3);
    expect(server.requests.slice(1).every((r) => r.headers["if-none-match"] !== undefined)).toBe(true);
    server.handle = serveBytes(BUNDLE_5);
    expect((await update).serial).toBe(5);
    expect(loader.engine!.meta.serial).toBe(5);
    loader.close();
    await sleep(20);
    const seen = server.requests.length;
    await sleep(200);
    expect(server.requests.length).toBe(seen);
  });

  it("a failing poll emits error and keeps serving; pollIntervalMs 0 never polls", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url, { pollIntervalMs: 20, random: () => 0.5 }));
    await loader.load();
    server.handle = statusOnly(502);
    const error = await nextEvent<{ code: string }>((l) => loader.on("error", l));
    expect(error.code).toBe("FETCH_FAILED");
    expect(loader.engine!.authorize({ action: "db:Select", resource: "x" }).decision).toBe("allow");
    loader.close();

    server.handle = serveBytes(BUNDLE_4);
    server.requests.length = 0;
    const still = track(optionsFor(server.url, { pollIntervalMs: 0 }));
    await still.load();
    await sleep(100);
    expect(server.requests).toHaveLength(1);
  });
});

describe("polling with fake timers", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("backs off exponentially on consecutive failures (capped at 8×) and resets after a success", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    let failing = false;
    let calls = 0;
    const loader = createLoader(
      optionsFor("https://policies.example/acme.bundle.json", {
        pollIntervalMs: 1_000,
        random: () => 0.5,
        fetch: async () => {
          calls++;
          return failing ? new Response("down", { status: 503 }) : new Response(BUNDLE_4 as Uint8Array<ArrayBuffer>, { status: 200, headers: { etag: '"e"' } });
        },
      }),
    );
    await loader.load();
    expect(calls).toBe(1);
    failing = true;
    const expectCallAfter = async (ms: number): Promise<void> => {
      const before = calls;
      await vi.advanceTimersByTimeAsync(ms - 1);
      expect(calls, `no poll before ${ms} ms`).toBe(before);
      await vi.advanceTimersByTimeAsync(1);
      expect(calls, `a poll at ${ms} ms`).toBe(before + 1);
    };
    await expectCallAfter(1_000); // failure 1
    await expectCallAfter(2_000); // failure 2
    await expectCallAfter(4_000); // failure 3
    await expectCallAfter(8_000); // failure 4
    await expectCallAfter(8_000); // failure 5: capped
    failing = false;
    await expectCallAfter(8_000); // success
    // verification runs on WebCrypto, outside the fake clock: let it finish in real time
    for (let i = 0; i < 10_000 && loader.status().stale; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(loader.status().stale).toBe(false);
    await expectCallAfter(1_000); // back to the interval
    loader.close();
    const closedAt = calls;
    await vi.advanceTimersByTimeAsync(100_000);
    expect(calls).toBe(closedAt);
  });
});

describe("timers", () => {
  it("polling does not keep a Node process alive (timers are unref'd)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-loader-unref-"));
    const script = join(dir, "run.mts");
    writeFileSync(
      script,
      `import { createServer } from "node:http";
import { createLoader } from ${JSON.stringify(join(MAIN, "src/loader/index.ts"))};
import { KEY, NOW, sampleBundle } from ${JSON.stringify(join(MAIN, "test/bundle/fixtures.ts"))};
const bytes = sampleBundle();
const server = createServer((_req, res) => res.end(bytes));
server.listen(0, "127.0.0.1", async () => {
  const { port } = server.address();
  const loader = createLoader({ source: "http://127.0.0.1:" + port + "/acme.bundle.json", trustedKeys: [KEY.publicKey], target: "production", now: () => NOW, pollIntervalMs: 600000 });
  const engine = await loader.load();
  console.log("loaded " + engine.meta.serial);
  server.closeAllConnections();
  server.close();
});
`,
    );
    try {
      const started = Date.now();
      const stdout = await new Promise<string>((resolvePromise, reject) => {
        execFile(process.execPath, ["--import", "tsx", script], { cwd: MAIN, timeout: 15_000 }, (error, out, err) => {
          if (error) reject(new Error(`${error.message}\n${err}`));
          else resolvePromise(out);
        });
      });
      expect(stdout.trim()).toBe("loaded 4");
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
