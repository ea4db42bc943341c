/** The CLI's view of the outside world, injectable so commands are testable in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal (colors, progress). */
  isTTY: boolean;
  /** Whether stderr is a terminal (progress lines). */
  stderrIsTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/**
 * A writer for one of the process's streams that goes quiet once the reader has gone away
 * (`edict lint --format sarif | head -1`): EPIPE ends the output, not the command with a stack
 * trace, and the command's exit code stands. Other stream errors still surface.
 */
function quietWriter(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE" && e.code !== "ERR_STREAM_DESTROYED") throw e;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

export function processIO(): CliIO {
  return {
    stdout: quietWriter(process.stdout),
    stderr: quietWriter(process.stderr),
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit codes. */
export { EXIT } from "../errors.js";

/** A progress reporter that writes a single updating line to stderr on a TTY, nothing otherwise. */
export function progress(io: CliIO, label: string): { update(done: number, total: number): void; done(): void } {
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      if (!io.stderrIsTTY || total < 200) return;
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      shown = true;
      io.stderr(`\r${label} ${done}/${total}`);
    },
    done() {
      if (shown) io.stderr("\r\x1b[K");
    },
  };
}
