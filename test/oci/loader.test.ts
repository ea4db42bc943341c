/**
 * `edict/loader/oci` against a real registry (Debian's docker-registry, distribution 2.8): round
 * trips with and without auth, polling by HEAD, digest pins, tampered blobs and manifests,
 * rollback through a moved tag or a stale mirror, and falling through dead sources.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/bundle/digest.js";
import { createLoader } from "../../src/loader/oci.js";
import type { OciLoaderOptions } from "../../src/loader/oci.js";
import type { Loader } from "../../src/loader/types.js";
import { createRegistry } from "../../src/oci/client.js";
import { pushBundle } from "../../src/oci/push.js";
import { BUNDLE_4, BUNDLE_5, BUNDLE_6, KEY, NOW, rejectionOf, serveBytes, startServer } from "../loader/helpers.js";
import type { TestServer } from "../loader/helpers.js";
import { countingFetch, startProxy } from "./proxy.js";
import type { TestProxy } from "./proxy.js";
import { freePort, startRegistry } from "./registry.js";
import type { TestRegistry } from "./registry.js";

const SERIAL = new Map([
  [BUNDLE_4, 4],
  [BUNDLE_5, 5],
  [BUNDLE_6, 6],
]);

/** Pushes `bytes` as `host/repo:tag` (no latest); returns the manifest digest. */
async function push(host: string, repo: string, tag: string, bytes: Uint8Array, credentials?: string): Promise<string> {
  const registry = createRegistry({ host, repository: repo, tag }, { fetch: (i, init) => globalThis.fetch(i, init), plainHttp: true, label: repo, ...(credentials ? { credentials } : {}) });
  const serial = SERIAL.get(bytes)!;
  const result = await pushBundle(
    registry,
    { bytes, title: "acme.bundle.json", payload: { version: `1.${serial}.0`, revision: "0".repeat(40), created_at: "2026-01-02T03:04:05Z", serial }, tags: [tag] },
    AbortSignal.timeout(10_000),
  );
  return result.digest;
}

const open: Loader[] = [];
function loaderFor(source: string | string[], extra: Partial<OciLoaderOptions> = {}): Loader {
  const loader = createLoader({
    ...(Array.isArray(source) ? { sources: source } : { source }),
    trustedKeys: [KEY.publicKey],
    target: "production",
    expectedName: "acme",
    now: () => NOW,
    pollIntervalMs: 0,
    timeoutMs: 2_000,
    plainHttp: true,
    ...extra,
  });
  open.push(loader);
  return loader;
}

afterEach(() => {
  for (const l of open.splice(0)) l.close();
});

describe("an anonymous registry", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(() => registry.stop());

  it("loads a bundle from oci://HOST/REPO:TAG and answers decisions", async () => {
    await push(registry.host, "acme/round", "prod", BUNDLE_4);
    const loader = loaderFor(`oci://${registry.host}/acme/round:prod`);
    const engine = await loader.load();
    expect(engine.meta.serial).toBe(4);
    expect(engine.meta.sha256).toBe(sha256Hex(BUNDLE_4));
    expect(engine.authorize({ action: "db:Select", resource: "db://production/users" }).decision).toBe("allow");
    expect(loader.status()).toMatchObject({ source: `oci://${registry.host}/acme/round:prod`, serial: 4, stale: false });
  });

  it("polls with one HEAD of the manifest and no body while the bundle is unchanged, and downloads a new one once", async () => {
    await push(registry.host, "acme/poll", "prod", BUNDLE_4);
    const counter = countingFetch();
    const loader = loaderFor(`oci://${registry.host}/acme/poll:prod`, { fetch: counter.fetch });
    await loader.load();
    expect(counter.log.map((e) => e.method)).toEqual(["HEAD", "GET", "GET"]);
    counter.reset();
    for (let i = 0; i < 3; i++) expect(await loader.refresh()).toBe(false);
    expect(counter.log.map((e) => `${e.method} ${new URL(e.url).pathname} ${e.status}`)).toEqual(Array(3).fill("HEAD /v2/acme/poll/manifests/prod 200"));
    expect(counter.bytes()).toBe(0);

    await push(registry.host, "acme/poll", "prod", BUNDLE_5);
    counter.reset();
    expect(await loader.refresh()).toBe(true);
    expect(loader.engine?.meta.serial).toBe(5);
    expect(counter.log.map((e) => e.method)).toEqual(["HEAD", "GET", "GET"]);
    expect(counter.bytes()).toBeGreaterThan(BUNDLE_5.length);
    counter.reset();
    expect(await loader.refresh()).toBe(false);
    expect(counter.log.map((e) => e.method)).toEqual(["HEAD"]);
  });

  it("a digest-pinned source serves exactly that manifest, whatever the tag does", async () => {
    const pinned = await push(registry.host, "acme/pin", "prod", BUNDLE_4);
    const loader = loaderFor(`oci://${registry.host}/acme/pin@${pinned}`);
    expect((await loader.load()).meta.serial).toBe(4);
    await push(registry.host, "acme/pin", "prod", BUNDLE_5);
    expect(await loader.refresh()).toBe(false);
    expect(loader.engine?.meta.serial).toBe(4);
    const missing = loaderFor(`oci://${registry.host}/acme/pin@sha256:${"a".repeat(64)}`);
    const e = await rejectionOf(missing.load());
    expect(e.code).toBe("FETCH_FAILED");
    expect(e.message).toContain("HTTP 404");
  });

  it("a tag moved to an older bundle is refused as a rollback; the newer one keeps serving", async () => {
    await push(registry.host, "acme/moved", "prod", BUNDLE_5);
    const counter = countingFetch();
    const loader = loaderFor(`oci://${registry.host}/acme/moved:prod`, { fetch: counter.fetch });
    await loader.load();
    await push(registry.host, "acme/moved", "prod", BUNDLE_4);
    const e = await rejectionOf(loader.refresh());
    expect(e.code).toBe("ROLLBACK");
    expect(loader.engine?.meta.serial).toBe(5);
    expect(loader.status()).toMatchObject({ serial: 5, stale: true, lastError: { code: "ROLLBACK" } });
    // the refused bundle is remembered: polling again costs the manifest, not the bundle
    counter.reset();
    expect((await rejectionOf(loader.refresh())).code).toBe("ROLLBACK");
    expect(counter.log.map((l) => l.method)).toEqual(["HEAD", "GET"]);
    await push(registry.host, "acme/moved", "prod", BUNDLE_6);
    expect(await loader.refresh()).toBe(true);
    expect(loader.status()).toMatchObject({ serial: 6, stale: false });
  });

  describe("behind a proxy", () => {
    let proxy: TestProxy;
    beforeAll(async () => {
      proxy = await startProxy(registry.origin);
    });
    afterEach(() => {
      proxy.down = false;
      proxy.substitute = () => undefined;
    });
    afterAll(() => proxy.close());

    it("a blob that does not match the layer digest is refused (DIGEST_MISMATCH) before verification", async () => {
      await push(registry.host, "acme/tamper", "prod", BUNDLE_4);
      proxy.substitute = (method, path) => (method === "GET" && path.includes("/blobs/") ? BUNDLE_5.slice(0, BUNDLE_4.length) : undefined);
      const loader = loaderFor(`oci://${proxy.host}/acme/tamper:prod`);
      const errors: string[] = [];
      loader.on("error", (err) => errors.push(err.code));
      const e = await rejectionOf(loader.load());
      expect(e.code).toBe("DIGEST_MISMATCH");
      expect(e.message).toContain(`oci://${proxy.host}/acme/tamper:prod`);
      expect(errors).toEqual(["DIGEST_MISMATCH"]);
      expect(loader.engine).toBeUndefined();
      expect(loader.status().lastError?.code).toBe("DIGEST_MISMATCH");
    });

    it("a pinned digest whose manifest bytes differ is refused (DIGEST_MISMATCH)", async () => {
      const pinned = await push(registry.host, "acme/tamper-manifest", "a", BUNDLE_4);
      await push(registry.host, "acme/tamper-manifest", "b", BUNDLE_5);
      const other = await (await fetch(`${registry.origin}/v2/acme/tamper-manifest/manifests/b`, { headers: { accept: "application/vnd.oci.image.manifest.v1+json" } })).arrayBuffer();
      proxy.substitute = (method, path) => (method === "GET" && path.endsWith(`/manifests/${pinned}`) ? new Uint8Array(other) : undefined);
      const e = await rejectionOf(loaderFor(`oci://${proxy.host}/acme/tamper-manifest@${pinned}`).load());
      expect(e.code).toBe("DIGEST_MISMATCH");
    });

    it("a dead first mirror falls through to the second; the first is used again when it is back", async () => {
      await push(registry.host, "acme/mirrored", "prod", BUNDLE_4);
      const dead = `oci://127.0.0.1:${await freePort()}/acme/mirrored:prod`;
      const loader = loaderFor([dead, `oci://${registry.host}/acme/mirrored:prod`]);
      expect((await loader.load()).meta.serial).toBe(4);
      expect(loader.status().source).toBe(`${dead.replace("oci://", "oci://")}, oci://${registry.host}/acme/mirrored:prod`);

      proxy.down = true;
      const viaProxy = loaderFor([`oci://${proxy.host}/acme/mirrored:prod`, `oci://${registry.host}/acme/mirrored:prod`]);
      expect((await viaProxy.load()).meta.serial).toBe(4);
      proxy.down = false;
      await push(registry.host, "acme/mirrored", "prod", BUNDLE_5);
      expect(await viaProxy.refresh()).toBe(true);
      expect(viaProxy.engine?.meta.serial).toBe(5);
    });

    it("one rollback floor across sources: a stale mirror is refused once the primary is down", async () => {
      await push(registry.host, "acme/primary", "prod", BUNDLE_5);
      await push(registry.host, "acme/stale-mirror", "prod", BUNDLE_4);
      const loader = loaderFor([`oci://${proxy.host}/acme/primary:prod`, `oci://${registry.host}/acme/stale-mirror:prod`]);
      expect((await loader.load()).meta.serial).toBe(5);
      proxy.down = true;
      const e = await rejectionOf(loader.refresh());
      expect(e.code).toBe("ROLLBACK");
      expect(loader.engine?.meta.serial).toBe(5);
    });

    it("every source failing: the first one's code, naming each source", async () => {
      proxy.down = true;
      const dead = `oci://127.0.0.1:${await freePort()}/acme/none:prod`;
      const e = await rejectionOf(loaderFor([`oci://${proxy.host}/acme/none:prod`, dead]).load());
      expect(e.code).toBe("FETCH_FAILED");
      expect(e.message).toContain("HTTP 503");
      expect(e.message).toContain(dead);
    });
  });

  describe("mixed with https:// and file sources", () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(serveBytes(BUNDLE_6));
    });
    afterAll(() => server.close());

    it("falls through a dead registry to an https:// source, with its ETag for polling", async () => {
      const dead = `oci://127.0.0.1:${await freePort()}/acme/x:prod`;
      const loader = loaderFor([dead, server.url]);
      expect((await loader.load()).meta.serial).toBe(6);
      const before = server.requests.length;
      expect(await loader.refresh()).toBe(false);
      expect(server.requests.slice(before).map((r) => r.headers["if-none-match"])).toEqual([expect.stringMatching(/^"/)]);
    });

    it("a single https:// source is the core loader itself", async () => {
      const loader = loaderFor(server.url);
      expect((await loader.load()).meta.serial).toBe(6);
      expect(loader.status().source).toBe(server.url);
    });
  });

  it("rejects bad options with a TypeError", () => {
    expect(() => loaderFor("oci://host/Repo:tag")).toThrow(TypeError);
    expect(() => loaderFor("oci://host/repo")).toThrow(/oci:\/\/HOST/);
    expect(() => loaderFor([])).toThrow(TypeError);
    expect(() => loaderFor(["oci://h/r:t"], { registryCredentials: "nocolon" })).toThrow(/user:token/);
  });
});

describe("a registry with htpasswd basic auth", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ basic: { user: "fleet", password: "pw" } });
  });
  afterAll(() => registry.stop());

  it("loads with registryCredentials, polls with one HEAD, and fails closed without them", async () => {
    await push(registry.host, "acme/basic", "prod", BUNDLE_4, "fleet:pw");
    const counter = countingFetch();
    const loader = loaderFor(`oci://${registry.host}/acme/basic:prod`, { registryCredentials: "fleet:pw", fetch: counter.fetch });
    expect((await loader.load()).meta.serial).toBe(4);
    counter.reset();
    expect(await loader.refresh()).toBe(false);
    expect(counter.log.map((l) => `${l.method} ${l.status}`)).toEqual(["HEAD 200"]);
    const e = await rejectionOf(loaderFor(`oci://${registry.host}/acme/basic:prod`).load());
    expect(e.code).toBe("FETCH_FAILED");
    expect(e.message).toContain("HTTP 401");
  });
});

describe("a registry with token auth (the bearer challenge)", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ token: { user: "fleet", password: "pw" } });
  });
  afterAll(() => registry.stop());

  it("fetches a token from the realm once and polls with the bearer token", async () => {
    await push(registry.host, "acme/bearer", "prod", BUNDLE_4, "fleet:pw");
    const tokens = registry.tokenRequests.length;
    const counter = countingFetch();
    const loader = loaderFor(`oci://${registry.host}/acme/bearer:prod`, { registryCredentials: "fleet:pw", fetch: counter.fetch });
    expect((await loader.load()).meta.serial).toBe(4);
    expect(registry.tokenRequests.length).toBe(tokens + 1);
    expect(registry.tokenRequests.at(-1)!.query).toContain("scope=repository%3Aacme%2Fbearer%3Apull");
    counter.reset();
    expect(await loader.refresh()).toBe(false);
    expect(counter.log.map((l) => `${l.method} ${l.status}`)).toEqual(["HEAD 200"]);
    const e = await rejectionOf(loaderFor(`oci://${registry.host}/acme/bearer:prod`).load());
    expect(e.code).toBe("FETCH_FAILED");
    expect(e.message).toContain("token");
  });
});
