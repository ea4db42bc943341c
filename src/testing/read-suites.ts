/**
 * The policy test suites of a repository (`tests/**\/*.yaml`), read from the file system and run
 * against its targets: what `edict test` and the Action's check both do. The parsing and the
 * running are pure (./suite.ts, ./run.ts); this adds the folder walk.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { compileEngine } from "../engine/engine.js";
import { buildTarget, targetNames } from "../model/merge/index.js";
import type { Repository } from "../model/repository.js";
import { runCases } from "./run.js";
import type { TestRun } from "./run.js";
import { parseSuite } from "./suite.js";
import type { PolicyCase, SuiteProblem } from "./suite.js";

/** The folder test suites live in, under the repository root. */
export const TESTS_DIR = "tests";

/** Every `.yaml`/`.yml` file under `dir` (relative to `root`), sorted; undefined when the folder is missing. */
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

export interface Suites {
  /** Suite files, relative to the repository root. */
  files: string[];
  cases: PolicyCase[];
  problems: SuiteProblem[];
}

/** Reads and parses the suites under `<root>/tests`; undefined when there is no such folder. */
export async function readSuites(root: string): Promise<Suites | undefined> {
  const files = await suiteFiles(root, TESTS_DIR);
  if (files === undefined) return undefined;
  const cases: PolicyCase[] = [];
  const problems: SuiteProblem[] = [];
  for (const f of files) {
    const suite = parseSuite(f, await readFile(join(root, f)));
    cases.push(...suite.cases);
    problems.push(...suite.problems);
  }
  return { files, cases, problems };
}

/** Runs cases against every target of `repo` (`names`, default all), each merged and compiled once. */
export function runSuites(repo: Repository, cases: readonly PolicyCase[], names: readonly string[] = targetNames(repo)): TestRun {
  const targets = new Map(
    names.map((n) => {
      const merged = buildTarget(repo, n);
      return [n, { merged, engine: compileEngine(merged.effective) }] as const;
    }),
  );
  return runCases(cases, targets);
}
