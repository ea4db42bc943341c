/**
 * The benchmarks' lean HTTP/1.1 client (bench/lib/http-load.ts): answers framed by
 * content-length and by chunked encoding, bodies split across TCP reads, several requests on one
 * keep-alive connection, and a server that closes the connection.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { LoadConnection, postRequest } from "../../bench/lib/http-load.js";

const servers: Array<ReturnType<typeof createServer>> = [];

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

/** Echoes the request body back, framed as the path asks; `/close` destroys the socket. */
async function echoServer(): Promise<number> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      if (req.url === "/close") return req.socket.destroy();
      if (req.url === "/chunked") {
        res.writeHead(201, { "content-type": "application/json" });
        // two writes without a content-length: Node frames them as chunks
        res.write(body.subarray(0, body.length >> 1));
        setImmediate(() => res.end(body.subarray(body.length >> 1)));
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      res.end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return (server.address() as AddressInfo).port;
}

describe("LoadConnection", () => {
  it("reads content-length and chunked answers, large and small, on one keep-alive connection", async () => {
    const port = await echoServer();
    const conn = await LoadConnection.open("127.0.0.1", port);
    try {
      const small = Buffer.from('{"action":"db:GetItem","resource":"db://t/c/o"}');
      const large = Buffer.from(JSON.stringify({ requests: Array.from({ length: 20_000 }, (_, i) => ({ action: `a:${i}`, resource: `r://${i}` })) }));
      for (const [path, body, status] of [["/v1/authorize", small, 200], ["/chunked", small, 201], ["/v1/authorize", large, 200], ["/chunked", large, 201], ["/v1/authorize", small, 200]] as const) {
        const answer = await conn.send(postRequest("127.0.0.1", port, path, body));
        expect(answer.status).toBe(status);
        expect(answer.body.equals(body)).toBe(true);
      }
    } finally {
      conn.close();
    }
  });

  it("rejects when the server closes the connection instead of answering", async () => {
    const port = await echoServer();
    const conn = await LoadConnection.open("127.0.0.1", port);
    await expect(conn.send(postRequest("127.0.0.1", port, "/close", Buffer.from("{}")))).rejects.toThrow(/closed|ECONNRESET/);
    conn.close();
  });
});
