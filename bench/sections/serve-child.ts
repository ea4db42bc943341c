/**
 * Child process of the serve benchmark (forked by ./serve.ts, so the load generator and the
 * server under test do not share one event loop). Arguments: the server kind and, for `edict`,
 * the signed bundle file. It listens on 127.0.0.1 with a free port, sends
 * `{kind: "listening", url}` over IPC, and closes when the parent sends `{kind: "close"}` or goes away.
 *
 * - `edict`: `startServe` (src/serve/server.ts) over a file-source loader, exactly as `edict serve` runs it;
 * - `bare`: the ceiling, a `node:http` server with no policy at all: `/v1/authorize` reads the body
 *   and answers a constant decision; `/v1/authorize/batch` parses the body and serialises one
 *   constant decision per request.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createLoader } from "../../src/loader/index.js";
import { startServe } from "../../src/serve/server.js";
import { benchKey } from "../lib/bundles.js";

export type ServeServerKind = "edict" | "bare";

export type ServeChildMessage = { kind: "listening"; url: string } | { kind: "error"; message: string };

/** What the bare servers answer: the shape and size of a typical edict decision. */
export const CONSTANT_DECISION = {
  decision: "allow",
  reasons: [{ policy: "gen_access_1", file: "policies/gen/access-1.yaml", sid: "S2", effect: "Allow" }],
} as const;
const CONSTANT_BUNDLE = { name: "bench-policies", version: "1.0.0", serial: 1, revision: "0123456789abcdef0123456789abcdef01234567" } as const;
const CONSTANT_SINGLE = JSON.stringify({ ...CONSTANT_DECISION, bundle: CONSTANT_BUNDLE });

const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") reject(new Error("no TCP address"));
      else resolve(`http://127.0.0.1:${address.port}`);
    });
  });
}

function bareServer(): Server {
  return createServer((req, res) => {
    readBody(req).then(
      (text) => {
        if (req.url === "/v1/authorize") return send(res, 200, CONSTANT_SINGLE);
        if (req.url === "/v1/authorize/batch") {
          const { requests } = JSON.parse(text) as { requests: unknown[] };
          return send(res, 200, JSON.stringify({ decisions: requests.map(() => CONSTANT_DECISION), bundle: CONSTANT_BUNDLE }));
        }
        return send(res, 404, '{"error":{"code":"NOT_FOUND","message":"no such route"}}');
      },
      () => send(res, 400, '{"error":{"code":"BAD_REQUEST","message":"unreadable body"}}'),
    );
  });
}

async function start(kind: ServeServerKind, bundleFile: string | undefined): Promise<{ url: string; close(): Promise<void> }> {
  if (kind === "bare") {
    const server = bareServer();
    const url = await listen(server);
    return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }
  if (bundleFile === undefined) throw new Error(`${kind} needs a bundle file`);
  const loader = createLoader({ source: bundleFile, trustedKeys: [benchKey().publicKey], target: "production", pollIntervalMs: 0 });
  await loader.load();
  const handle = await startServe({ loader, listen: { host: "127.0.0.1", port: 0 }, maxBodyBytes: MAX_BODY_BYTES, log: () => {} });
  return {
    url: handle.url,
    close: async () => {
      await handle.close({ graceMs: 1_000 });
      loader.close();
    },
  };
}

function report(message: ServeChildMessage): void {
  if (process.send === undefined) console.log(JSON.stringify(message));
  else process.send(message);
}

async function main(): Promise<void> {
  const [kind, bundleFile] = process.argv.slice(2) as [ServeServerKind, string | undefined];
  if (kind !== "edict" && kind !== "bare") throw new Error(`unknown server kind ${String(kind)}: expected edict or bare`);
  const server = await start(kind, bundleFile);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("message", (m: { kind?: string }) => {
    if (m.kind === "close") stop();
  });
  process.on("disconnect", stop);
  report({ kind: "listening", url: server.url });
}

main().catch((e: unknown) => {
  report({ kind: "error", message: e instanceof Error ? e.message : String(e) });
  process.exit(2);
});
