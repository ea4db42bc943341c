/**
 * `npm run bench`: every benchmark in one run, one table on stdout, the same data in
 * bench/results.json. Progress goes to stderr.
 *
 *   npm run bench                       full run (about 4–5 minutes on 2 cores)
 *   npm run bench -- --quick            smaller sizes and budgets (about a minute)
 *   npm run bench -- --only access,load run some sections: access load lint diff build size action serve oci
 *   npm run bench -- --out FILE         write the JSON elsewhere
 *   npm run bench -- --lint-deadline 240   seconds a lint size may take before it is stopped
 *
 * Inputs are generated from fixed seeds (bench/lib/generate.ts), so runs are comparable.
 */
import { writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { msSince, nowNs } from "./lib/measure.js";
import { machine, renderTable } from "./lib/report.js";
import type { Row } from "./lib/report.js";
import { runAccess } from "./sections/access.js";
import type { AccessResult } from "./sections/access.js";
import { runAction } from "./sections/action.js";
import { runLintBench } from "./sections/lint.js";
import type { LintSizeResult } from "./sections/lint.js";
import { runLoad } from "./sections/load.js";
import type { LoadResult } from "./sections/load.js";
import { runBuild, runDiff } from "./sections/repo.js";
import { runSize } from "./sections/size.js";
import { runOciPoll } from "./sections/oci.js";
import { runServe } from "./sections/serve.js";
import type { ServeResult } from "./sections/serve.js";

const SECTIONS = ["access", "load", "lint", "diff", "build", "size", "action", "serve", "oci"] as const;
type Section = (typeof SECTIONS)[number];

interface Args {
  quick: boolean;
  only: Set<Section>;
  out: string;
  lintDeadlineMs: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = {
    quick: false,
    only: new Set(SECTIONS),
    out: join(dirname(fileURLToPath(import.meta.url)), "results.json"),
    lintDeadlineMs: 200_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const value = (): string => {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--quick") args.quick = true;
    else if (a.startsWith("--only")) {
      const names = value().split(",").map((s) => s.trim()).filter(Boolean);
      for (const n of names) if (!(SECTIONS as readonly string[]).includes(n)) throw new Error(`unknown section ${n}: expected ${SECTIONS.join(", ")}`);
      args.only = new Set(names as Section[]);
    } else if (a.startsWith("--out")) args.out = value();
    else if (a.startsWith("--lint-deadline")) args.lintDeadlineMs = Number(value()) * 1000;
    else if (a === "--help" || a === "-h") {
      process.stdout.write("usage: npm run bench -- [--quick] [--only access,load,lint,diff,build,size,action,serve,oci] [--out FILE] [--lint-deadline SECONDS]\n");
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (try --help)`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const m = machine();
  log(`edict bench${args.quick ? " --quick" : ""}: ${m.cpu}, ${m.nproc} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.os}`);
  const started = nowNs();
  const rows: Row[] = [];
  const timings: Record<string, number> = {};
  let access: AccessResult | undefined;
  let load: LoadResult | undefined;
  let lint: LintSizeResult[] | undefined;
  let serve: ServeResult | undefined;
  const q = args.quick;

  const section = async (name: Section, fn: () => Promise<void>): Promise<void> => {
    if (!args.only.has(name)) return;
    const t = nowNs();
    log(`— ${name}`);
    await fn();
    timings[name] = msSince(t);
    log(`— ${name} done in ${(timings[name] / 1000).toFixed(1)} s`);
  };

  await section("access", async () => {
    access = await runAccess({
      sizes: q ? [100, 1_000] : [100, 1_000, 10_000],
      requests: q ? 2_000 : 10_000,
      rounds: q ? 3 : 5,
      slowBudgetMs: q ? 300 : 1_500,
      log,
    });
    rows.push(...access.rows);
  });
  await section("load", async () => {
    load = await runLoad({
      sizes: q ? [{ label: "100 KB", bytes: 100_000 }, { label: "1 MB", bytes: 1_000_000 }] : [{ label: "100 KB", bytes: 100_000 }, { label: "1 MB", bytes: 1_000_000 }, { label: "5 MB", bytes: 5_000_000 }],
      rounds: q ? 3 : 7,
      log,
    });
    rows.push(...load.rows);
  });
  await section("lint", async () => {
    const r = await runLintBench({
      sizes: q ? [{ files: 100, rounds: 3 }, { files: 1_000, rounds: 1 }] : [{ files: 100, rounds: 5 }, { files: 1_000, rounds: 3 }, { files: 10_000, rounds: 1 }],
      deadlineMs: q ? 60_000 : args.lintDeadlineMs,
      log,
    });
    lint = r.sizes;
    rows.push(...r.rows);
  });
  await section("diff", async () => {
    rows.push(...(await runDiff({ policies: 1_000, changed: 50, rounds: q ? 1 : 3, log })).rows);
  });
  await section("build", async () => {
    rows.push(...(await runBuild({ sizes: q ? [{ policies: 1_000, rounds: 1 }] : [{ policies: 1_000, rounds: 3 }, { policies: 10_000, rounds: 1 }], log })).rows);
  });
  await section("size", async () => {
    rows.push(...(await runSize(log)).rows);
  });
  await section("action", async () => {
    rows.push(...(await runAction({ runs: q ? 3 : 9, log })).rows);
  });
  await section("serve", async () => {
    serve = await runServe({
      statements: 1_000,
      singleRequests: q ? 5_000 : 20_000,
      singleConnections: 16,
      batchSize: 10_000,
      batchCalls: q ? 6 : 20,
      batchConnections: 2,
      rounds: q ? 2 : 3,
      // EDICT_BENCH_SERVE_CLIENT=agent drives the servers with http.request and a keep-alive http.Agent instead
      client: process.env.EDICT_BENCH_SERVE_CLIENT === "agent" ? "agent" : "lean",
      log,
    });
    rows.push(...serve.rows);
  });
  await section("oci", async () => {
    rows.push(...(await runOciPoll({ loaders: 200, polls: q ? 2 : 5, statements: 100, log })).rows);
  });

  const totalMs = msSince(started);
  const table = renderTable(rows);
  const loadAtEnd = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  process.stdout.write(
    `\n${table}\n\n${m.cpu} · ${m.nproc} cores · ${m.memoryGb} GB · Node ${m.node} · ${m.os} · load average ${m.loadAverage} → ${loadAtEnd} · ${(totalMs / 1000).toFixed(0)} s${q ? " · --quick" : ""}\n`,
  );
  const results = {
    machine: { ...m, loadAverageAtEnd: loadAtEnd },
    quick: q,
    sections: [...args.only],
    totalMs,
    sectionMs: timings,
    rows,
    access: access === undefined ? undefined : { cedarVersion: access.cedarVersion, engines: access.engines, comparisons: access.comparisons, disagreements: access.disagreements },
    load: load?.details,
    lint,
    serve: serve?.details,
  };
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${args.out}`);
  const disagreements = (access?.disagreements.length ?? 0) + (serve?.details.disagreements ?? 0);
  if (disagreements > 0) {
    log(`${disagreements} decision disagreements between engines: see above and ${args.out}`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
