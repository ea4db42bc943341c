/** The one table a run prints, and the JSON it writes. */
import { cpus, loadavg, totalmem, type as osType, release } from "node:os";
import { readFileSync } from "node:fs";

export type Status = "met" | "missed" | "n/a" | "";

export interface Row {
  /** Area: access, load, lint, diff, build, size, action. */
  section: string;
  /** What was measured, e.g. "edict authorize, 10,000 statements". */
  case: string;
  /** Human-readable result. */
  result: string;
  /** The target it is held against, when there is one. */
  target?: string;
  status?: Status;
  /** Machine-readable values behind `result`. */
  values?: Record<string, number | string | null>;
}

export interface Machine {
  cpu: string;
  nproc: number;
  memoryGb: number;
  node: string;
  os: string;
  date: string;
  /** 1-minute load average when the run started: other work on the machine skews results. */
  loadAverage: number;
}

export function machine(): Machine {
  let cpu = cpus()[0]?.model ?? "unknown";
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("model name"));
    if (line !== undefined) cpu = line.slice(line.indexOf(":") + 1).trim();
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return {
    cpu,
    nproc: cpus().length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    os: `${osType()} ${release()}`,
    date: new Date().toISOString(),
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

function escape(cell: string): string {
  return cell.replace(/\|/g, "\\|");
}

/** A GitHub-flavoured Markdown table: readable in a terminal and pasteable into the README. */
export function renderTable(rows: readonly Row[]): string {
  const header = ["Area", "Case", "Result", "Target", "Status"];
  const body = rows.map((r) => [r.section, r.case, r.result, r.target ?? "", r.status ?? ""].map(escape));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}
