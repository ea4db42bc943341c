/** Loopback HTTP servers and signed bundles for the loader tests. */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { canonicalBytes } from "../../src/bundle/canonical-json.js";
import { utf8Decode } from "../../src/bundle/bytes.js";
import { sha256Hex } from "../../src/bundle/digest.js";
import type { PrivateKey } from "../../src/bundle/keys.js";
import { digestTargets } from "../../src/bundle/payload-build.js";
import type { BundlePayload } from "../../src/bundle/payload.js";
import { createLoader } from "../../src/loader/index.js";
import type { Loader, LoaderOptions } from "../../src/loader/index.js";
import { craft, KEY, NOW, samplePayload } from "../bundle/fixtures.js";

export { KEY, KEY2, NOW, OUTSIDER, craft, samplePayload } from "../bundle/fixtures.js";

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
}

export interface TestServer {
  url: string;
  origin: string;
  requests: RecordedRequest[];
  /** Replaces how the server answers. */
  handle: Handler;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1, port 0, that records every request. */
export async function startServer(handle: Handler = notFound): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const state: TestServer = {
    url: "",
    origin: "",
    requests,
    handle,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    state.handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.origin = `http://127.0.0.1:${port}`;
  state.url = `${state.origin}/acme.bundle.json`;
  return state;
}

export const notFound: Handler = (_req, res) => {
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("not found");
};

export function statusOnly(status: number): Handler {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "text/plain" });
    res.end(`status ${status}`);
  };
}

/** Serves `bytes` with an ETag (their SHA-256 unless told) and answers If-None-Match with 304. */
export function serveBytes(bytes: Uint8Array, etag = `"${sha256Hex(bytes).slice(0, 16)}"`): Handler {
  return (req, res) => {
    if (req.headers["if-none-match"] === etag) {
      res.writeHead(304, { etag });
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": String(bytes.length), etag });
    res.end(bytes);
  };
}

/** A signed bundle of the sample payload with `overrides` (serial, name, dates…). */
export function bundleWith(overrides: Parameters<typeof samplePayload>[0] = {}, keys: readonly PrivateKey[] = [KEY]): Uint8Array {
  return craft(samplePayload(overrides).bytes, keys);
}

/** A signed bundle whose payload is the sample one edited, with digests recomputed so only `edit` differs. */
export function bundleEdited(edit: (payload: BundlePayload) => void, keys: readonly PrivateKey[] = [KEY]): Uint8Array {
  const payload = JSON.parse(utf8Decode(samplePayload().bytes)) as BundlePayload;
  edit(payload);
  payload.digests = digestTargets(payload.targets);
  return craft(canonicalBytes(payload), keys);
}

export const BUNDLE_4 = bundleWith();
export const BUNDLE_5 = bundleWith({ serial: 5, version: "1.3.0" });
export const BUNDLE_6 = bundleWith({ serial: 6, version: "1.4.0" });

/** Loader options for a loopback source: the sample key, production, a fixed clock, no polling. */
export function optionsFor(source: string, extra: Partial<LoaderOptions> = {}): LoaderOptions {
  return {
    source,
    trustedKeys: [KEY.publicKey],
    target: "production",
    expectedName: "acme",
    now: () => NOW,
    pollIntervalMs: 0,
    timeoutMs: 2_000,
    ...extra,
  };
}

/** Loaders created through `track` are closed after each test. */
export function loaderTracker(): { track: (options: LoaderOptions) => Loader; closeAll: () => void } {
  const open: Loader[] = [];
  return {
    track(options) {
      const loader = createLoader(options);
      open.push(loader);
      return loader;
    },
    closeAll() {
      for (const l of open.splice(0)) l.close();
    },
  };
}

/** The rejection of `promise`, which must reject. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected a rejection");
}

/** Resolves with the first value `subscribe` delivers, or rejects after `ms`. */
export function nextEvent<T>(subscribe: (listener: (value: T) => void) => () => void, ms = 5_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no event within ${ms} ms`));
    }, ms);
    const off = subscribe((value) => {
      clearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `condition()` holds, checking every 10 ms, or rejects after `ms`. */
export async function waitFor(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await sleep(10);
  }
}
