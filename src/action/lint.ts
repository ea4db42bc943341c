/**
 * Lint as the Action reports it: findings with paths from the workspace root (what annotations,
 * SARIF and links need when the policy repository is a sub-folder), and annotations capped at
 * GitHub's ten per level and step, the rest in the log and the job summary.
 */
import { runLint } from "../lint/engine.js";
import type { Finding, ReportInput, Severity } from "../lint/finding.js";
import { RULES } from "../lint/registry.js";
import { formatText } from "../lint/reporters/index.js";
import type { Repository } from "../model/repository.js";
import type { SourceLintOptions } from "../pack/sources/lint-options.js";
import type { ActionIO, AnnotationLevel } from "./output.js";

/** GitHub shows at most this many annotations of each level from one step. */
export const ANNOTATIONS_PER_LEVEL = 10;

const LEVEL: Record<Severity, AnnotationLevel> = { error: "error", warning: "warning", info: "notice" };

/** "" for the workspace root, else "sub/dir/". */
export function pathPrefix(workingDirectory: string): string {
  const dir = workingDirectory.replace(/\\/g, "/").replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  return dir === "" || dir === "." ? "" : `${dir}/`;
}

/**
 * Lints the repository and rewrites every path to start at the workspace root. `sources` are the
 * pack sources' key files and offers (readSourceLintOptions), so the Action reports what
 * `edict lint` reports.
 */
export function lintForAction(repo: Repository, prefix: string, packSources: SourceLintOptions = {}): ReportInput {
  const result = runLint(repo, { rules: RULES, ...packSources });
  const findings = result.findings.map((f) => ({ ...f, file: prefix + f.file }));
  const sources = new Map(repo.files.map((f) => [prefix + f.path, f.source.text] as const));
  return { findings, summary: result.summary, sources };
}

export interface AnnotationCounts {
  annotated: number;
  /** Findings past the per-level cap: printed to the log and listed in the summary only. */
  notAnnotated: number;
}

/** One annotation per finding, at most `limit` per level; the rest as plain log lines. */
export function annotateFindings(io: ActionIO, findings: readonly Finding[], limit = ANNOTATIONS_PER_LEVEL): AnnotationCounts {
  const used: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 };
  let notAnnotated = 0;
  for (const f of findings) {
    const level = LEVEL[f.severity];
    const message = f.help === undefined ? f.message : `${f.message}\nhelp: ${f.help}`;
    if (used[level] < limit) {
      used[level]++;
      io.annotate(level, message, {
        title: `edict: ${f.rule}`,
        file: f.file,
        ...(f.line >= 1
          ? { startLine: f.line, endLine: Math.max(f.line, f.endLine), startColumn: Math.max(1, f.column), endColumn: Math.max(1, f.endColumn) }
          : {}),
      });
    } else {
      notAnnotated++;
    }
  }
  if (notAnnotated > 0) io.info(`${notAnnotated} more finding${notAnnotated === 1 ? "" : "s"} than GitHub annotates (${limit} per level): all are listed below and in the job summary`);
  return { annotated: findings.length - notAnnotated, notAnnotated };
}

/** The text report for the log. */
export function lintLog(input: ReportInput): string {
  return formatText(input, { color: false });
}
