/**
 * The decision log of `edict serve` (OPA's decision log, driven by the policy's own `AuditLog`):
 * one JSON line per decision, written asynchronously through a bounded buffer so that a slow or
 * failing destination never delays or fails a decision. What a line holds is ./decision-line.ts.
 *
 * `record` formats the line synchronously (the caller's objects may change afterwards) and
 * queues it; a pump started on the next turn of the event loop writes everything queued in one
 * chunk at a time. When the lines queued plus the lines being written reach `maxBufferedLines`,
 * new lines are dropped and counted, as are lines whose write failed.
 */
import { randomUUID } from "node:crypto";
import { close as closeFd, openSync, writeFile } from "node:fs";
import { EdictError } from "../errors.js";
import { toDecisionLine } from "./decision-line.js";
import type { AuditSettings, DecisionEntry } from "./decision-line.js";
import type { SpanScanner } from "./redact.js";

export type { AuditSettings, DecisionEntry, DecisionKind } from "./decision-line.js";

export const DEFAULT_MAX_BUFFERED_LINES = 10_000;

export interface DecisionLogOptions {
  /** "-" for stdout, otherwise a file opened for appending (created when missing). */
  destination: string | "-";
  /** `--decision-log-all`: log every decision, whatever `AuditLog.Required` and `Include` say. */
  all: boolean;
  /** Lines held (queued or being written) before new ones are dropped; default 10,000. */
  maxBufferedLines?: number;
  /** Replaces the destination (tests, embedding): writes one chunk of whole lines. */
  write?: (chunk: string) => Promise<void>;
  /**
   * The compliance scanner used when `RedactPII` is true; pass one that reads the engine
   * answering now, e.g. `(text) => currentEngine().scan(text, "input")`, since bundles update.
   */
  scan?: SpanScanner;
  /** Told of every failed write (and of an entry that cannot be serialised); default: a line on stderr when the message changes. */
  onError?: (error: Error) => void;
}

export interface DecisionLog {
  /** Formats and queues the line for one decision. Never blocks, never throws. */
  record(entry: DecisionEntry, audit: AuditSettings | undefined): void;
  /** Lines lost so far: dropped on a full buffer, after close, or in a failed write. */
  dropped(): number;
  /** Writes that failed so far (each lost its whole chunk, counted in `dropped`). */
  writeErrors(): number;
  /** Resolves once every line recorded so far has been written (or has failed). */
  flush(): Promise<void>;
  /** Flushes, then closes the file; later records are dropped. Idempotent. */
  close(): Promise<void>;
}

/** A fresh decision id (a random UUID), for the caller to return with the decision and log. */
export function newDecisionId(): string {
  return randomUUID();
}

interface Sink {
  write(chunk: string): Promise<void>;
  close(): Promise<void>;
}

function stdoutSink(): Sink {
  return {
    write: (chunk) => new Promise<void>((resolve, reject) => process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()))),
    close: async () => {},
  };
}

/** Opened at creation so that a path that cannot be written is a startup error, not a silent loss. */
function fileSink(path: string): Sink {
  let fd: number;
  try {
    fd = openSync(path, "a");
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new EdictError("IO_ERROR", `cannot open the decision log ${path} for appending (${reason}); check that its folder exists and is writable`, { cause });
  }
  let closed = false;
  return {
    // writeFile on a descriptor opened with "a" appends the whole chunk, however many writes it takes
    write: (chunk) => new Promise<void>((resolve, reject) => writeFile(fd, chunk, (error) => (error ? reject(error) : resolve()))),
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (closed) return resolve();
        closed = true;
        closeFd(fd, (error) => (error ? reject(error) : resolve()));
      }),
  };
}

function defaultReporter(): (error: Error) => void {
  let last: string | undefined;
  return (error) => {
    if (error.message === last) return;
    last = error.message;
    process.stderr.write(`edict serve: decision log: ${error.message}\n`);
  };
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/**
 * Creates the decision log. Throws `EdictError` `IO_ERROR` when `destination` is a file that
 * cannot be opened for appending; nothing it returns ever throws afterwards.
 *
 * @example
 * const log = createDecisionLog({ destination: "decisions.jsonl", all: false, scan: (t) => engine.scan(t, "input") });
 * log.record({ time, decision_id: newDecisionId(), kind: "authorize", input, result, bundle, duration_us }, target.access.AuditLog);
 * await log.close();
 */
export function createDecisionLog(options: DecisionLogOptions): DecisionLog {
  const sink: Sink =
    options.write !== undefined
      ? { write: options.write, close: async () => {} }
      : options.destination === "-"
        ? stdoutSink()
        : fileSink(options.destination);
  const max = Math.max(1, Math.floor(options.maxBufferedLines ?? DEFAULT_MAX_BUFFERED_LINES));
  const report = options.onError ?? defaultReporter();
  const lineOptions = { all: options.all, scan: options.scan };

  let queue: string[] = [];
  let inFlight = 0;
  let pumping = false;
  let scheduled = false;
  let closed = false;
  let droppedCount = 0;
  let errorCount = 0;
  let waiters: Array<() => void> = [];
  let closing: Promise<void> | undefined;

  const safeReport = (error: unknown): void => {
    try {
      report(toError(error));
    } catch {
      // a failing reporter must not turn into a failing decision
    }
  };

  const pump = async (): Promise<void> => {
    scheduled = false;
    pumping = true;
    while (queue.length > 0) {
      const lines = queue;
      queue = [];
      inFlight = lines.length;
      try {
        await sink.write(lines.join(""));
      } catch (error) {
        droppedCount += lines.length;
        errorCount += 1;
        safeReport(error);
      }
      inFlight = 0;
    }
    pumping = false;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const schedule = (): void => {
    if (pumping || scheduled) return;
    scheduled = true;
    setImmediate(() => void pump());
  };

  const flush = (): Promise<void> => {
    if (!pumping && !scheduled && queue.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => waiters.push(resolve));
  };

  return {
    record(entry, audit) {
      try {
        const filled = entry.decision_id ? entry : { ...entry, decision_id: newDecisionId() };
        const line = toDecisionLine(filled, audit, lineOptions);
        if (line === undefined) return;
        if (closed || queue.length + inFlight >= max) {
          droppedCount += 1;
          return;
        }
        queue.push(line + "\n");
        schedule();
      } catch (error) {
        droppedCount += 1;
        safeReport(error);
      }
    },
    dropped: () => droppedCount,
    writeErrors: () => errorCount,
    flush,
    close() {
      closing ??= (async () => {
        closed = true;
        await flush();
        try {
          await sink.close();
        } catch (error) {
          safeReport(error);
        }
      })();
      return closing;
    },
  };
}
