/** `edict test`: run the expected-result cases in tests/**\/*.yaml, with coverage. */
import { join } from "node:path";
import type { Command } from "commander";
import { EdictError } from "../../errors.js";
import { readSuites, runSuites, TESTS_DIR } from "../../testing/read-suites.js";
import type { TestRun } from "../../testing/run.js";
import type { SuiteProblem } from "../../testing/suite.js";
import { warnOnLintErrors } from "../engine-source.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { parseChoice, parsePercent, rootOption } from "../options.js";
import { openRepository, requireTargets } from "../repository.js";

const FORMATS = ["text", "json"] as const;

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
    .addOption(rootOption())
    .option("--coverage", "report statements and data rules no case exercised")
    .option("--threshold <percent>", "exit 1 when coverage is below this percentage (0-100; implies --coverage)", (v) => parsePercent(v, "--threshold"))
    .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
    .addHelpText(
      "after",
      "\nA test file:\n  cases:\n    - name: analysts read production tables from the office network\n      target: production\n      request: { action: db:Select, resource: db://production/users, context: { source.ip: 10.1.2.3 } }\n      expect: allow            # allow | deny | approval_required (access), mask | require_approval (data), escalate (tools)\n    - name: unpinned tools are refused\n      target: production\n      tool: mcp://vision-mcp/detect\n      expect: deny\n\nExamples:\n  edict test\n  edict test --coverage --threshold 80\n",
    )
    .action(async (opts: { root?: string; coverage?: boolean; threshold?: number; format: (typeof FORMATS)[number] }) => {
      const { root, repo } = await openRepository(io, opts.root);
      const names = requireTargets(repo);
      const suites = await readSuites(root);
      if (suites === undefined || suites.files.length === 0) throw new EdictError("NOT_FOUND", `no test files under ${join(root, TESTS_DIR)}; write tests/<name>.yaml with cases: [...]`);
      warnOnLintErrors(io, repo);
      const { cases, problems } = suites;
      const run = runSuites(repo, cases, names);
      const below = opts.threshold !== undefined && run.coverage.percent < opts.threshold;
      if (opts.format === "json") {
        io.stdout(JSON.stringify({
          results: run.results.map((r) => ({ name: r.case.name, file: r.case.file, line: r.case.line, target: r.case.target, expect: r.case.expect, actual: r.actual, passed: r.passed, deciders: r.deciders, ...(r.error ? { error: r.error } : {}) })),
          problems,
          summary: { passed: run.results.filter((r) => r.passed).length, failed: run.results.filter((r) => !r.passed).length },
          coverage: { ...run.coverage, ...(opts.threshold === undefined ? {} : { threshold: opts.threshold, belowThreshold: below }) },
        }, null, 2) + "\n");
      } else {
        io.stdout(renderText(run, problems, opts.coverage === true || opts.threshold !== undefined, io.isTTY && !io.env.NO_COLOR));
        if (below) io.stdout(`coverage ${run.coverage.percent}% is below the threshold of ${opts.threshold}%: add cases that exercise the statements listed above, or lower --threshold\n`);
      }
      const failed = run.results.some((r) => !r.passed);
      if (problems.length > 0) setExit(EXIT.USAGE);
      else setExit(failed || below ? EXIT.FINDINGS : EXIT.OK);
    });
}
