/**
 * Fleet polling: requests and bytes per poll of an unchanged bundle for many loaders in one
 * process, OCI (`edict/loader/oci`: one HEAD of the manifest against Debian's docker-registry)
 * against the release-asset path (`github:` source: github.com's 302 to the asset CDN, which
 * answers If-None-Match with 304, emulated on loopback). Bytes are counted on the wire by a TCP
 * relay in front of each server (request and response, headers included).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { Server } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import type { AddressInfo, Server as NetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Hex } from "../../src/bundle/digest.js";
import { createLoader as createCoreLoader } from "../../src/loader/index.js";
import { createLoader } from "../../src/loader/oci.js";
import type { FetchLike, Loader } from "../../src/loader/index.js";
import { createRegistry } from "../../src/oci/client.js";
import { pushBundle } from "../../src/oci/push.js";
import { benchKey, signedBundle, targetsOf } from "../lib/bundles.js";
import { bytes as fmtBytes } from "../lib/measure.js";
import type { Row } from "../lib/report.js";

export interface OciPollOptions {
  loaders: number;
  polls: number;
  statements: number;
  log: (line: string) => void;
}

interface Relay {
  port: number;
  bytes: number;
  close(): Promise<void>;
}

/** A TCP relay to `127.0.0.1:target` counting every byte in both directions. */
async function relay(target: number): Promise<Relay> {
  const state = { port: 0, bytes: 0, close: async () => undefined } as Relay;
  const sockets = new Set<{ destroy(): void }>();
  const server: NetServer = createNetServer((client) => {
    const upstream = connect(target, "127.0.0.1");
    sockets.add(client);
    sockets.add(upstream);
    client.on("data", (d: Buffer) => void (state.bytes += d.length));
    upstream.on("data", (d: Buffer) => void (state.bytes += d.length));
    client.pipe(upstream).on("error", () => undefined);
    upstream.pipe(client).on("error", () => undefined);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.port = (server.address() as AddressInfo).port;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  return state;
}

async function listen(server: Server | NetServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function startRegistry(dir: string): Promise<{ port: number; stop(): Promise<void> }> {
  const probe = createNetServer();
  const port = await listen(probe);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const config = join(dir, "config.yml");
  writeFileSync(config, `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, "data")}\nhttp:\n  addr: 127.0.0.1:${port}\n`);
  const child = spawn("/usr/bin/docker-registry", ["serve", config], { stdio: "ignore" });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/v2/`)).status === 200) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error("docker-registry did not start (apt-get install docker-registry)");
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    port,
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** github.com's release download (302) and the asset CDN (ETag, 304), counting requests. */
async function startReleaseServer(bundle: Uint8Array): Promise<{ port: number; requests: () => number; close(): Promise<void> }> {
  const etag = `"0x${sha256Hex(bundle).slice(0, 16)}"`;
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    if (req.url?.includes("/releases/latest/download/")) {
      res.writeHead(302, { location: "/cdn/bench-policies.bundle.json", "content-length": "0" });
      res.end();
    } else if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, { etag });
      res.end();
    } else {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(bundle.length), etag });
      res.end(bundle);
    }
  });
  const port = await listen(server);
  return { port, requests: () => requests, close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

interface Measured {
  loadRequests: number;
  loadBytes: number;
  pollRequests: number;
  pollBytes: number;
}

async function measure(loaders: Loader[], polls: number, counters: { requests: () => number; bytes: () => number }): Promise<Measured> {
  let r0 = counters.requests();
  let b0 = counters.bytes();
  await Promise.all(loaders.map((l) => l.load()));
  const loadRequests = counters.requests() - r0;
  const loadBytes = counters.bytes() - b0;
  r0 = counters.requests();
  b0 = counters.bytes();
  for (let i = 0; i < polls; i++) {
    const changed = await Promise.all(loaders.map((l) => l.refresh()));
    if (changed.some(Boolean)) throw new Error("the bundle changed during the bench");
  }
  const n = loaders.length * polls;
  return { loadRequests: loadRequests / loaders.length, loadBytes: loadBytes / loaders.length, pollRequests: (counters.requests() - r0) / n, pollBytes: (counters.bytes() - b0) / n };
}

export async function runOciPoll(options: OciPollOptions): Promise<{ rows: Row[] }> {
  const { log } = options;
  const key = benchKey();
  const bundle = signedBundle(targetsOf(options.statements), key.privateKey);
  const dir = mkdtempSync(join(tmpdir(), "edict-bench-oci-"));
  const registry = await startRegistry(dir);
  const release = await startReleaseServer(bundle);
  const registryRelay = await relay(registry.port);
  const releaseRelay = await relay(release.port);
  // 200 loaders verify and compile at once on a small machine: a generous deadline
  const common = { trustedKeys: [key.publicKey], target: "production", expectedName: "bench-policies", pollIntervalMs: 0, timeoutMs: 120_000 };
  const open: Loader[] = [];
  try {
    const ref = { host: `127.0.0.1:${registry.port}`, repository: "bench/policies", tag: "latest" };
    await pushBundle(
      createRegistry(ref, { fetch: (i, init) => globalThis.fetch(i, init), plainHttp: true, label: "bench" }),
      { bytes: bundle, title: "bench-policies.bundle.json", payload: { version: "1.0.0", revision: "0".repeat(40), created_at: "2026-01-01T00:00:00Z", serial: 1 }, tags: ["latest"] },
      AbortSignal.timeout(30_000),
    );
    let ociRequests = 0;
    const countingFetch: FetchLike = (input, init) => {
      ociRequests++;
      return globalThis.fetch(input, init);
    };
    const oci = Array.from({ length: options.loaders }, () =>
      createLoader({ ...common, source: `oci://127.0.0.1:${registryRelay.port}/bench/policies:latest`, plainHttp: true, fetch: countingFetch }),
    );
    open.push(...oci);
    log(`oci: ${options.loaders} loaders, ${options.polls} polls each, bundle ${fmtBytes(bundle.length)}`);
    const o = await measure(oci, options.polls, { requests: () => ociRequests, bytes: () => registryRelay.bytes });
    const assets = Array.from({ length: options.loaders }, () =>
      createCoreLoader({ ...common, source: "github:bench/policies@latest", githubUrl: `http://127.0.0.1:${releaseRelay.port}` }),
    );
    open.push(...assets);
    log(`release asset: ${options.loaders} loaders, ${options.polls} polls each`);
    const a = await measure(assets, options.polls, { requests: release.requests, bytes: () => releaseRelay.bytes });
    const per = (m: Measured, what: "load" | "poll") => {
      const requests = what === "load" ? m.loadRequests : m.pollRequests;
      const bytes = what === "load" ? m.loadBytes : m.pollBytes;
      return { result: `${requests.toFixed(2)} requests, ${fmtBytes(Math.round(bytes))} per loader`, values: { requests, bytes: Math.round(bytes) } };
    };
    const rows: Row[] = [
      { section: "oci", case: `poll of an unchanged bundle, ${options.loaders} loaders: OCI HEAD`, ...per(o, "poll"), target: "1 request, no body", status: o.pollRequests === 1 ? "met" : "missed" },
      { section: "oci", case: `poll of an unchanged bundle, ${options.loaders} loaders: release asset (302 + 304)`, ...per(a, "poll") },
      { section: "oci", case: `first load, ${fmtBytes(bundle.length)} bundle: OCI (HEAD, manifest, blob)`, ...per(o, "load") },
      { section: "oci", case: `first load, ${fmtBytes(bundle.length)} bundle: release asset (302 + 200)`, ...per(a, "load") },
    ];
    for (const r of rows) log(`${r.case}: ${r.result}`);
    return { rows };
  } finally {
    for (const l of open) l.close();
    await registryRelay.close();
    await releaseRelay.close();
    await release.close();
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
