/** Runs the CLI in-process with captured output: the io every CLI test needs. */
import type { CliIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";

export type TestIO = CliIO & { out: string; err: string };

/** A CliIO that records stdout and stderr, with no terminal. */
export function captureIO(cwd: string, env: Record<string, string> = {}): TestIO {
  const o = { out: "", err: "", isTTY: false, stderrIsTTY: false, env, cwd } as unknown as TestIO;
  o.stdout = (t) => void (o.out += t);
  o.stderr = (t) => void (o.err += t);
  return o;
}

/** `edict ARGV` run in `cwd`: what it printed and its exit code. */
export async function runIn(cwd: string, argv: string[], env: Record<string, string> = {}): Promise<TestIO & { code: number }> {
  const o = captureIO(cwd, env);
  const code = await runCli(argv, o);
  return Object.assign(o, { code });
}
