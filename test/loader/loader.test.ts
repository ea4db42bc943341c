/** The loader against a real HTTP server on 127.0.0.1: retrieval caps, verification, rollback. */
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BundleIntegrityError, BundleRetrievalError, BundleTrustError } from "../../src/bundle/errors.js";
import { sha256Hex } from "../../src/bundle/digest.js";
import { toPublicKeyPem } from "../../src/bundle/keys.js";
import { verifyBundle } from "../../src/bundle/verify.js";
import { createLoader, isBundleError } from "../../src/loader/index.js";
import type { BundleMeta } from "../../src/loader/index.js";
import { compileEngine } from "../../src/engine/engine.js";
import {
  BUNDLE_4,
  BUNDLE_5,
  bundleEdited,
  bundleWith,
  KEY,
  KEY2,
  loaderTracker,
  NOW,
  optionsFor,
  OUTSIDER,
  rejectionOf,
  samplePayload,
  serveBytes,
  sleep,
  startServer,
  statusOnly,
} from "./helpers.js";
import type { TestServer } from "./helpers.js";

let server: TestServer;
const { track, closeAll } = loaderTracker();

beforeAll(async () => {
  server = await startServer();
});
afterEach(() => {
  closeAll();
  server.requests.length = 0;
});
afterAll(async () => {
  await server.close();
});

const SELECT = { action: "db:Select", resource: "db://production/users" };
const DELETE = { action: "db:Delete", resource: "db://production/users" };

describe("load", () => {
  it("retrieves, verifies and compiles the bundle, with its metadata", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url));
    expect(loader.engine).toBeUndefined();
    const engine = await loader.load();
    expect(engine.authorize(SELECT).decision).toBe("allow");
    expect(engine.authorize(DELETE).decision).toBe("deny");
    const payload = samplePayload().payload;
    expect(engine.meta).toEqual({
      name: "acme",
      version: "1.2.3",
      serial: 4,
      revision: payload.revision,
      created_at: payload.created_at,
      expires_at: payload.expires_at,
      digests: payload.digests,
      packs: payload.installed_packs,
      keyids: [KEY.keyid],
      target: "production",
      sha256: sha256Hex(BUNDLE_4),
      effective: payload.targets.production,
    });
    expect(Object.isFrozen(engine.meta)).toBe(true);
    expect(loader.engine).toBe(engine);
    const status = loader.status();
    expect(status).toMatchObject({ version: "1.2.3", serial: 4, revision: payload.revision, stale: false, source: server.url });
    expect(status.activeSince).toBe(NOW.toISOString());
    expect(status.lastSuccess).toBe(NOW.toISOString());
    expect(status.lastError).toBeUndefined();
  });

  it("accepts pinned keys as PEM text and a 2-of-2 threshold", async () => {
    server.handle = serveBytes(bundleWith({}, [KEY, KEY2]));
    const loader = track(optionsFor(server.url, { trustedKeys: [toPublicKeyPem(KEY.publicKey), toPublicKeyPem(KEY2.publicKey)], threshold: 2 }));
    expect((await loader.load()).meta.keyids).toEqual([KEY.keyid, KEY2.keyid]);
  });

  it("answers every decision exactly as compileEngine does on the same verified payload", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const engine = await track(optionsFor(server.url)).load();
    const reference = compileEngine(verifyBundle(BUNDLE_4, { trustedKeys: [KEY.publicKey], now: NOW }).payload.targets.production!);
    fc.assert(
      fc.property(
        fc.constantFrom("db:Select", "db:Delete", "db:Insert", "s3:GetObject", "db:*"),
        fc.constantFrom("db://production/users", "db://staging/x", "*", "arn:aws:s3:::bucket/key"),
        (action, resource) => {
          expect(engine.authorize({ action, resource })).toEqual(reference.authorize({ action, resource }));
        },
      ),
    );
    expect(engine.checkTool("mcp://vision-mcp/detect@1.2.0")).toEqual(reference.checkTool("mcp://vision-mcp/detect@1.2.0"));
    expect(engine.scan("API_KEY=abc", "output")).toEqual(reference.scan("API_KEY=abc", "output"));
    expect(engine.posture({})).toEqual(reference.posture({}));
    const data = { dataset: "customers", fields: [{ name: "email", sensitivity: "pii", category: "contact" }], requester: { role: "analyst" } };
    expect(engine.decideData(data as never, NOW)).toEqual(reference.decideData(data as never, NOW));
  });

  it("throws a typed error and serves nothing when the first retrieval fails without a cache", async () => {
    server.handle = statusOnly(503);
    const loader = track(optionsFor(server.url));
    const e = await rejectionOf(loader.load());
    expect(e).toBeInstanceOf(BundleRetrievalError);
    expect(e.code).toBe("FETCH_FAILED");
    expect(e.message).toMatch(/HTTP 503/);
    expect(loader.engine).toBeUndefined();
    expect(loader.status()).toMatchObject({ version: null, serial: null, stale: true, lastError: { code: "FETCH_FAILED", at: NOW.toISOString() } });
    // load can be retried once the source is back
    server.handle = serveBytes(BUNDLE_4);
    expect((await loader.load()).meta.serial).toBe(4);
  });

  it("returns the same live engine when called again", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url));
    const [a, b] = await Promise.all([loader.load(), loader.load()]);
    expect(a).toBe(b);
    expect(server.requests).toHaveLength(1);
  });
});

describe("refresh and ETag", () => {
  it("sends If-None-Match with the last ETag; 304 keeps the bundle and counts as success", async () => {
    server.handle = serveBytes(BUNDLE_4, '"v4"');
    let now = NOW;
    const loader = track(optionsFor(server.url, { now: () => now }));
    await loader.load();
    expect(server.requests[0]!.headers["if-none-match"]).toBeUndefined();
    now = new Date(NOW.getTime() + 60_000);
    expect(await loader.refresh()).toBe(false);
    expect(server.requests[1]!.headers["if-none-match"]).toBe('"v4"');
    expect(loader.status().lastSuccess).toBe(now.toISOString());
    expect(loader.status().activeSince).toBe(NOW.toISOString());
  });

  it("activates a newer bundle, emits update with its meta and answers with it through the same engine", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url));
    const engine = await loader.load();
    const updates: BundleMeta[] = [];
    loader.on("update", (meta) => updates.push(meta));
    server.handle = serveBytes(BUNDLE_5);
    expect(await loader.refresh()).toBe(true);
    expect(updates.map((m) => m.serial)).toEqual([5]);
    expect(engine.meta.serial).toBe(5);
    expect(loader.status()).toMatchObject({ serial: 5, version: "1.3.0" });
  });

  it("an identical bundle under a new ETag is a no-op", async () => {
    server.handle = serveBytes(BUNDLE_4, '"a"');
    const loader = track(optionsFor(server.url));
    await loader.load();
    const updates: unknown[] = [];
    loader.on("update", (m) => updates.push(m));
    server.handle = serveBytes(BUNDLE_4, '"b"');
    expect(await loader.refresh()).toBe(false);
    expect(updates).toEqual([]);
    await loader.refresh();
    expect(server.requests.at(-1)!.headers["if-none-match"]).toBe('"b"');
  });

  it("FETCH_FAILED on 404 and 500: the last good bundle is still served and lastError is set", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url));
    const engine = await loader.load();
    const errors: string[] = [];
    loader.on("error", (e) => errors.push(e.code));
    for (const status of [404, 500]) {
      server.handle = statusOnly(status);
      const e = await rejectionOf(loader.refresh());
      expect(e).toBeInstanceOf(BundleRetrievalError);
      expect(e.code).toBe("FETCH_FAILED");
      expect(e.message).toContain(`HTTP ${status}`);
      expect(engine.authorize(SELECT).decision).toBe("allow");
      expect(loader.status()).toMatchObject({ serial: 4, stale: true, lastError: { code: "FETCH_FAILED", at: NOW.toISOString() } });
      expect(loader.status().lastError!.message).toContain(String(status));
    }
    expect(errors).toEqual(["FETCH_FAILED", "FETCH_FAILED"]);
  });

  it("recovers after failures: the next good bundle activates, update fires, stale clears", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url));
    await loader.load();
    server.handle = statusOnly(500);
    await rejectionOf(loader.refresh());
    await rejectionOf(loader.refresh());
    expect(loader.status().stale).toBe(true);
    const updates: number[] = [];
    loader.on("update", (m) => updates.push(m.serial));
    server.handle = serveBytes(BUNDLE_5);
    expect(await loader.refresh()).toBe(true);
    expect(updates).toEqual([5]);
    expect(loader.status()).toMatchObject({ serial: 5, stale: false, lastError: { code: "FETCH_FAILED" } });
  });

  it("a listener that throws does not change what is served", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url));
    await loader.load();
    loader.on("update", () => {
      throw new Error("listener bug");
    });
    const off = loader.on("update", () => undefined);
    off();
    server.handle = serveBytes(BUNDLE_5);
    expect(await loader.refresh()).toBe(true);
    expect(loader.engine!.meta.serial).toBe(5);
  });
});

describe("attacks: retrieval caps", () => {
  it("slow retrieval: a body trickled byte by byte fails with TIMEOUT within timeoutMs", async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write(BUNDLE_4.subarray(0, 10));
      let i = 10;
      const tick = setInterval(() => {
        if (res.destroyed || i >= 200) {
          clearInterval(tick);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(BUNDLE_4.subarray(i, i + 1));
        i++;
      }, 20);
      res.on("close", () => clearInterval(tick));
    };
    const loader = track(optionsFor(server.url, { timeoutMs: 300 }));
    const started = Date.now();
    const e = await rejectionOf(loader.load());
    expect(e).toBeInstanceOf(BundleRetrievalError);
    expect(e.code).toBe("TIMEOUT");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(loader.engine).toBeUndefined();
  });

  it("slow retrieval: a server that never answers fails with TIMEOUT", async () => {
    server.handle = () => undefined;
    const e = await rejectionOf(track(optionsFor(server.url, { timeoutMs: 200 })).load());
    expect(e.code).toBe("TIMEOUT");
  });

  it("endless data: a body without end fails with TOO_LARGE while streaming, and the connection is closed", async () => {
    let written = 0;
    let closed!: Promise<void>;
    const LIMIT = 64 * 1024 * 1024;
    server.handle = (_req, res) => {
      closed = new Promise((resolve) => res.on("close", () => resolve()));
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = new Uint8Array(16 * 1024).fill(0x20);
      const pump = (): void => {
        while (!res.destroyed && written < LIMIT) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      pump();
    };
    const loader = track(optionsFor(server.url, { maxBytes: 100_000 }));
    const e = await rejectionOf(loader.load());
    expect(e).toBeInstanceOf(BundleRetrievalError);
    expect(e.code).toBe("TOO_LARGE");
    await Promise.race([closed, sleep(3_000).then(() => Promise.reject(new Error("the server never saw the connection close")))]);
    expect(written).toBeLessThan(LIMIT);
  });

  it("endless data: a declared Content-Length over maxBytes is refused before the body is read", async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { "content-length": String(50 * 1024 * 1024) });
      res.write(new Uint8Array(1024));
    };
    const e = await rejectionOf(track(optionsFor(server.url, { maxBytes: 100_000 })).load());
    expect(e.code).toBe("TOO_LARGE");
    expect(e.message).toContain(String(50 * 1024 * 1024));
  });

  it("a body cut off by the connection fails with FETCH_FAILED", async () => {
    server.handle = (_req, res) => {
      res.writeHead(200, { "content-length": String(BUNDLE_4.length) });
      res.write(BUNDLE_4.subarray(0, 100), () => res.destroy());
    };
    const e = await rejectionOf(track(optionsFor(server.url)).load());
    expect(e.code).toBe("FETCH_FAILED");
  });

  it("a truncated body fails verification with FORMAT_ERROR", async () => {
    server.handle = serveBytes(BUNDLE_4.subarray(0, Math.floor(BUNDLE_4.length / 2)));
    const e = await rejectionOf(track(optionsFor(server.url)).load());
    expect(e).toBeInstanceOf(BundleIntegrityError);
    expect(e.code).toBe("FORMAT_ERROR");
  });
});

describe("attacks: verification", () => {
  it("forged content: a bundle signed by an untrusted key fails with UNTRUSTED_KEY", async () => {
    server.handle = serveBytes(bundleWith({}, [OUTSIDER]));
    const loader = track(optionsFor(server.url));
    const e = await rejectionOf(loader.load());
    expect(e).toBeInstanceOf(BundleTrustError);
    expect(e.code).toBe("UNTRUSTED_KEY");
    expect(loader.engine).toBeUndefined();
  });

  it("tampering: a byte changed in the signed payload fails with SIGNATURE_ERROR, and the old engine stays", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url));
    await loader.load();
    const env = JSON.parse(new TextDecoder().decode(BUNDLE_5)) as { payload: string };
    const payload = Buffer.from(env.payload, "base64");
    payload[payload.indexOf("1.3.0")] = "2".charCodeAt(0);
    const tampered = new TextEncoder().encode(new TextDecoder().decode(BUNDLE_5).replace(env.payload, payload.toString("base64")));
    server.handle = serveBytes(tampered);
    const e = await rejectionOf(loader.refresh());
    expect(e.code).toBe("SIGNATURE_ERROR");
    expect(loader.engine!.meta.serial).toBe(4);
  });

  it("freeze: an expired bundle fails with EXPIRED", async () => {
    server.handle = serveBytes(bundleWith({ createdAt: new Date("2025-11-01T00:00:00Z"), expiresAt: new Date("2025-12-01T00:00:00Z") }));
    const e = await rejectionOf(track(optionsFor(server.url)).load());
    expect(e).toBeInstanceOf(BundleTrustError);
    expect(e.code).toBe("EXPIRED");
  });

  it("freeze: the clock the loader is given decides expiry", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const e = await rejectionOf(track(optionsFor(server.url, { now: () => new Date("2026-03-01T00:00:00Z") })).load());
    expect(e.code).toBe("EXPIRED");
  });

  it("freeze: an origin answering 304 about an expired bundle makes refresh fail with EXPIRED, still serving it", async () => {
    server.handle = serveBytes(BUNDLE_4, '"v4"');
    let now = NOW;
    const loader = track(optionsFor(server.url, { now: () => now }));
    const engine = await loader.load();
    now = new Date("2026-03-01T00:00:00Z");
    const e = await rejectionOf(loader.refresh());
    expect(server.requests.at(-1)!.headers["if-none-match"]).toBe('"v4"');
    expect(e).toBeInstanceOf(BundleTrustError);
    expect(e.code).toBe("EXPIRED");
    expect(engine.meta.serial).toBe(4);
    expect(loader.status()).toMatchObject({ stale: true, lastError: { code: "EXPIRED" } });
  });

  it("silent fallback: a bundle for another target fails with TARGET_MISSING", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const e = await rejectionOf(track(optionsFor(server.url, { target: "qa" })).load());
    expect(e.code).toBe("TARGET_MISSING");
    expect(isBundleError(e)).toBe(true);
  });

  it("mix-and-match: another repository's bundle, signed by the same key, is refused", async () => {
    server.handle = serveBytes(bundleWith({ name: "other" }));
    const e = await rejectionOf(track(optionsFor(server.url)).load());
    expect(e.code).toBe("NAME_MISMATCH");
    expect(e.message).toMatch(/"other", expected "acme"/);
  });

  it("type confusion: a signed document of another payload type fails with PAYLOAD_TYPE_ERROR", async () => {
    const { craft } = await import("../bundle/fixtures.js");
    server.handle = serveBytes(craft(samplePayload().bytes, [KEY], "application/vnd.in-toto+json"));
    expect((await rejectionOf(track(optionsFor(server.url)).load())).code).toBe("PAYLOAD_TYPE_ERROR");
  });

  it("broken policy: a verified bundle whose target does not compile fails with FORMAT_ERROR and the old engine stays", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url));
    await loader.load();
    server.handle = serveBytes(
      bundleEdited((p) => {
        p.serial = 7;
        (p.targets.production!.access as { Statement: unknown[] }).Statement = [null];
      }),
    );
    const e = await rejectionOf(loader.refresh());
    expect(e).toBeInstanceOf(BundleIntegrityError);
    expect(e.code).toBe("FORMAT_ERROR");
    expect(e.message).toMatch(/does not compile/);
    expect(loader.engine!.meta.serial).toBe(4);
    expect(loader.engine!.authorize(SELECT).decision).toBe("allow");
    // the refused bundle raised nothing: serial 5 is still acceptable
    server.handle = serveBytes(BUNDLE_5);
    expect(await loader.refresh()).toBe(true);
  });
});

describe("attacks: rollback", () => {
  it("rollback: an older serial fails with ROLLBACK and the old engine keeps answering", async () => {
    server.handle = serveBytes(BUNDLE_5);
    const loader = track(optionsFor(server.url));
    const engine = await loader.load();
    server.handle = serveBytes(BUNDLE_4);
    const e = await rejectionOf(loader.refresh());
    expect(e).toBeInstanceOf(BundleTrustError);
    expect(e.code).toBe("ROLLBACK");
    expect(engine.meta.serial).toBe(5);
    expect(engine.authorize(SELECT).decision).toBe("allow");
    expect(loader.status()).toMatchObject({ serial: 5, lastError: { code: "ROLLBACK" } });
  });

  it("replay: the same serial with different bytes fails with ROLLBACK", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url));
    await loader.load();
    server.handle = serveBytes(bundleWith({ version: "1.2.4" }));
    const e = await rejectionOf(loader.refresh());
    expect(e.code).toBe("ROLLBACK");
    expect(e.message).toMatch(/already accepted with different bytes/);
    expect(loader.engine!.meta.version).toBe("1.2.3");
  });

  it("rollback: after a newer bundle was seen, the older one stays refused", async () => {
    server.handle = serveBytes(BUNDLE_4);
    const loader = track(optionsFor(server.url));
    await loader.load();
    server.handle = serveBytes(BUNDLE_5);
    await loader.refresh();
    server.handle = serveBytes(BUNDLE_4);
    expect((await rejectionOf(loader.refresh())).code).toBe("ROLLBACK");
  });
});

describe("options", () => {
  it("are validated when the loader is created", () => {
    const base = optionsFor(server.url);
    const noKeys = (() => {
      try {
        createLoader({ ...base, trustedKeys: [] });
      } catch (e) {
        return e as { code?: string; message: string };
      }
    })();
    expect(noKeys?.code).toBe("KEY_ERROR");
    expect(noKeys?.message).toMatch(/trustedKeys must list a public key/);
    const withoutKeys = { ...base } as Partial<typeof base>;
    delete withoutKeys.trustedKeys;
    expect(() => createLoader(withoutKeys as typeof base)).toThrow(expect.objectContaining({ code: "KEY_ERROR" }));
    expect(() => createLoader({ ...base, target: "" })).toThrow(TypeError);
    for (const bad of [{ target: "" }, { pollIntervalMs: -1 }, { source: "" }, { cacheDir: "" }, { fetch: 5 }]) {
      expect(() => createLoader({ ...base, ...(bad as object) }), JSON.stringify(bad)).toThrow(TypeError);
    }
    expect(() => createLoader({ ...base, pollIntervalMs: -1 })).toThrow(TypeError);
    expect(() => createLoader({ ...base, timeoutMs: 0 })).toThrow(TypeError);
    expect(() => createLoader({ ...base, maxBytes: 1.5 })).toThrow(TypeError);
    expect(() => createLoader({ ...base, threshold: 2 })).toThrow(/threshold/);
    expect(() => createLoader({ ...base, token: "t" })).toThrow(/github: sources/);
    expect(() => createLoader({ ...base, source: "ftp://example.com/x" })).toThrow(/unsupported source scheme/);
    const keyError = (() => {
      try {
        createLoader({ ...base, trustedKeys: ["not a key"] });
      } catch (e) {
        return e as { code?: string };
      }
      return undefined;
    })();
    expect(keyError?.code).toBe("KEY_ERROR");
  });

  it("status never shows credentials or query strings of the source", async () => {
    server.handle = statusOnly(500);
    expect(() => createLoader(optionsFor(`http://user:secret@${server.origin.slice("http://".length)}/acme.bundle.json`))).toThrow(/credentials/);
    const source = `${server.url}?sig=SECRET`;
    const loader = track(optionsFor(source));
    const e = await rejectionOf(loader.load());
    expect(loader.status().source).toBe(`${server.url}?…`);
    expect(JSON.stringify(loader.status())).not.toMatch(/secret|SECRET/);
    expect(e.message).not.toMatch(/secret|SECRET/);
  });

  it("transport errors name the failure but not the signed query of the URL", async () => {
    const down = await startServer();
    const url = down.url;
    await down.close();
    const e = await rejectionOf(track(optionsFor(`${url}?sig=SECRET`)).load());
    expect(e.code).toBe("FETCH_FAILED");
    expect(e.message).toMatch(/ECONNREFUSED/);
    expect(e.message).not.toMatch(/SECRET/);
  });

  it("uses an injected fetch", async () => {
    const calls: string[] = [];
    const loader = track(
      optionsFor("https://policies.example/acme.bundle.json", {
        fetch: async (url) => {
          calls.push(url);
          return new Response(BUNDLE_4 as Uint8Array<ArrayBuffer>, { status: 200 });
        },
      }),
    );
    expect((await loader.load()).meta.serial).toBe(4);
    expect(calls).toEqual(["https://policies.example/acme.bundle.json"]);
  });

  it("stale: a bundle within the last third of its lifetime is reported stale", async () => {
    server.handle = serveBytes(BUNDLE_4);
    let now = NOW;
    const loader = track(optionsFor(server.url, { now: () => now }));
    await loader.load();
    expect(loader.status().stale).toBe(false);
    // created 2026-01-02T03:04:05Z, expires 2026-02-01T03:04:05Z: the last third starts 2026-01-22T03:04:05Z
    now = new Date("2026-01-22T03:04:04Z");
    expect(loader.status().stale).toBe(false);
    now = new Date("2026-01-22T03:04:05Z");
    expect(loader.status().stale).toBe(true);
  });
});

describe("close", () => {
  it("aborts a retrieval in flight and is idempotent", async () => {
    server.handle = () => undefined;
    const loader = createLoader(optionsFor(server.url, { timeoutMs: 10_000 }));
    const pending = rejectionOf(loader.load());
    await sleep(50);
    loader.close();
    loader.close();
    const e = await pending;
    expect(e.code).toBe("FETCH_FAILED");
    expect(e.message).toMatch(/closed/);
    expect(await loader.refresh()).toBe(false);
  });
});
