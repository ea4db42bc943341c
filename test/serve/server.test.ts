/** `startServe` over real HTTP on 127.0.0.1 with a real signed bundle: every route, every error status, metrics. */
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { createLoader } from "../../src/loader/index.js";
import type { Loader, LoadedEngine } from "../../src/loader/index.js";
import { startServe } from "../../src/serve/server.js";
import type { DecisionLogSink, OverlaySource, ServeHandle, ServedDecision } from "../../src/serve/server.js";
import { MAX_BATCH } from "../../src/serve/validate.js";
import { BUNDLE_4, NOW, optionsFor, serveBytes, startServer, statusOnly, waitFor } from "../loader/helpers.js";
import type { TestServer } from "../loader/helpers.js";
import { call, exampleBundle, parseExposition } from "./fixtures.js";

const MIB = 1024 * 1024;
const ALLOW = { action: "db:Select", resource: "db://production/users", context: { "source.ip": "10.1.2.3" } };
const DENY = { action: "db:Delete", resource: "db://production/users" };
const APPROVAL = { action: "db:Update", resource: "db://production/orders", context: { "principal.role": "dba" } };

let loader: Loader;
let engine: LoadedEngine;
let server: ServeHandle;
let base: string;
const logged: Array<{ entry: ServedDecision; audit: unknown }> = [];
const sink: DecisionLogSink = {
  record: (entry, audit) => void logged.push({ entry, audit }),
  dropped: () => 3,
  flush: async () => undefined,
};

beforeAll(async () => {
  const example = await exampleBundle();
  loader = createLoader({ source: example.bundle, trustedKeys: [readFileSync(example.pub, "utf8")], target: "production", pollIntervalMs: 0 });
  engine = await loader.load();
  server = await startServe({ loader, listen: { host: "127.0.0.1", port: 0 }, maxBodyBytes: MIB, decisionLog: sink });
  base = server.url;
}, 60_000);

afterAll(async () => {
  await server?.close();
  loader?.close();
});

const expectedBundle = () => ({ name: "acme-policies", version: engine.meta.version, serial: engine.meta.serial, revision: engine.meta.revision });

describe("decisions", () => {
  it("listens on the loopback port it was given and names it in its url", () => {
    expect(server.host).toBe("127.0.0.1");
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it("POST /v1/authorize answers the engine's decision plus the bundle", async () => {
    for (const req of [ALLOW, DENY, APPROVAL]) {
      const r = await call(base, "/v1/authorize", { body: req });
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("application/json");
      expect(r.json).toEqual({ ...JSON.parse(JSON.stringify(engine.authorize(req))), bundle: expectedBundle() });
    }
    expect((await call(base, "/v1/authorize", { body: ALLOW })).json.decision).toBe("allow");
    expect((await call(base, "/v1/authorize", { body: DENY })).json.decision).toBe("deny");
    const approval = await call(base, "/v1/authorize", { body: APPROVAL });
    expect(approval.json.decision).toBe("approval_required");
    expect(approval.json.approval.approverRole).toBe("admin");
  });

  it("accepts content-type with parameters, a query string, and a context with lists and null", async () => {
    const r = await call(base, "/v1/authorize?explain=0", { body: { ...ALLOW, context: { "source.ip": "10.1.2.3", tags: ["a", "b"], other: null } }, headers: { "content-type": "Application/JSON; charset=utf-8" } });
    expect(r.status).toBe(200);
    expect(r.json.decision).toBe("allow");
  });

  it("POST /v1/authorize/batch answers in order, up to 10,000 requests", async () => {
    const requests = Array.from({ length: MAX_BATCH }, (_, i) => [ALLOW, DENY, APPROVAL][i % 3]!);
    const r = await call(base, "/v1/authorize/batch", { body: { requests } });
    expect(r.status).toBe(200);
    expect(r.json.decisions).toHaveLength(MAX_BATCH);
    expect(r.json.decisions.slice(0, 4).map((d: { decision: string }) => d.decision)).toEqual(["allow", "deny", "approval_required", "allow"]);
    expect(r.json.decisions[MAX_BATCH - 1]).toEqual(JSON.parse(JSON.stringify(engine.authorize(requests[MAX_BATCH - 1]!))));
    expect(r.json.bundle).toEqual(expectedBundle());
    const empty = await call(base, "/v1/authorize/batch", { body: { requests: [] } });
    expect(empty.json).toEqual({ decisions: [], bundle: expectedBundle() });
  });

  it("refuses a batch of 10,001 and names the bad request of a batch", async () => {
    const tooMany = await call(base, "/v1/authorize/batch", { body: { requests: Array.from({ length: MAX_BATCH + 1 }, () => DENY) } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.code).toBe("BAD_REQUEST");
    expect(tooMany.json.error.message).toMatch(/"requests" holds 10001 requests; at most 10000/);
    const bad = await call(base, "/v1/authorize/batch", { body: { requests: [ALLOW, { action: "db:Select" }] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/"requests\[1\]\.resource" must be a non-empty string/);
    expect((await call(base, "/v1/authorize/batch", { body: { requests: "x" } })).json.error.message).toMatch(/"requests" must be a list/);
  });

  it("POST /v1/tools/check, /v1/data/decide, /v1/scan and /v1/posture give the engine's answers", async () => {
    const tool = await call(base, "/v1/tools/check", { body: { uri: "mcp://vision-mcp/detect@1.2.0", facts: { egressHost: "evil.example.org" } } });
    expect(tool.status).toBe(200);
    expect(tool.json).toEqual({ ...JSON.parse(JSON.stringify(engine.checkTool("mcp://vision-mcp/detect@1.2.0", { egressHost: "evil.example.org" }))), bundle: expectedBundle() });
    const unknown = await call(base, "/v1/tools/check", { body: { uri: "mcp://other/tool@1" } });
    expect(unknown.json.allowed).toBe(false);

    const dataRequest = { dataset: "customers", fields: [{ name: "email", sensitivity: "internal" }], requester: { role: "analyst", region: "US" } };
    const when = "2026-03-04T10:00:00Z";
    const data = await call(base, "/v1/data/decide", { body: { request: dataRequest, now: when } });
    expect(data.status).toBe(200);
    expect(data.json).toEqual({ ...JSON.parse(JSON.stringify(engine.decideData(dataRequest, new Date(when)))), bundle: expectedBundle() });

    const text = "login with password=hunter2 now";
    const scan = await call(base, "/v1/scan", { body: { text, location: "output" } });
    expect(scan.status).toBe(200);
    expect(scan.json).toEqual({ findings: JSON.parse(JSON.stringify(engine.scan(text, "output"))), bundle: expectedBundle() });
    expect(scan.json.findings.length).toBeGreaterThan(0);

    const facts = { environment: "production", diskEncrypted: false };
    const posture = await call(base, "/v1/posture", { body: { facts } });
    expect(posture.status).toBe(200);
    expect(posture.json).toEqual({ ...JSON.parse(JSON.stringify(engine.posture(facts as never))), bundle: expectedBundle() });
  });

  it("records every decision in the decision log with the bundle's AuditLog settings", async () => {
    logged.length = 0;
    await call(base, "/v1/authorize", { body: DENY });
    await call(base, "/v1/scan", { body: { text: "nothing", location: "output" } });
    await call(base, "/v1/authorize/batch", { body: { requests: [ALLOW, DENY] } });
    expect(logged.map((l) => [l.entry.kind, l.entry.result.decision])).toEqual([
      ["authorize", "deny"],
      ["scan", "clean"],
      ["authorize", "allow"],
      ["authorize", "deny"],
    ]);
    const first = logged[0]!;
    expect(first.entry.input).toEqual(DENY);
    expect(first.entry.bundle).toEqual({ name: "acme-policies", serial: engine.meta.serial, revision: engine.meta.revision });
    expect(first.entry.decision_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(first.entry.time).getTime()).not.toBeNaN();
    expect(first.entry.duration_us).toBeGreaterThanOrEqual(0);
    expect(first.entry.overlay).toBeUndefined();
    expect(first.audit).toEqual(engine.meta.effective.access.AuditLog);
    expect(first.audit).toMatchObject({ Required: true, RedactPII: true });
  });
});

describe("status, health and metrics", () => {
  it("GET /v1/status is the loader's status", async () => {
    const r = await call(base, "/v1/status");
    expect(r.status).toBe(200);
    expect(r.json).toEqual(JSON.parse(JSON.stringify(loader.status())));
    expect(r.json.serial).toBe(engine.meta.serial);
  });

  it("GET /health/live and /health/ready answer 200 with a verified unexpired bundle", async () => {
    expect(await call(base, "/health/live")).toMatchObject({ status: 200, json: { status: "live" } });
    expect(await call(base, "/health/ready")).toMatchObject({ status: 200, json: { status: "ready", serial: engine.meta.serial } });
  });

  it("GET /metrics is Prometheus text 0.0.4 with the documented names, and the counters move", async () => {
    const before = parseExposition((await call(base, "/metrics")).text);
    await call(base, "/v1/authorize", { body: DENY });
    await call(base, "/v1/authorize", { body: DENY });
    await call(base, "/v1/authorize", { body: ALLOW });
    await call(base, "/v1/authorize", { raw: "{", headers: { "content-type": "application/json" } });
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const after = parseExposition(await res.text());
    expect([...after.types]).toEqual([
      ["edict_decisions_total", "counter"],
      ["edict_decision_duration_seconds", "histogram"],
      ["edict_bundle_serial", "gauge"],
      ["edict_bundle_expires_timestamp_seconds", "gauge"],
      ["edict_bundle_last_success_timestamp_seconds", "gauge"],
      ["edict_bundle_errors_total", "counter"],
      ["edict_http_requests_total", "counter"],
      ["edict_decision_log_dropped_total", "counter"],
    ]);
    const moved = (name: string, labels: Record<string, string>) => (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0);
    expect(moved("edict_decisions_total", { kind: "authorize", decision: "deny" })).toBe(2);
    expect(moved("edict_decisions_total", { kind: "authorize", decision: "allow" })).toBe(1);
    expect(moved("edict_http_requests_total", { route: "/v1/authorize", status: "200" })).toBe(3);
    expect(moved("edict_http_requests_total", { route: "/v1/authorize", status: "400" })).toBe(1);
    expect(moved("edict_decision_duration_seconds_count", {})).toBe(3);
    expect(after.value("edict_decision_duration_seconds_bucket", { le: "+Inf" })).toBe(after.value("edict_decision_duration_seconds_count"));
    const buckets = after.samples.filter((s) => s.name === "edict_decision_duration_seconds_bucket").map((s) => s.value);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(after.value("edict_bundle_serial")).toBe(engine.meta.serial);
    expect(after.value("edict_bundle_expires_timestamp_seconds")).toBe(Date.parse(engine.meta.expires_at) / 1000);
    expect(after.value("edict_bundle_last_success_timestamp_seconds")).toBe(Date.parse(loader.status().lastSuccess!) / 1000);
    expect(after.value("edict_decision_log_dropped_total")).toBe(3);
  });
});

describe("errors", () => {
  it("400 for malformed JSON, an empty body and a body that is not an object, naming what is wrong", async () => {
    const json = { "content-type": "application/json" };
    const bad = await call(base, "/v1/authorize", { raw: '{"action": "db:Select",', headers: json });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("BAD_REQUEST");
    expect(bad.json.error.message).toMatch(/^the body is not valid JSON: /);
    expect(Object.keys(bad.json)).toEqual(["error"]);
    expect(Object.keys(bad.json.error)).toEqual(["code", "message"]);
    expect((await call(base, "/v1/authorize", { raw: "", headers: json })).json.error.message).toMatch(/the body is empty/);
    expect((await call(base, "/v1/authorize", { body: [ALLOW] })).json.error.message).toMatch(/the body must be a JSON object, got a list/);
  });

  it("400 naming the field for every wrongly shaped request", async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ["/v1/authorize", { resource: "db://x" }, /"action" must be a non-empty string, got nothing/],
      ["/v1/authorize", { action: "db:Select", resource: 5 }, /"resource" must be a non-empty string, got number/],
      ["/v1/authorize", { ...DENY, context: "x" }, /"context" must be an object, got string/],
      ["/v1/authorize", { ...DENY, context: { deep: { a: 1 } } }, /"context\.deep" must be a string, number, boolean, null or a list of them/],
      ["/v1/tools/check", { uri: 1 }, /"uri" must be a non-empty string/],
      ["/v1/tools/check", { uri: "mcp://a/b", facts: [] }, /"facts" must be an object, got a list/],
      ["/v1/data/decide", { request: "x" }, /"request" must be an object/],
      ["/v1/data/decide", { request: { dataset: "d", fields: "x" } }, /"request": fields must be a list/],
      ["/v1/data/decide", { request: { dataset: "d", fields: [] }, now: "yesterday" }, /"now" must be an ISO 8601 time/],
      ["/v1/scan", { location: "input" }, /"text" must be a string/],
      ["/v1/scan", { text: "x", location: "middle" }, /"location" must be "input" or "output", got "middle"/],
      ["/v1/posture", {}, /"facts" must be an object, got nothing/],
    ];
    for (const [path, body, message] of cases) {
      const r = await call(base, path, { body });
      expect(r.status, path).toBe(400);
      expect(r.json.error.message, path).toMatch(message);
    }
  });

  it("404 for an unknown path, 405 with Allow for a wrong method", async () => {
    const missing = await call(base, "/v1/nope");
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe("NOT_FOUND");
    const get = await call(base, "/v1/authorize");
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect(get.json.error.code).toBe("METHOD_NOT_ALLOWED");
    const post = await call(base, "/v1/status", { body: {} });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
  });

  it("415 for a POST that is not application/json", async () => {
    for (const type of ["text/plain", "application/jsonp", undefined]) {
      const r = await call(base, "/v1/authorize", { raw: JSON.stringify(ALLOW), headers: type === undefined ? {} : { "content-type": type } });
      expect(r.status, String(type)).toBe(415);
      expect(r.json.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
  });

  it("413 for a declared body over --max-body, and the connection stays usable", async () => {
    const big = JSON.stringify({ requests: Array.from({ length: 30_000 }, () => ALLOW) });
    expect(big.length).toBeGreaterThan(MIB);
    const r = await call(base, "/v1/authorize/batch", { raw: big, headers: { "content-type": "application/json" } });
    expect(r.status).toBe(413);
    expect(r.json.error.code).toBe("PAYLOAD_TOO_LARGE");
    expect((await call(base, "/v1/authorize", { body: DENY })).status).toBe(200);
  });

  it("413 for a streamed (chunked) body once it passes the cap, without waiting for its end", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${base}/v1/authorize`, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on("error", (e) => (req.destroyed ? undefined : reject(e)));
      // 1.5 MiB sent in chunks, and the request is never ended: only the cap can answer it
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      req.write("{");
      for (let i = 0; i < 24; i++) req.write(chunk);
    });
    expect(status).toBe(413);
  });

  it("500 with an error and no decision when evaluation throws (fail closed)", async () => {
    const broken: Engine = {
      ...engine,
      authorize: () => {
        throw new Error("boom at /secret/path");
      },
    };
    const overlays: OverlaySource = { engine: () => broken, digest: () => "d".repeat(64), error: () => undefined };
    const lines: string[] = [];
    const s = await startServe({ loader, listen: { host: "127.0.0.1", port: 0 }, maxBodyBytes: MIB, overlays, log: (l) => lines.push(l) });
    try {
      for (const [path, body] of [["/v1/authorize", ALLOW], ["/v1/authorize/batch", { requests: [ALLOW] }]] as const) {
        const r = await call(s.url, path, { body });
        expect(r.status).toBe(500);
        expect(r.json).toEqual({ error: { code: "INTERNAL", message: "the request could not be evaluated; no decision was made (see the server log)" } });
        expect(r.text).not.toMatch(/allow|boom|secret|at /);
      }
      expect(lines.some((l) => l.includes("boom"))).toBe(true);
      // the overlay engine answers the other routes, and its digest is in /v1/status
      expect((await call(s.url, "/v1/status")).json.overlay).toEqual({ digest: "d".repeat(64) });
    } finally {
      await s.close();
    }
  });
});

describe("token", () => {
  it("401 without or with a wrong Bearer token on /v1/* and /metrics; health probes stay open", async () => {
    const s = await startServe({ loader, listen: { host: "127.0.0.1", port: 0 }, maxBodyBytes: MIB, token: "s3cret-token" });
    try {
      for (const headers of [{} as Record<string, string>, { authorization: "Bearer wrong" }, { authorization: "Bearer s3cret-token-longer" }, { authorization: "Basic s3cret-token" }]) {
        const r = await call(s.url, "/v1/authorize", { body: ALLOW, headers });
        expect(r.status).toBe(401);
        expect(r.json.error.code).toBe("UNAUTHORIZED");
        expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
        expect((await call(s.url, "/metrics", { headers })).status).toBe(401);
        expect((await call(s.url, "/v1/status", { headers })).status).toBe(401);
      }
      const ok = await call(s.url, "/v1/authorize", { body: ALLOW, headers: { authorization: "Bearer s3cret-token" } });
      expect(ok.status).toBe(200);
      expect((await call(s.url, "/metrics", { headers: { authorization: "bearer s3cret-token" } })).status).toBe(200);
      expect((await call(s.url, "/health/live")).status).toBe(200);
      expect((await call(s.url, "/health/ready")).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe("before the first bundle", () => {
  let source: TestServer;
  beforeAll(async () => {
    source = await startServer(statusOnly(404));
  });
  afterAll(async () => {
    await source.close();
  });

  it("answers 503 until a bundle is verified, counts the loader's errors, then serves", async () => {
    const l = createLoader(optionsFor(source.url));
    const lines: string[] = [];
    const s = await startServe({ loader: l, listen: { host: "127.0.0.1", port: 0 }, maxBodyBytes: MIB, now: () => NOW, loadRetryMs: 20, log: (line) => lines.push(line) });
    try {
      await waitFor(() => l.status().lastError !== undefined);
      const r = await call(s.url, "/v1/authorize", { body: DENY });
      expect(r.status).toBe(503);
      expect(r.json.error.code).toBe("NO_BUNDLE");
      const ready = await call(s.url, "/health/ready");
      expect(ready.status).toBe(503);
      expect(ready.json.error.code).toBe("NOT_READY");
      expect(ready.json.error.message).toMatch(/no verified bundle is active yet \(last error FETCH_FAILED/);
      expect((await call(s.url, "/health/live")).status).toBe(200);
      const metrics = parseExposition((await call(s.url, "/metrics")).text);
      expect(metrics.value("edict_bundle_errors_total", { code: "FETCH_FAILED" })).toBeGreaterThanOrEqual(1);
      expect(metrics.value("edict_bundle_serial")).toBeUndefined();
      expect(lines.some((line) => line.includes("FETCH_FAILED"))).toBe(true);

      source.handle = serveBytes(BUNDLE_4);
      await waitFor(() => l.engine !== undefined);
      const answered = await call(s.url, "/v1/authorize", { body: DENY });
      expect(answered.status).toBe(200);
      expect(answered.json.decision).toBe("deny");
      expect(answered.json.bundle).toEqual({ name: "acme", version: "1.2.3", serial: 4, revision: l.engine!.meta.revision });
      expect((await call(s.url, "/health/ready")).status).toBe(200);

      // later failures do not stop serving: the last verified bundle keeps answering
      source.handle = statusOnly(500);
      await expect(l.refresh()).rejects.toThrow();
      expect((await call(s.url, "/v1/authorize", { body: DENY })).json.decision).toBe("deny");
    } finally {
      await s.close();
      l.close();
    }
  });

  it("is not ready once the active bundle has expired", async () => {
    source.handle = serveBytes(BUNDLE_4);
    let now = NOW;
    const l = createLoader(optionsFor(source.url, { now: () => now }));
    await l.load();
    const s = await startServe({ loader: l, listen: { host: "127.0.0.1", port: 0 }, maxBodyBytes: MIB, now: () => now });
    try {
      expect((await call(s.url, "/health/ready")).status).toBe(200);
      now = new Date("2026-03-01T00:00:00Z");
      const ready = await call(s.url, "/health/ready");
      expect(ready.status).toBe(503);
      expect(ready.json.error.message).toMatch(/expired at 2026-02-01T03:04:05Z/);
    } finally {
      await s.close();
      l.close();
    }
  });

  it("is not ready while an overlay is refused, and says why", async () => {
    source.handle = serveBytes(BUNDLE_4);
    const l = createLoader(optionsFor(source.url));
    await l.load();
    const overlays: OverlaySource = { engine: () => undefined, digest: () => "e".repeat(64), error: () => "host.yaml:7:9: overlay: an Allow statement would loosen the bundle" };
    const s = await startServe({ loader: l, listen: { host: "127.0.0.1", port: 0 }, maxBodyBytes: MIB, now: () => NOW, overlays });
    try {
      const ready = await call(s.url, "/health/ready");
      expect(ready.status).toBe(503);
      expect(ready.json.error.message).toBe("host overlay refused: host.yaml:7:9: overlay: an Allow statement would loosen the bundle");
      expect((await call(s.url, "/v1/status")).json.overlay).toEqual({ digest: "e".repeat(64), error: "host.yaml:7:9: overlay: an Allow statement would loosen the bundle" });
      // the bundle keeps answering alone
      expect((await call(s.url, "/v1/authorize", { body: DENY })).json.decision).toBe("deny");
    } finally {
      await s.close();
      l.close();
    }
  });
});

describe("close", () => {
  it("finishes a request in flight, refuses new connections, and flushes the decision log", async () => {
    let flushed = 0;
    let closing: Promise<void> | undefined;
    // the server is closed from inside the first decision of a large batch: that request is in flight
    const decisionLog: DecisionLogSink = {
      record: () => void (closing ??= s.close({ graceMs: 5_000 })),
      dropped: () => 0,
      flush: async () => void flushed++,
    };
    const s: ServeHandle = await startServe({ loader, listen: { host: "127.0.0.1", port: 0 }, maxBodyBytes: 4 * MIB, decisionLog });
    const answered = await call(s.url, "/v1/authorize/batch", { body: { requests: Array.from({ length: MAX_BATCH }, () => ALLOW) } });
    expect(closing).toBeDefined();
    expect(answered.status).toBe(200);
    expect(answered.headers.get("connection")).toBe("close");
    expect(answered.json.decisions).toHaveLength(MAX_BATCH);
    await closing;
    expect(flushed).toBe(1);
    await expect(fetch(`${s.url}/health/live`)).rejects.toThrow();
  });
});
