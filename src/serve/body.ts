/**
 * Request bodies read within a byte cap while streaming: a declared Content-Length over the cap is
 * refused before a byte is read, and a body that grows past it stops being kept at the first chunk
 * over it. What follows is discarded (so the client can still read the 413) up to a bounded
 * allowance; beyond that the connection is cut.
 */
import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-errors.js";

/** Bytes of an over-limit body discarded before the connection is cut, on top of the cap. */
export const DRAIN_ALLOWANCE = 4 * 1024 * 1024;

/** The 413; `close` when the connection is to be closed after it (the rest is not read). */
export function tooLarge(maxBytes: number, close = false): HttpError {
  return new HttpError(413, "PAYLOAD_TOO_LARGE", `the body is larger than ${maxBytes} bytes (--max-body); send fewer or smaller requests`, close ? { connection: "close" } : {});
}

/** The body's bytes; rejects with a 413 HttpError when it passes `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) {
    // a declared body past the allowance is not read at all: the answer closes the connection
    if (Number(declared) > maxBytes + DRAIN_ALLOWANCE) return Promise.reject(tooLarge(maxBytes, true));
    discardRest(req, maxBytes, 0);
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData);
      req.off("end", onEnd);
      chunks.length = 0;
      discardRest(req, maxBytes, size);
      reject(tooLarge(maxBytes));
    };
    const onEnd = (): void => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", reject);
  });
}

/** Reads and drops what is left of an over-limit body; cuts the connection past the allowance. */
function discardRest(req: IncomingMessage, maxBytes: number, seen: number): void {
  let total = seen;
  const limit = maxBytes + DRAIN_ALLOWANCE;
  req.on("data", (chunk: Buffer) => {
    total += chunk.length;
    if (total > limit) req.socket.destroy();
  });
  req.on("error", () => undefined);
  req.resume();
}
