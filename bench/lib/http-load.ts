/**
 * A lean HTTP/1.1 load generator for loopback benchmarks: persistent (keep-alive) TCP
 * connections, one request in flight per connection, requests serialised once up front, answers
 * parsed only as far as status, framing (content-length or chunked) and body. `http.request`
 * with an `Agent` costs the client about as much CPU per call as a small server spends, which
 * on a 2-core machine caps both sides at the client's rate; this keeps the server the bottleneck.
 */
import { connect } from "node:net";
import type { Socket } from "node:net";

export interface Answer {
  status: number;
  body: Buffer;
}

/** One complete HTTP/1.1 POST, ready to write again and again. */
export function postRequest(host: string, port: number, path: string, body: Buffer, headers: Record<string, string> = {}): Buffer {
  const lines = [`POST ${path} HTTP/1.1`, `host: ${host}:${port}`, "connection: keep-alive", "content-type: application/json", `content-length: ${body.length}`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), body]);
}

const CRLFCRLF = Buffer.from("\r\n\r\n");

/** Where the answer at the start of `buf` ends, and its parts; undefined while incomplete. */
function parseAnswer(buf: Buffer): { end: number; answer: Answer } | undefined {
  const headEnd = buf.indexOf(CRLFCRLF);
  if (headEnd < 0) return undefined;
  const head = buf.toString("latin1", 0, headEnd);
  const status = Number(head.slice(9, 12));
  const lower = head.toLowerCase();
  const bodyStart = headEnd + 4;
  const length = /\r\ncontent-length:\s*(\d+)/.exec(lower);
  if (length !== null) {
    const end = bodyStart + Number(length[1]);
    return buf.length < end ? undefined : { end, answer: { status, body: buf.subarray(bodyStart, end) } };
  }
  if (!/\r\ntransfer-encoding:\s*chunked/.test(lower)) throw new Error(`answer without content-length or chunked framing: ${head.slice(0, 200)}`);
  const parts: Buffer[] = [];
  let at = bodyStart;
  for (;;) {
    const lineEnd = buf.indexOf("\r\n", at, "latin1");
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(buf.toString("latin1", at, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error("bad chunk size");
    const dataStart = lineEnd + 2;
    if (size === 0) {
      // no trailers expected: the terminating CRLF follows
      if (buf.length < dataStart + 2) return undefined;
      return { end: dataStart + 2, answer: { status, body: Buffer.concat(parts) } };
    }
    if (buf.length < dataStart + size + 2) return undefined;
    parts.push(buf.subarray(dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}

/** Total bytes of a content-length answer whose head is in `buf`; 0 when not known yet. */
function expectedLength(buf: Buffer): number {
  const headEnd = buf.indexOf(CRLFCRLF);
  if (headEnd < 0) return 0;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(buf.toString("latin1", 0, headEnd));
  return length === null ? 0 : headEnd + 4 + Number(length[1]);
}

/** A keep-alive connection that sends one request at a time. */
export class LoadConnection {
  private readonly socket: Socket;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private waiter: { resolve: (a: Answer) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (e) => this.fail(e));
    socket.on("close", () => this.fail(new Error("connection closed by the server")));
  }

  static open(host: string, port: number): Promise<LoadConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => resolve(new LoadConnection(socket)));
      socket.once("error", reject);
    });
  }

  send(request: Buffer): Promise<Answer> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.waiter !== undefined) return Promise.reject(new Error("one request at a time"));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  /** Bytes the answer in progress needs in all, once its head says so: no re-parsing before. */
  private need = 0;

  private onData(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.waiter === undefined || this.pendingBytes < this.need) return;
    const buf = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending, this.pendingBytes);
    let parsed: ReturnType<typeof parseAnswer>;
    try {
      parsed = parseAnswer(buf);
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (parsed === undefined) {
      this.pending = [buf];
      this.need = expectedLength(buf);
      return;
    }
    this.need = 0;
    const rest = buf.subarray(parsed.end);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter.resolve(parsed.answer);
  }

  private fail(e: Error): void {
    if (this.failure === undefined) this.failure = e;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(e);
  }
}
