/**
 * The check report, as the sticky pull-request comment and as the job summary: a
 * summary line, lint findings, policy tests, pack drift, the per-target effective diff with its
 * newly allowed requests, and the version the merge would release. Pure.
 *
 * A comment must stay under GitHub's 65,536 characters: when the full report is longer, the lint
 * table and the diff are cut (each renderer cuts its own largest parts first and says so) and a
 * line points to the job summary, which carries everything.
 */
import type { DiffResult } from "../diff/index.js";
import { renderDiffMarkdown } from "../diff/index.js";
import type { ReportInput } from "../lint/finding.js";
import { formatMarkdown } from "../lint/reporters/index.js";
import { escapeCell } from "../lint/reporters/markdown.js";
import type { DriftFinding } from "../pack/index.js";
import { EDICT_VERSION } from "../version.js";
import type { FailOn } from "./inputs.js";
import type { PolicyTestReport } from "./policy-tests.js";

/** What the comment may hold at most; GitHub refuses bodies over 65,536 characters. */
export const COMMENT_MAX_LENGTH = 60_000;
/** The job summary's budget: GitHub accepts 1 MiB per step; characters may take several bytes. */
export const SUMMARY_MAX_LENGTH = 800_000;
/** Drift lines and failed test cases listed before "… and N more". */
const MAX_LISTED = 50;

export interface CheckReport {
  lint: ReportInput;
  /** Undefined when the repository has no tests/ folder. */
  tests?: PolicyTestReport;
  drift: DriftFinding[];
  /** The effective diff base..head; undefined when it could not be made (see diffNote). */
  diff?: DiffResult;
  diffNote?: string;
  /** The version merging would release, and the release it follows (undefined: the first release). */
  release?: { next: string; last?: string };
  failOn: FailOn;
  /** Why the check fails; empty when it passes. */
  failures: string[];
}

export interface RenderOptions {
  maxLength: number;
  /** Prepended as the first line (the comment's hidden marker). */
  marker?: string;
  /** Link to the run, whose page shows the job summary. */
  summaryUrl?: string;
  /** Base of links to files at the head commit: `${server}/${owner}/${repo}/blob/${sha}`. */
  linkBase?: string;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

function headline(r: CheckReport): string {
  const { errors, warnings } = r.lint.summary;
  const bits: string[] = [];
  bits.push(errors + warnings === 0 ? "lint ✅" : `lint ${errors > 0 ? "❌" : "⚠️"} ${plural(errors, "error")}, ${plural(warnings, "warning")}`);
  if (r.tests) bits.push(`tests ${r.tests.failed + r.tests.problems.length > 0 ? `❌ ${r.tests.failed} failed` : "✅"} ${r.tests.passed} passed`);
  if (r.diff) {
    const d = r.diff;
    bits.push(d.verdict === "unchanged" ? "policy unchanged" : `policy **${d.verdict}**${d.counts.newlyAllowed > 0 ? ` (${d.counts.newlyAllowed} newly allowed)` : ""}`);
  }
  if (r.drift.length > 0) bits.push(`${plural(r.drift.length, "drift warning")}`);
  if (r.release) bits.push(`merging releases \`${r.release.next}\`${r.release.last ? ` (after \`${r.release.last}\`)` : " (first release)"}`);
  const status = r.failures.length > 0 ? `❌ edict check failed: ${r.failures.join("; ")}` : "✅ edict check passed";
  return `### ${status}\n\n${bits.join(" · ")}\n`;
}

function testsSection(t: PolicyTestReport): string {
  let out = `\n#### Policy tests\n\n`;
  const broken = t.failed + t.problems.length;
  out += `${broken > 0 ? "❌" : "✅"} ${t.passed} passed, ${t.failed} failed in ${plural(t.files, "file")} · coverage ${t.coverage}%\n`;
  if (t.problems.length > 0) {
    out += "\n" + t.problems.slice(0, MAX_LISTED).map((p) => `- ❌ \`${escapeCell(`${p.file}:${p.line}:${p.column}`)}\` ${escapeCell(p.message)}`).join("\n") + "\n";
  }
  if (t.failures.length > 0) {
    out += "\n| case | where | expected | got |\n|---|---|---|---|\n";
    for (const f of t.failures.slice(0, MAX_LISTED)) {
      out += `| ${escapeCell(f.name)} | \`${escapeCell(`${f.file}:${f.line}`)}\` | ${escapeCell(f.expect)} | ${escapeCell(f.actual)}${f.error ? ` — ${escapeCell(f.error)}` : ""} |\n`;
    }
    if (t.failures.length > MAX_LISTED) out += `\n… and ${t.failures.length - MAX_LISTED} more failed cases (run \`edict test\`)\n`;
  }
  return out;
}

function driftSection(drift: readonly DriftFinding[]): string {
  if (drift.length === 0) return "";
  const lines = drift.slice(0, MAX_LISTED).map((d) => `- ${escapeCell(d.message)}`);
  if (drift.length > MAX_LISTED) lines.push(`- … and ${drift.length - MAX_LISTED} more (run \`edict pack list\`)`);
  return `\n#### Pack drift\n\n${lines.join("\n")}\n\nUpgrade with \`edict pack upgrade\`, or restore edited files with \`edict pack upgrade <pack> --force\`.\n`;
}

function lintSection(r: CheckReport, maxChars: number, linkBase: string | undefined): string {
  return `\n#### Lint\n\n${formatMarkdown(r.lint, { maxChars, ...(linkBase ? { linkBase } : {}) })}`;
}

function diffSection(r: CheckReport, maxLength: number): string {
  if (!r.diff) return `\n#### Effective policy\n\n${r.diffNote ?? "_No effective diff._"}\n`;
  return `\n#### Effective policy\n\n${renderDiffMarkdown(r.diff, { maxLength, headingLevel: 5 })}`;
}

function footer(r: CheckReport, summaryUrl: string | undefined): string {
  const link = summaryUrl ? ` · [run and job summary](${summaryUrl})` : "";
  return `\n<sub>edict ${EDICT_VERSION} · fail-on: ${r.failOn}${link}</sub>\n`;
}

/**
 * The report as markdown of at most `maxLength` characters.
 *
 * @example
 * const body = renderReport(report, { maxLength: COMMENT_MAX_LENGTH, marker: COMMENT_MARKER, summaryUrl });
 */
export function renderReport(report: CheckReport, options: RenderOptions): string {
  const max = options.maxLength;
  const top = `${options.marker ? `${options.marker}\n` : ""}${headline(report)}`;
  const middle = (report.tests ? testsSection(report.tests) : "") + driftSection(report.drift);
  const end = footer(report, options.summaryUrl);
  const unlimited = Number.MAX_SAFE_INTEGER;
  const lintFull = lintSection(report, unlimited, options.linkBase);
  const diffFull = diffSection(report, unlimited);
  const whole = top + lintFull + middle + diffFull + end;
  if (whole.length <= max) return whole;

  const where = options.summaryUrl ? `the [job summary](${options.summaryUrl})` : "this run's job summary";
  const notice = `\n> ✂️ This report was cut to fit a pull-request comment; ${where} has all of it.\n`;
  const available = Math.max(0, max - (top + middle + end + notice).length);
  // the diff is what reviewers need most: lint gets at least a third, and all of it when the diff is short
  const lintBudget = Math.min(lintFull.length, Math.max(Math.floor(available / 3), available - diffFull.length));
  const lint = lintSection(report, Math.max(0, lintBudget - "\n#### Lint\n\n".length), options.linkBase);
  const diff = diffSection(report, Math.max(0, available - lint.length - "\n#### Effective policy\n\n".length));
  const cut = top + notice + lint + middle + diff + end;
  if (cut.length <= max) return cut;
  // the renderers can overshoot a budget too small for their fixed lines: cut hard, keep the notice
  return `${cut.slice(0, Math.max(0, max - notice.length - end.length - 2))}\n${notice}${end}`.slice(0, max);
}
