/**
 * A loopback HTTP proxy in front of the test registry that can go down or substitute a response
 * body (a tampering mirror), and a counting `fetch` that records requests and body bytes received.
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FetchLike } from "../../src/loader/types.js";

export interface TestProxy {
  /** `127.0.0.1:PORT`. */
  host: string;
  /** Answer every request with 503. */
  down: boolean;
  /** Bytes to serve instead of the registry's for a GET of this path, if any. */
  substitute: (method: string, path: string) => Uint8Array | undefined;
  close(): Promise<void>;
}

export async function startProxy(upstream: string): Promise<TestProxy> {
  const state: TestProxy = { host: "", down: false, substitute: () => undefined, close: async () => undefined };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (state.down) {
      res.writeHead(503, { "content-type": "text/plain" });
      res.end("down");
      return;
    }
    const path = req.url ?? "/";
    const replaced = state.substitute(req.method ?? "GET", path);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host" && k !== "connection") headers[k] = v;
    const answer = await fetch(`${upstream}${path}`, { method: req.method ?? "GET", headers, redirect: "manual", ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}) });
    const body = replaced ?? new Uint8Array(await answer.arrayBuffer());
    const out: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (k !== "content-length" && k !== "transfer-encoding" && k !== "connection" && k !== "keep-alive") out[k] = v;
    });
    if (req.method !== "HEAD") out["content-length"] = String(body.length);
    res.writeHead(answer.status, out);
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

export interface Counted {
  method: string;
  url: string;
  status: number;
  /** Body bytes read by the caller. */
  bytes: number;
}

/** `globalThis.fetch`, recording each request and counting the body bytes its caller reads. */
export function countingFetch(): { fetch: FetchLike; log: Counted[]; reset(): void; bytes(): number } {
  const log: Counted[] = [];
  const fetch: FetchLike = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    const entry: Counted = { method: init.method ?? "GET", url: input, status: response.status, bytes: 0 };
    log.push(entry);
    if (response.body === null) return response;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        entry.bytes += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(counter), { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return { fetch, log, reset: () => void log.splice(0), bytes: () => log.reduce((n, e) => n + e.bytes, 0) };
}
