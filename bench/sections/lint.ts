/**
 * Lint throughput on generated repositories, against the floor of parsing and schema-validating
 * the same files with nothing else. Each size runs in a forked child with a deadline.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ms, ratio } from "../lib/measure.js";
import type { Row } from "../lib/report.js";
import type { LintChildMessage } from "./lint-child.js";

export interface LintOptions {
  sizes: ReadonlyArray<{ files: number; rounds: number }>;
  /** A size still running after this many milliseconds is stopped and reported as such. */
  deadlineMs: number;
  log: (line: string) => void;
}

export interface LintSizeResult {
  files: number;
  floorMs?: number;
  lintMs?: number;
  timedOut: boolean;
  error?: string;
  findings?: { errors: number; warnings: number; infos: number; byRule: Record<string, number> };
}

const CHILD = fileURLToPath(new URL("./lint-child.ts", import.meta.url));

function runChild(files: number, rounds: number, deadlineMs: number): Promise<LintSizeResult> {
  return new Promise((resolve) => {
    const result: LintSizeResult = { files, timedOut: false };
    const child = fork(CHILD, [String(files), String(rounds)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const timer = setTimeout(() => {
      result.timedOut = true;
      child.kill("SIGKILL");
    }, deadlineMs);
    child.on("message", (m: LintChildMessage) => {
      if (m.kind === "floor") result.floorMs = m.medianMs;
      else if (m.kind === "lint") {
        result.lintMs = m.medianMs;
        result.findings = { errors: m.errors, warnings: m.warnings, infos: m.infos, byRule: m.byRule };
      } else result.error = m.message;
    });
    child.on("exit", () => {
      clearTimeout(timer);
      resolve(result);
    });
  });
}

export async function runLintBench(options: LintOptions): Promise<{ rows: Row[]; sizes: LintSizeResult[] }> {
  const rows: Row[] = [];
  const sizes: LintSizeResult[] = [];
  for (const { files, rounds } of options.sizes) {
    const r = await runChild(files, rounds, options.deadlineMs);
    sizes.push(r);
    const label = `${files.toLocaleString("en-US")} policy files`;
    const big = files === 10_000;
    if (r.error !== undefined) options.log(`lint: ${label}: child failed: ${r.error}`);
    const floorText = r.floorMs === undefined ? "n/a" : ms(r.floorMs);
    if (r.lintMs === undefined) {
      const why = r.timedOut ? `> ${ms(options.deadlineMs)} (stopped at the deadline)` : "n/a (failed)";
      options.log(`lint: ${label}: ${why}; floor ${floorText}`);
      rows.push({
        section: "lint",
        case: `lint (parse + all rules), ${label}`,
        result: `${why} · floor ${floorText}`,
        ...(big ? { target: "≤ 10 s", status: r.timedOut ? "missed" : "n/a" } : {}),
        values: { lintMs: null, floorMs: r.floorMs ?? null, deadlineMs: options.deadlineMs },
      });
      if (r.timedOut && r.floorMs !== undefined) {
        const atLeast = options.deadlineMs / r.floorMs;
        rows.push({
          section: "lint",
          case: `lint ÷ floor (parse + schema only: ${floorText}), ${label}`,
          result: `> ${ratio(atLeast)}`,
          ...(big ? { target: "≤ 3×", status: "missed" } : {}),
          values: { ratio: null, atLeast, floorMs: r.floorMs },
        });
      }
      continue;
    }
    const perSecond = (files / r.lintMs) * 1000;
    const f = r.findings;
    options.log(`lint: ${label}: ${ms(r.lintMs)} (${Math.round(perSecond)} files/s), floor ${floorText}; findings ${f?.errors ?? 0} errors, ${f?.warnings ?? 0} warnings, ${f?.infos ?? 0} infos`);
    rows.push({
      section: "lint",
      case: `lint (parse + all rules), ${label}`,
      result: `${ms(r.lintMs)} · ${Math.round(perSecond).toLocaleString("en-US")} files/s · ${f?.errors ?? 0}E/${f?.warnings ?? 0}W/${f?.infos ?? 0}I`,
      ...(big ? { target: "≤ 10 s", status: r.lintMs <= 10_000 ? "met" : "missed" } : {}),
      values: { lintMs: r.lintMs, filesPerSecond: perSecond, errors: f?.errors ?? 0, warnings: f?.warnings ?? 0, infos: f?.infos ?? 0 },
    });
    if (r.floorMs !== undefined) {
      const x = r.lintMs / r.floorMs;
      rows.push({
        section: "lint",
        case: `lint ÷ floor (parse + schema only: ${floorText}), ${label}`,
        result: ratio(x),
        ...(big ? { target: "≤ 3×", status: x <= 3 ? "met" : "missed" } : {}),
        values: { ratio: x, floorMs: r.floorMs },
      });
    }
  }
  return { rows, sizes };
}
