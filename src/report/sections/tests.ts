/**
 * The Tests section: `edict test` results, suite problems, and coverage per target, listing
 * every access statement and data rule with whether a case exercises it. Pure: the run comes
 * from gather-tests.ts, the statements from the targets' merges.
 */
import type { Provenance } from "../../engine/effective.js";
import type { TargetMerge } from "../../model/merge/index.js";
import type { CaseResult } from "../../testing/run.js";
import { anchorId, esc, notice, section, table } from "../html.js";
import type { SourceLinker } from "../provenance.js";
import type { ReportTests } from "../types.js";

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function summaryOf(tests: ReportTests): string {
  const { results, coverage } = tests.run;
  const passed = results.filter((r) => r.passed).length;
  const failed = results.length - passed;
  const parts = [
    `<span class="status ${failed === 0 ? "ok" : "bad"}">${passed} passed, ${failed} failed</span> of ${plural(results.length, "case")}`,
    `coverage <b>${coverage.percent}%</b> (${coverage.covered}/${coverage.total} statements and data rules exercised)`,
  ];
  if (tests.problems.length > 0) parts.push(`<span class="status warn">${plural(tests.problems.length, "problem")} in the suites</span>`);
  if (tests.skipped) parts.push(`${plural(tests.skipped, "case")} of targets not shown skipped`);
  return `<p data-testid="tests-summary">${parts.join(" · ")}</p>`;
}

function resultRow(r: CaseResult, linker: SourceLinker): string[] {
  const why = r.error ?? (r.passed ? "" : r.deciders.join("; "));
  return [
    esc(r.case.name),
    esc(r.case.target),
    `<code>${esc(r.case.expect)}</code>`,
    `<code>${esc(r.actual)}</code>${why ? `<div class="why">${esc(why)}</div>` : ""}`,
    r.passed ? `<span class="status ok">pass</span>` : `<span class="status bad">fail</span>`,
    linker.render(r.case.file, r.case.line),
  ];
}

function renderProblems(tests: ReportTests, linker: SourceLinker): string {
  if (tests.problems.length === 0) return "";
  const items = tests.problems.map((p) => `<li>${linker.render(p.file, p.line)}:${p.column} ${esc(p.message)}</li>`);
  return `<h3>Problems</h3>\n<ul class="problems" data-testid="tests-problems">\n${items.join("\n")}\n</ul>`;
}

/** The same key run.ts counts coverage with: `file#Sid`, or `file#statement N` (1-based, in the target's list). */
function statementKey(i: number, s: { Sid?: string; source: { file: string } }): string {
  return `${s.source.file}#${s.Sid ?? `statement ${i + 1}`}`;
}

/**
 * The line of a statement; one desugared from a workspace control (`Models.AllowedProviders.2`,
 * `Capabilities.DeniedTools`) has no Statement entry, so the control's own key is looked up.
 */
function statementLineOf(linker: SourceLinker, s: { Sid?: string; source: Provenance }, nth: number): number | undefined {
  const desugared = s.Sid !== undefined ? /^(Models|Capabilities)\.([A-Za-z]+)(?:\.\d+)?$/.exec(s.Sid) : null;
  if (desugared) return linker.lineOf(s.source.file, `/spec/${desugared[1]}/${desugared[2]}`);
  return linker.statementLine(s.source, s.Sid, nth);
}

function mark(exercised: boolean): string {
  return exercised ? `<span class="covered">exercised</span>` : `<span class="uncovered">not exercised</span>`;
}

/** One target's statements and data rules, each with where it is written and whether a case reaches it. */
function targetCoverage(merge: TargetMerge, uncovered: ReadonlySet<string>, linker: SourceLinker): string {
  const rows: string[][] = [];
  let missed = 0;
  const status = (key: string) => {
    if (uncovered.has(key)) missed++;
    return mark(!uncovered.has(key));
  };
  const sidless = new Map<string, number>();
  merge.effective.access.Statement.forEach((s, i) => {
    const key = statementKey(i, s);
    let nth = 0;
    if (s.Sid === undefined) {
      nth = sidless.get(s.source.file) ?? 0;
      sidless.set(s.source.file, nth + 1);
    }
    const line = statementLineOf(linker, s, nth);
    rows.push([`<code>${esc(key)}</code>`, `${esc(s.Effect)} statement of <span class="by">${esc(s.source.policy)}</span>`, linker.render(s.source.file, line), status(key)]);
  });
  for (const r of merge.effective.data.rules) {
    const key = `data:${r.id}`;
    rows.push([`<code>${esc(key)}</code>`, `data rule of <span class="by">${esc(r.source.policy)}</span>`, linker.render(r.source.file, linker.lineOf(r.source.file, "/spec")), status(key)]);
  }
  const head = `<summary><b>${esc(merge.target)}</b>: ${rows.length - missed}/${rows.length} exercised${missed > 0 ? `, <span class="uncovered">${missed} not exercised</span>` : ""}</summary>`;
  const body = rows.length > 0 ? table(["Statement or rule", "What", "Where", "Tests"], rows, "coverage") : "<p>No access statement or data rule.</p>";
  return `<details id="${anchorId("tests", merge.target)}" class="coverage-target"${missed > 0 ? " open" : ""}>${head}\n${body}\n</details>`;
}

/**
 * The Tests section. Without tests it says how to add one.
 */
export function renderTests(tests: ReportTests | undefined, merges: TargetMerge[], linker: SourceLinker): string {
  if (!tests) {
    return section(
      "tests",
      "Tests",
      notice(
        "info",
        "This repository has no test cases. Add a file such as <code>tests/access.yaml</code> with <code>cases:</code> (each a <code>name</code>, a <code>target</code>, an <code>expect</code>ed outcome and one of <code>request</code>, <code>tool</code>, <code>data</code>) and run <code>edict test --coverage</code>; see the <code>edict test</code> section of the README.",
      ),
    );
  }
  const uncoveredBy = new Map<string, Set<string>>();
  for (const u of tests.run.coverage.uncovered) {
    let set = uncoveredBy.get(u.target);
    if (!set) uncoveredBy.set(u.target, (set = new Set()));
    set.add(u.item);
  }
  const results = tests.run.results.map((r) => resultRow(r, linker));
  const body = [
    summaryOf(tests),
    results.length > 0
      ? table(["Case", "Target", "Expect", "Actual", "Result", "Where"], results, "results").replace("<table", '<table data-testid="tests-results"')
      : `<p data-testid="tests-results">No case in the suites.</p>`,
    renderProblems(tests, linker),
    "<h3>Coverage</h3>",
    `<div data-testid="tests-coverage">\n${merges.map((m) => targetCoverage(m, uncoveredBy.get(m.target) ?? new Set(), linker)).join("\n")}\n</div>`,
  ];
  return section("tests", "Tests", body.filter((b) => b !== "").join("\n"));
}
