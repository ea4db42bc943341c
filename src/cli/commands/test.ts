/** `edict test`: run the expected-result cases in tests/**\/*.yaml, with coverage. */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { EdictError } from "../../errors.js";
import { compileEngine } from "../../engine/engine.js";
import { buildTarget } from "../../model/merge/index.js";
import { parseSuite } from "../../testing/suite.js";
import type { PolicyCase, SuiteProblem } from "../../testing/suite.js";
import { runCases } from "../../testing/run.js";
import type { TestRun } from "../../testing/run.js";
import { warnOnLintErrors } from "../engine-source.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { parseChoice, parseCount } from "../options.js";
import { openRepository, requireTargets } from "../repository.js";

const FORMATS = ["text", "json"] as const;

async function suiteFiles(root: string, dir = "tests"): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...(await suiteFiles(root, rel)));
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(rel);
  }
  return out;
}

function renderText(run: TestRun, problems: SuiteProblem[], coverage: boolean, color: boolean): string {
  const red = (s: string) => (color ? `\x1b[31m${s}\x1b[39m` : s);
  const green = (s: string) => (color ? `\x1b[32m${s}\x1b[39m` : s);
  const lines: string[] = [];
  for (const p of problems) lines.push(`${p.file}:${p.line}:${p.column}: ${red("error")} ${p.message}`);
  for (const r of run.results) {
    if (r.passed) {
      lines.push(`${green("✔")} ${r.case.name}`);
      continue;
    }
    lines.push(`${red("✖")} ${r.case.name}  (${r.case.file}:${r.case.line})`);
    lines.push(`    expected ${r.case.expect}, got ${r.actual}${r.error ? `: ${r.error}` : ""}`);
    for (const d of r.deciders) lines.push(`    decided by ${d}`);
    if (r.deciders.length === 0 && !r.error) lines.push("    decided by no statement (implicit deny)");
  }
  const failed = run.results.filter((r) => !r.passed).length;
  lines.push("");
  lines.push(`${run.results.length - failed} passed, ${failed} failed`);
  if (coverage) {
    lines.push(`coverage: ${run.coverage.percent}% (${run.coverage.covered}/${run.coverage.total} statements and data rules exercised)`);
    for (const u of run.coverage.uncovered) lines.push(`  not exercised in ${u.target}: ${u.item}`);
  }
  return lines.join("\n") + "\n";
}

export function registerTest(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("test")
    .description("run the policy test cases in tests/**/*.yaml (expected decisions), with coverage")
    .option("-C, --root <dir>", "repository root", ".")
    .option("--coverage", "report statements and data rules no case exercised")
    .option("--threshold <percent>", "exit 1 when coverage is below this percentage", (v) => parseCount(v, "--threshold"))
    .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
    .addHelpText(
      "after",
      "\nA test file:\n  cases:\n    - name: analysts read production tables from the office network\n      target: production\n      request: { action: db:Select, resource: db://production/users, context: { source.ip: 10.1.2.3 } }\n      expect: allow            # allow | deny | approval_required (access), mask | require_approval (data), escalate (tools)\n    - name: unpinned tools are refused\n      target: production\n      tool: mcp://vision-mcp/detect\n      expect: deny\n\nExamples:\n  edict test\n  edict test --coverage --threshold 80\n",
    )
    .action(async (opts: { root: string; coverage?: boolean; threshold?: number; format: (typeof FORMATS)[number] }) => {
      const { root, repo } = await openRepository(io, opts.root);
      const names = requireTargets(repo);
      const files = await suiteFiles(root);
      if (files.length === 0) throw new EdictError("NOT_FOUND", `no test files under ${join(root, "tests")}; write tests/<name>.yaml with cases: [...]`);
      warnOnLintErrors(io, repo);
      const cases: PolicyCase[] = [];
      const problems: SuiteProblem[] = [];
      for (const f of files) {
        const suite = parseSuite(f, await readFile(join(root, f)));
        cases.push(...suite.cases);
        problems.push(...suite.problems);
      }
      const targets = new Map(names.map((n) => {
        const merged = buildTarget(repo, n);
        return [n, { merged, engine: compileEngine(merged.effective) }] as const;
      }));
      const run = runCases(cases, targets);
      if (opts.format === "json") {
        io.stdout(JSON.stringify({
          results: run.results.map((r) => ({ name: r.case.name, file: r.case.file, line: r.case.line, target: r.case.target, expect: r.case.expect, actual: r.actual, passed: r.passed, deciders: r.deciders, ...(r.error ? { error: r.error } : {}) })),
          problems,
          summary: { passed: run.results.filter((r) => r.passed).length, failed: run.results.filter((r) => !r.passed).length },
          coverage: run.coverage,
        }, null, 2) + "\n");
      } else {
        io.stdout(renderText(run, problems, opts.coverage === true || opts.threshold !== undefined, io.isTTY && !io.env.NO_COLOR));
      }
      const failed = run.results.some((r) => !r.passed);
      const below = opts.threshold !== undefined && run.coverage.percent < opts.threshold;
      if (problems.length > 0) setExit(EXIT.USAGE);
      else setExit(failed || below ? EXIT.FINDINGS : EXIT.OK);
    });
}
