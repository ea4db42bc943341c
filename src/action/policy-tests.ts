/**
 * `edict test` inside the check: the expected decisions in `tests/**\/*.yaml`, run when the
 * folder exists, against the head's effective policies.
 */
import type { Repository } from "../model/repository.js";
import { readSuites, runSuites } from "../testing/read-suites.js";
import type { SuiteProblem } from "../testing/suite.js";

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

/** Runs the suites under `<root>/tests`; undefined when there is no such folder. */
export async function runPolicyTests(root: string, repo: Repository, prefix: string): Promise<PolicyTestReport | undefined> {
  const suites = await readSuites(root);
  if (suites === undefined) return undefined;
  const run = runSuites(repo, suites.cases);
  const failures = run.results
    .filter((r) => !r.passed)
    .map((r) => ({ name: r.case.name, file: prefix + r.case.file, line: r.case.line, expect: r.case.expect, actual: r.actual, ...(r.error ? { error: r.error } : {}) }));
  const problems = suites.problems.map((p) => ({ ...p, file: prefix + p.file }));
  return { files: suites.files.length, passed: run.results.length - failures.length, failed: failures.length, failures, problems, coverage: run.coverage.percent };
}
