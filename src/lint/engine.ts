/** Runs the registered rules over a repository and turns raw findings into positioned ones. */
import type { RepoFile, Repository } from "../model/repository.js";
import { parentPointer, toJsonPath } from "../model/pointer.js";
import { matchesPathGlob } from "../model/path-glob.js";
import type { Span } from "../model/source.js";
import type { SchemaIssue } from "../model/schemas/validate.js";
import { buildAllTargets } from "../model/merge/index.js";
import type { TargetMerge } from "../model/merge/index.js";
import { compareFindings, summarize } from "./finding.js";
import type { Finding, LintResult, Severity } from "./finding.js";
import type { LintOptions, RawFinding, Rule, RuleContext } from "./rule.js";
import { isSuppressed, suppressionsOf } from "./suppressions.js";
import type { Suppression } from "./suppressions.js";
import { reconcileSchemaIssues } from "./schema-issues.js";
import { parsedView } from "./parsed-view.js";
import { RULES } from "./registry.js";

export interface RunLintOptions extends LintOptions {
  rules: readonly Rule[];
  /** Only report findings in these repository paths (files or folders). All files are still read. */
  only?: readonly string[];
  /** Severity overrides on top of edict.yaml's `lint.rules`. */
  severities?: Readonly<Record<string, Severity | "off">>;
}

/** Resolves a pointer to a span, walking up to the nearest ancestor that has one. */
export function spanOf(file: Pick<RepoFile, "source">, pointer: string | undefined, atKey = false): Span {
  let p: string | undefined = pointer ?? "";
  let wantKey = atKey;
  while (p !== undefined) {
    const s = file.source.spans.get(p);
    if (s) return wantKey && s.key ? s.key : s.key && !isSingleLine(file, s.value) ? s.key : s.value;
    p = parentPointer(p);
    wantKey = true;
  }
  return [0, 0];
}

function isSingleLine(file: Pick<RepoFile, "source">, span: Span): boolean {
  return !file.source.text.slice(span[0], span[1]).includes("\n");
}

function toFinding(rule: Rule, severity: Severity, raw: RawFinding): Finding {
  const span = raw.span ?? spanOf(raw.file, raw.pointer, raw.atKey);
  const lines = raw.file.source.lines;
  const start = lines.position(span[0]);
  let end = lines.position(Math.max(span[0], trimEnd(raw.file.source.text, span)));
  if (end.line === start.line && end.column <= start.column) end = { line: start.line, column: start.column + 1 };
  return {
    rule: rule.meta.id,
    severity,
    message: raw.message,
    file: raw.file.path,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    path: raw.pointer ? toJsonPath(raw.pointer) : "",
    ...(raw.help ? { help: raw.help } : {}),
  };
}

/** Spans of block values can end after trailing newlines; stop at the last visible character. */
function trimEnd(text: string, span: Span): number {
  let e = span[1];
  while (e > span[0] && /\s/.test(text[e - 1]!)) e--;
  return e;
}

export function runLint(repo: Repository, options: RunLintOptions): LintResult {
  const config = repo.config?.value.lint;
  const severities: Record<string, Severity | "off"> = { ...(config?.rules ?? {}), ...(options.severities ?? {}) };
  const ignore = config?.ignore ?? [];
  const suppressionCache = new Map<RepoFile, Suppression[]>();
  const issueCache = new Map<RepoFile, readonly SchemaIssue[]>();
  const findings: Finding[] = [];
  const ruleIds: ReadonlySet<string> = new Set([...RULES, ...options.rules].map((r) => r.meta.id));
  // Rules see the documents of files that parse; a file with a syntax error is reported by it.
  const view = parsedView(repo);
  let merged: TargetMerge[] | undefined;

  const inScope = (path: string): boolean => {
    if (ignore.some((g) => matchesPathGlob(g, path))) return false;
    if (!options.only || options.only.length === 0) return true;
    return options.only.some((o) => o === "" || o === "." || path === o || path.startsWith(o.endsWith("/") ? o : `${o}/`));
  };

  for (const rule of options.rules) {
    const configured = severities[rule.meta.id];
    if (configured === "off") continue;
    const severity: Severity = configured ?? rule.meta.severity;
    const ctx: RuleContext = {
      repo: view,
      options,
      ruleIds,
      merged: () => (merged ??= buildAllTargets(view)),
      schemaIssues(file) {
        let issues = issueCache.get(file);
        if (!issues) issueCache.set(file, (issues = reconcileSchemaIssues(file)));
        return issues;
      },
      report(raw) {
        if (!inScope(raw.file.path)) return;
        // in a file that does not parse, a finding about its (guessed) tree would be noise
        if (raw.file.source.syntaxError && !rule.meta.textual) return;
        const finding = toFinding(rule, severity, raw);
        let sup = suppressionCache.get(raw.file);
        if (!sup) suppressionCache.set(raw.file, (sup = suppressionsOf(raw.file.source)));
        if (isSuppressed(sup, finding.rule, finding.line)) return;
        findings.push(finding);
      },
    };
    try {
      rule.check(ctx);
    } catch (e) {
      // A rule bug must not hide the other rules' findings; it becomes a finding itself.
      findings.push({
        rule: "internal-error",
        severity: "error",
        message: `rule ${rule.meta.id} failed: ${(e as Error).message}`,
        file: "",
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
        path: "",
        help: "please report this as a bug in edict",
      });
    }
  }
  findings.sort(compareFindings);
  const files = repo.files.filter((f) => inScope(f.path)).length;
  return { findings, summary: summarize(findings, files) };
}
