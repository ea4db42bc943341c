/**
 * What the report's Tests section shows: the repository's `tests/` suites (what `edict test`
 * runs), run against the targets the page shows. Reading the suites is the only I/O.
 */
import { targetNames } from "../model/merge/index.js";
import type { Repository } from "../model/repository.js";
import { readSuites, runSuites } from "../testing/read-suites.js";
import type { ReportTests } from "./types.js";

/**
 * The suites' results and coverage over `names`, or undefined when the repository has no
 * `tests/` folder or it holds no suite file. Cases of a target the page leaves out are skipped
 * (and counted); a case naming a target edict.yaml lacks still runs, and fails, as in `edict test`.
 *
 * @example
 * const tests = await gatherTests(root, repo, merges.map((m) => m.target));
 */
export async function gatherTests(root: string, repo: Repository, names: string[]): Promise<ReportTests | undefined> {
  const suites = await readSuites(root);
  if (suites === undefined || suites.files.length === 0) return undefined;
  const all = new Set(targetNames(repo));
  const shown = new Set(names);
  const cases = suites.cases.filter((c) => shown.has(c.target) || !all.has(c.target));
  const skipped = suites.cases.length - cases.length;
  return { run: runSuites(repo, cases, names), problems: suites.problems, ...(skipped > 0 ? { skipped } : {}) };
}
