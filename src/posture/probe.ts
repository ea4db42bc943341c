/**
 * The posture module's only window on the machine: environment variables, files,
 * directories and commands. Detection and assessment take a Probe, so tests pass a fake one
 * and need neither a cloud nor root; `nodeProbe()` is the real one.
 *
 * Contract: no method throws. A file that cannot be read, a directory that cannot be listed, a
 * command that is missing, fails to start or runs past its timeout all answer `undefined`, which
 * the assessments turn into "unknown" (and unknown fails any check that requires it).
 */
import { execFile } from "node:child_process";
import { access, open, readdir } from "node:fs/promises";

export interface RunResult {
  /** Exit code; a command that exits non-zero still answers, with its output. */
  readonly code: number;
  readonly stdout: string;
}

export interface RunOptions {
  readonly timeoutMs: number;
}

export interface Probe {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The file's text (UTF-8), or undefined when it cannot be read. */
  readFile(path: string): Promise<string | undefined>;
  exists(path: string): Promise<boolean>;
  /** The entry names of a directory, or undefined when it cannot be listed. */
  readDir(path: string): Promise<string[] | undefined>;
  /** Runs a command without a shell; undefined when it is missing, fails to start or times out. */
  run(cmd: string, args: readonly string[], options: RunOptions): Promise<RunResult | undefined>;
  readonly platform: NodeJS.Platform;
  /** The effective user id; undefined where there is none (Windows). */
  readonly uid?: number;
}

/** Largest file read: posture files are small, and /proc or /sys files report no size to trust. */
export const MAX_FILE_BYTES = 1024 * 1024;
/** Largest command output kept. */
export const MAX_OUTPUT_BYTES = 1024 * 1024;
/** Extra time a probe gets past its own timeout before the guard gives up on it. */
const GUARD_GRACE_MS = 1000;

async function readCapped(path: string): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    const chunks: Buffer[] = [];
    let total = 0;
    // Endless data: stop at the cap while reading, since /proc files have no reliable size.
    while (total < MAX_FILE_BYTES) {
      const buf = Buffer.alloc(Math.min(64 * 1024, MAX_FILE_BYTES - total));
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      chunks.push(buf.subarray(0, bytesRead));
      total += bytesRead;
    }
    return Buffer.concat(chunks).toString("utf8");
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

function runCommand(cmd: string, args: readonly string[], { timeoutMs }: RunOptions): Promise<RunResult | undefined> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: RunResult | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    // A child that ignores SIGKILL's delivery (stuck in the kernel) must not hold the caller.
    const timer = setTimeout(() => settle(undefined), timeoutMs + GUARD_GRACE_MS);
    try {
      execFile(
        cmd,
        [...args],
        { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true, encoding: "utf8", env: { ...process.env, LC_ALL: "C", LANG: "C" } },
        (error, stdout) => {
          if (!error) return settle({ code: 0, stdout: String(stdout) });
          const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: unknown };
          // Timed out, killed, missing or unstartable: nothing honest can be said.
          if (e.killed || e.signal || typeof e.code !== "number") return settle(undefined);
          settle({ code: e.code, stdout: String(stdout ?? "") });
        },
      );
    } catch {
      settle(undefined);
    }
  });
}

/** The real machine, through node:fs and node:child_process. */
export function nodeProbe(): Probe {
  const uid = typeof process.getuid === "function" ? process.getuid() : undefined;
  return {
    env: process.env,
    readFile: readCapped,
    exists: (path) =>
      access(path).then(
        () => true,
        () => false,
      ),
    readDir: (path) =>
      readdir(path).then(
        (names) => names,
        () => undefined,
      ),
    run: runCommand,
    platform: process.platform,
    ...(uid !== undefined ? { uid } : {}),
  };
}

function withDeadline<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

function attempt<T>(fn: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return Promise.resolve(fn()).catch(() => fallback);
  } catch {
    return Promise.resolve(fallback);
  }
}

/**
 * A probe that keeps the no-throw contract whatever the wrapped one does: a method that throws or
 * rejects answers "unknown", and a command that outlives its timeout (plus a second) is abandoned.
 */
export function guardProbe(probe: Probe, fileDeadlineMs = 10_000): Probe {
  let env: Probe["env"];
  try {
    env = probe.env ?? {};
  } catch {
    env = {};
  }
  return {
    env,
    readFile: (path) => withDeadline(attempt(() => probe.readFile(path), undefined), fileDeadlineMs, undefined),
    exists: (path) => withDeadline(attempt(() => probe.exists(path), false), fileDeadlineMs, false),
    readDir: (path) => withDeadline(attempt(() => probe.readDir(path), undefined), fileDeadlineMs, undefined),
    run: (cmd, args, options) => withDeadline(attempt(() => probe.run(cmd, args, options), undefined), options.timeoutMs + GUARD_GRACE_MS, undefined),
    platform: probe.platform,
    ...(probe.uid !== undefined ? { uid: probe.uid } : {}),
  };
}
