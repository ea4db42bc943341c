/**
 * The Action's cold start (spawn of `node dist/action.js` to its first byte of output) and a full
 * pull-request check on the example repository, run as GitHub would (event file, INPUT_* and
 * GITHUB_* variables; comments off, so nothing is posted). The GitHub API is a local server that
 * answers every GET with an empty list (no releases yet), so no retry waits on an unreachable
 * host. The same for `dist/cli.js` as a reference.
 * A missing dist file makes its rows "n/a".
 */
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, ms, msSince, nowNs } from "../lib/measure.js";
import type { Row } from "../lib/report.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ACTION = join(ROOT, "dist", "action.js");
const CLI = join(ROOT, "dist", "cli.js");
const PR_CHECK_TIMEOUT_MS = 120_000;

export interface ActionOptions {
  runs: number;
  log: (line: string) => void;
}

interface Spawned {
  firstOutputMs: number;
  exitMs: number;
  code: number | null;
  output: string;
}

/** Spawns `node args…` and times the first byte on stdout or stderr and the exit. */
function timeSpawn(args: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutMs = 30_000): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const start = nowNs();
    let first = Number.NaN;
    let output = "";
    const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const onData = (chunk: Buffer): void => {
      if (Number.isNaN(first)) first = msSince(start);
      if (output.length < 20_000) output += chunk.toString("utf8");
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ firstOutputMs: first, exitMs: msSince(start), code, output });
    });
  });
}

function git(args: string[]): string {
  const r = spawnSync("git", args, { cwd: ROOT, encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "";
}

/** A pull_request event for HEAD~1..HEAD of this repository, and the variables the runner sets. */
function pullRequestEnv(work: string, api: string): NodeJS.ProcessEnv {
  const head = git(["rev-parse", "HEAD"]);
  const base = git(["rev-parse", "HEAD~1"]) || head;
  const event = {
    action: "synchronize",
    number: 1,
    pull_request: { number: 1, head: { sha: head, ref: "bench", repo: { fork: false, full_name: "acme/policies" } }, base: { sha: base, ref: "main", repo: { full_name: "acme/policies" } } },
    repository: { full_name: "acme/policies", name: "policies", owner: { login: "acme" }, default_branch: "main" },
  };
  const eventPath = join(work, "event.json");
  writeFileSync(eventPath, JSON.stringify(event));
  for (const f of ["summary.md", "output", "state", "env", "path"]) writeFileSync(join(work, f), "");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: "acme/policies",
    GITHUB_REPOSITORY_OWNER: "acme",
    GITHUB_WORKSPACE: ROOT,
    GITHUB_SHA: head,
    GITHUB_REF: "refs/pull/1/merge",
    GITHUB_HEAD_REF: "bench",
    GITHUB_BASE_REF: "main",
    GITHUB_RUN_ID: "1",
    GITHUB_STEP_SUMMARY: join(work, "summary.md"),
    GITHUB_OUTPUT: join(work, "output"),
    GITHUB_STATE: join(work, "state"),
    GITHUB_ENV: join(work, "env"),
    GITHUB_PATH: join(work, "path"),
    // nothing leaves the machine: the API is the local empty-list server
    GITHUB_API_URL: api,
    GITHUB_SERVER_URL: api,
    RUNNER_TEMP: work,
    RUNNER_OS: "Linux",
    INPUT_MODE: "check",
    INPUT_COMMENT: "false",
    // a dummy token: with comment off and a local API URL nothing is sent anywhere
    "INPUT_GITHUB-TOKEN": "bench-dummy-token",
    "INPUT_WORKING-DIRECTORY": ".",
    "INPUT_FAIL-ON": "error",
    NO_COLOR: "1",
  };
  return env;
}

async function repeat(runs: number, fn: () => Promise<Spawned>): Promise<{ first: number; exit: number; last: Spawned }> {
  await fn(); // warm the file system cache
  const all: Spawned[] = [];
  for (let i = 0; i < runs; i++) all.push(await fn());
  return { first: median(all.map((s) => s.firstOutputMs)), exit: median(all.map((s) => s.exitMs)), last: all[all.length - 1] as Spawned };
}

export async function runAction(options: ActionOptions): Promise<{ rows: Row[] }> {
  const rows: Row[] = [];
  const work = mkdtempSync(join(tmpdir(), "edict-bench-action-"));
  // what a repository without releases answers: an empty list to every GET (the check lists releases)
  const api = createServer((req, res) => {
    res.writeHead(req.method === "GET" ? 200 : 404, { "content-type": "application/json" });
    res.end("[]");
  });
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  try {
    const env = pullRequestEnv(work, `http://127.0.0.1:${(api.address() as AddressInfo).port}`);
    const node = await repeat(options.runs, () => timeSpawn(["-e", "console.log(1)"], env, ROOT));
    options.log(`action: node -e baseline: first output ${ms(node.first)}`);
    rows.push({ section: "action", case: "baseline: node -e 'console.log(1)' (spawn → first output)", result: ms(node.first), values: { firstOutputMs: node.first } });

    if (existsSync(ACTION)) {
      const cold = await repeat(options.runs, () => timeSpawn([ACTION], env, ROOT, PR_CHECK_TIMEOUT_MS));
      options.log(`action: dist/action.js: first output ${ms(cold.first)}, exit ${ms(cold.exit)} (code ${cold.last.code}); its output began:`);
      for (const line of cold.last.output.split("\n").slice(0, 12)) options.log(`action:   | ${line.slice(0, 160)}`);
      rows.push({
        section: "action",
        case: "dist/action.js cold start (spawn → first output)",
        result: `${ms(cold.first)} (${ms(cold.first - node.first)} over bare node)`,
        target: "≤ 300 ms",
        status: cold.first <= 300 ? "met" : "missed",
        values: { firstOutputMs: cold.first, overNodeMs: cold.first - node.first },
      });
      const ok = cold.last.code === 0;
      rows.push({
        section: "action",
        case: "full PR check on the example repository (dist/action.js, mode check, HEAD~1..HEAD, no token)",
        result: `${ms(cold.exit)} (exit ${cold.last.code}${ok ? "" : `: ${cold.last.output.trim().split("\n").slice(-1)[0]?.slice(0, 120) ?? ""}`})`,
        values: { exitMs: cold.exit, code: cold.last.code },
      });
    } else {
      options.log("action: dist/action.js does not exist yet: n/a");
      rows.push({ section: "action", case: "dist/action.js cold start (spawn → first output)", result: "n/a (dist/action.js not built yet)", target: "≤ 300 ms", status: "n/a" });
      rows.push({ section: "action", case: "full PR check on the example repository (dist/action.js)", result: "n/a (dist/action.js not built yet)", status: "n/a" });
    }

    if (existsSync(CLI)) {
      const cli = await repeat(options.runs, () => timeSpawn([CLI, "--version"], env, ROOT));
      options.log(`action: dist/cli.js --version: first output ${ms(cli.first)}`);
      rows.push({ section: "action", case: "dist/cli.js --version cold start (spawn → first output)", result: ms(cli.first), values: { firstOutputMs: cli.first } });
      const checkRuns = Math.max(1, Math.ceil(options.runs / 3));
      const check = await repeat(checkRuns, async () => {
        const lint = await timeSpawn([CLI, "lint", "--format", "json"], env, ROOT, PR_CHECK_TIMEOUT_MS);
        const diff = await timeSpawn([CLI, "diff", "--base", "HEAD~1", "--format", "markdown"], env, ROOT, PR_CHECK_TIMEOUT_MS);
        return { firstOutputMs: lint.firstOutputMs, exitMs: lint.exitMs + diff.exitMs, code: lint.code !== 0 ? lint.code : diff.code, output: diff.output };
      });
      options.log(`action: CLI PR check (lint + diff --base HEAD~1): ${ms(check.exit)}`);
      rows.push({
        section: "action",
        case: "PR check via the CLI on the example repository (edict lint + edict diff --base HEAD~1)",
        result: `${ms(check.exit)} (exit ${check.last.code})`,
        values: { exitMs: check.exit, code: check.last.code },
      });
    } else {
      rows.push({ section: "action", case: "dist/cli.js --version cold start", result: "n/a (dist/cli.js not built)", status: "n/a" });
    }
  } finally {
    api.close();
    rmSync(work, { recursive: true, force: true });
  }
  return { rows };
}
