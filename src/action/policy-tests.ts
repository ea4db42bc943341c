/**
 * `edict test` inside the check: the expected decisions in `tests/**\/*.yaml`, run when the
 * folder exists, against the head's effective policies.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { compileEngine } from "../engine/engine.js";
import { buildTarget, targetNames } from "../model/merge/index.js";
import type { Repository } from "../model/repository.js";
import { runCases } from "../testing/run.js";
import { parseSuite } from "../testing/suite.js";
import type { PolicyCase, SuiteProblem } from "../testing/suite.js";

export interface TestFailure {
  name: string;
  /** Path from the workspace root. */
  file: string;
  line: number;
  expect: string;
  actual: string;
  error?: string;
}

export interface PolicyTestReport {
  files: number;
  passed: number;
  failed: number;
  failures: TestFailure[];
  /** Malformed cases, with paths from the workspace root. */
  problems: SuiteProblem[];
  /** Percent of statements and data rules some case exercised. */
  coverage: number;
}

async function suiteFiles(root: string, dir: string): Promise<string[] | undefined> {
  let entries;
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true });
  } catch {
    return undefined;
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...((await suiteFiles(root, rel)) ?? []));
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(rel);
  }
  return out;
}

/** Runs the suites under `<root>/tests`; undefined when there is no such folder. */
export async function runPolicyTests(root: string, repo: Repository, prefix: string): Promise<PolicyTestReport | undefined> {
  const files = await suiteFiles(root, "tests");
  if (files === undefined) return undefined;
  const cases: PolicyCase[] = [];
  const problems: SuiteProblem[] = [];
  for (const f of files) {
    const suite = parseSuite(f, await readFile(join(root, f)));
    cases.push(...suite.cases);
    problems.push(...suite.problems.map((p) => ({ ...p, file: prefix + p.file })));
  }
  const targets = new Map(
    targetNames(repo).map((n) => {
      const merged = buildTarget(repo, n);
      return [n, { merged, engine: compileEngine(merged.effective) }] as const;
    }),
  );
  const run = runCases(cases, targets);
  const failures = run.results
    .filter((r) => !r.passed)
    .map((r) => ({ name: r.case.name, file: prefix + r.case.file, line: r.case.line, expect: r.case.expect, actual: r.actual, ...(r.error ? { error: r.error } : {}) }));
  return { files: files.length, passed: run.results.length - failures.length, failed: failures.length, failures, problems, coverage: run.coverage.percent };
}
