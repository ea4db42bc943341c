/** A Probe built from tables: variables, files, directories and canned command outputs. */
import type { Probe, RunResult } from "../../src/posture/probe.js";

export type CannedRun = RunResult | "timeout" | "throws" | "hangs";

export interface FakeMachine {
  env?: Record<string, string>;
  files?: Record<string, string>;
  /** Directories with their entries; files' parent directories exist implicitly. */
  dirs?: Record<string, string[]>;
  /** Keyed by the command line: "lsblk -n -o TYPE". A missing command answers undefined. */
  commands?: Record<string, CannedRun>;
  platform?: NodeJS.Platform;
  uid?: number;
}

export interface FakeProbe extends Probe {
  /** Every command line run, in order. */
  readonly ran: string[];
}

export function fakeProbe(m: FakeMachine = {}): FakeProbe {
  const files = m.files ?? {};
  const dirs = m.dirs ?? {};
  const ran: string[] = [];
  const isDir = (path: string) => Object.hasOwn(dirs, path) || [...Object.keys(files), ...Object.keys(dirs)].some((p) => p.startsWith(path.endsWith("/") ? path : `${path}/`));
  return {
    ran,
    env: m.env ?? {},
    platform: m.platform ?? "linux",
    ...(m.uid !== undefined ? { uid: m.uid } : {}),
    readFile: async (path) => (Object.hasOwn(files, path) ? files[path] : undefined),
    exists: async (path) => Object.hasOwn(files, path) || isDir(path),
    readDir: async (path) => (Object.hasOwn(dirs, path) ? [...dirs[path]!] : undefined),
    run: (cmd, args, { timeoutMs }) => {
      const line = [cmd, ...args].join(" ");
      ran.push(line);
      const canned = m.commands?.[line];
      if (canned === "throws") throw new Error(`${cmd} exploded`);
      if (canned === "hangs") return new Promise(() => undefined);
      if (canned === "timeout") return new Promise((r) => setTimeout(() => r(undefined), Math.min(timeoutMs, 20)));
      return Promise.resolve(canned);
    },
  };
}

export const ok = (stdout: string): RunResult => ({ code: 0, stdout });
export const fails = (code: number, stdout = ""): RunResult => ({ code, stdout });
