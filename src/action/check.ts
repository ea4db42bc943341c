/**
 * check mode, on pull requests: lint with annotations, policy tests, the effective
 * diff base..head (fetching the base when the checkout is shallow), pack drift, SARIF when
 * asked, one sticky comment and the job summary. `fail-on` decides the exit status.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { releaseVersion } from "../bundle/version.js";
import { diffRepositories, isLoosening } from "../diff/index.js";
import type { DiffResult } from "../diff/index.js";
import { isEdictError } from "../errors.js";
import type { Finding } from "../lint/finding.js";
import { RULES } from "../lint/registry.js";
import { formatSarif } from "../lint/reporters/index.js";
import { computeDrift, packsSourceOf, readShippedPacks, worldOf } from "../pack/index.js";
import type { DriftFinding } from "../pack/index.js";
import { readRepositoryAtRevision } from "../io/git.js";
import { readRepository } from "../io/read-repository.js";
import type { Repository } from "../model/repository.js";
import { EDICT_VERSION } from "../version.js";
import { COMMENT_MAX_LENGTH, renderReport, SUMMARY_MAX_LENGTH } from "./comment.js";
import type { CheckReport } from "./comment.js";
import { pullRequestOf, runUrlOf } from "./context.js";
import { ensureCommit } from "./git.js";
import { commentMarker, describeGitHubFailure, listReleases, statusOf, upsertStickyComment } from "./github.js";
import { readSourceLintOptions } from "../pack/sources/lint-options.js";
import { annotateFindings, lintForAction, lintLog } from "./lint.js";
import type { ModeResult, ModeRun } from "./mode.js";
import { writePullRequestReport } from "./report-page.js";
import { runPolicyTests } from "./policy-tests.js";
import type { PolicyTestReport } from "./policy-tests.js";
import { releaseCandidates, tagPrefixOf } from "./release.js";

const ZERO_SHA = /^0+$/;

/** The commit to diff against: the pull request's base, or the commit before a push. */
export function baseCommitOf(run: Pick<ModeRun, "ctx">): string | undefined {
  const pr = pullRequestOf(run.ctx);
  if (pr?.baseSha) return pr.baseSha;
  const before = run.ctx.payload.before;
  return typeof before === "string" && !ZERO_SHA.test(before) ? before : undefined;
}

/** Test failures and malformed cases as findings, so they are annotated like lint errors. */
function testFindings(t: PolicyTestReport | undefined): Finding[] {
  if (!t) return [];
  const at = (file: string, line: number, column = 1) => ({ file, line, column, endLine: line, endColumn: column, path: "" });
  return [
    ...t.problems.map((p) => ({ rule: "policy-test", severity: "error" as const, message: p.message, ...at(p.file, p.line, p.column) })),
    ...t.failures.map((f) => ({
      rule: "policy-test",
      severity: "error" as const,
      message: `test "${f.name}" expected ${f.expect}, got ${f.actual}${f.error ? `: ${f.error}` : ""}`,
      ...at(f.file, f.line),
    })),
  ];
}

async function driftOf(root: string, repo: Repository): Promise<DriftFinding[]> {
  try {
    const world = worldOf(repo);
    const shipped = await readShippedPacks(root, packsSourceOf(repo));
    return computeDrift(world.state, shipped.packs, world.policyFiles);
  } catch {
    // a broken pack state or packs.source: lint reports it with its position
    return [];
  }
}

async function effectiveDiff(run: ModeRun, repo: Repository, headLabel: string): Promise<{ diff?: DiffResult; note?: string; failure?: string }> {
  const base = baseCommitOf(run);
  if (base === undefined) return { note: "_No base commit to compare with: the effective diff runs on pull requests._" };
  try {
    await ensureCommit(run.root, base, (l) => run.io.info(l));
    const before = await readRepositoryAtRevision(run.root, base);
    const diff = diffRepositories(before.repo, repo, {
      base: before.commit,
      head: headLabel,
      ...(run.inputs.targets.length > 0 ? { targets: run.inputs.targets } : {}),
      ...(run.inputs.maxRegions !== undefined ? { maxRegions: run.inputs.maxRegions } : {}),
    });
    return { diff };
  } catch (e) {
    if (!isEdictError(e)) throw e;
    return { note: `❌ The effective diff could not be made: ${e.toString()}`, failure: `the effective diff could not be made (${e.message})` };
  }
}

/**
 * The version merging would release, by the rule `edict bundle build` and `edict diff` follow
 * (`releaseVersion`): the latest release bumped by the diff, or the first version.
 */
async function projectedRelease(run: ModeRun, repo: Repository, diff: DiffResult): Promise<CheckReport["release"]> {
  let releases;
  try {
    releases = await listReleases(run.octokit, run.ref);
  } catch (e) {
    run.io.info(`cannot list the releases to tell the next version: ${(e as Error).message}`);
    return undefined;
  }
  const last = releaseCandidates(releases.filter((r) => !r.draft), tagPrefixOf(run.inputs, repo))[0]?.version;
  const next = releaseVersion(last, diff.verdict, repo.config?.value.version);
  if (next === null) return undefined;
  return last === undefined ? { next } : { next, last };
}

export async function runCheck(run: ModeRun): Promise<ModeResult> {
  const { io, inputs, ctx, prefix } = run;
  const repo = await readRepository(run.root);
  if (repo.files.length === 0) {
    return { outputs: {}, failures: [`no policy repository in ${inputs.workingDirectory}: no edict.yaml, policies/ or packs/ (set working-directory)`] };
  }

  const lint = lintForAction(repo, prefix, await readSourceLintOptions(repo, run.root, { env: run.env }));
  io.info(lintLog(lint).trimEnd());
  const tests = await runPolicyTests(run.root, repo, prefix);
  if (tests) io.info(`policy tests: ${tests.passed} passed, ${tests.failed} failed${tests.problems.length > 0 ? `, ${tests.problems.length} malformed cases` : ""}`);
  const annotations = annotateFindings(io, [...lint.findings, ...testFindings(tests)]);

  const drift = await driftOf(run.root, repo);
  for (const d of drift) io.info(`pack drift: ${d.message}`);

  const pr = pullRequestOf(ctx);
  const headSha = pr?.headSha ?? ctx.sha;
  const made = await effectiveDiff(run, repo, headSha || "HEAD");
  const { note, failure: diffFailure } = made;
  if (made.diff) io.info(`effective policy: ${made.diff.verdict} (${made.diff.counts.newlyAllowed} newly allowed, ${made.diff.counts.newlyDenied} newly denied)`);
  const release = made.diff ? await projectedRelease(run, repo, made.diff) : undefined;
  // the diff alone cannot know the releases: they tell what merging really releases, and
  // without them the next version is unknown rather than guessed
  const diff: DiffResult | undefined = made.diff && {
    ...made.diff,
    nextVersion: release?.next ?? null,
    ...(release?.last !== undefined ? { lastVersion: release.last } : {}),
  };

  const { errors, warnings } = lint.summary;
  const failures: string[] = [];
  if (errors > 0) failures.push(`${errors} lint error${errors === 1 ? "" : "s"}`);
  if (tests && tests.failed + tests.problems.length > 0) failures.push(`${tests.failed + tests.problems.length} policy test${tests.failed + tests.problems.length === 1 ? "" : "s"} failed`);
  if (diffFailure) failures.push(diffFailure);
  if (inputs.failOn === "warning" && warnings > 0) failures.push(`${warnings} lint warning${warnings === 1 ? "" : "s"} (fail-on: warning)`);
  if (inputs.failOn === "loosened" && diff && isLoosening(diff.verdict)) failures.push(`the effective policy is ${diff.verdict} (fail-on: loosened)`);
  // a comparison cut short may hide a loosening: fail closed
  const unproven = diff?.targets.filter((t) => !t.proof.proven).map((t) => t.target) ?? [];
  if (inputs.failOn === "loosened" && unproven.length > 0) failures.push(`the effective diff is not proven for ${unproven.join(", ")} (fail-on: loosened; raise max-regions)`);

  if (inputs.sarif) {
    const file = resolve(ctx.workspace, inputs.sarif);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, formatSarif(lint, { rules: RULES.map((r) => r.meta), toolVersion: EDICT_VERSION }));
    io.info(`wrote SARIF to ${file}`);
  }

  const report: CheckReport = {
    lint,
    ...(tests ? { tests } : {}),
    drift,
    ...(diff ? { diff } : {}),
    ...(note ? { diffNote: note } : {}),
    ...(release ? { release } : {}),
    failOn: inputs.failOn,
    failures,
  };
  const summaryUrl = runUrlOf(ctx);
  const linkBase = headSha ? `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/blob/${headSha}` : undefined;
  const links = { ...(summaryUrl ? { summaryUrl } : {}), ...(linkBase ? { linkBase } : {}) };

  let summaryNote = "";
  if (annotations.notAnnotated > 0) summaryNote += `\n_GitHub shows ten annotations per level; all ${lint.findings.length} findings are listed above._\n`;
  if (pr && inputs.comment) {
    const body = renderReport(report, { maxLength: COMMENT_MAX_LENGTH, marker: commentMarker(inputs.workingDirectory), ...links });
    try {
      const result = await upsertStickyComment(run.octokit, run.ref, pr.number, commentMarker(inputs.workingDirectory), body);
      io.info(`pull request comment ${result.action}: ${result.url}`);
    } catch (e) {
      if (statusOf(e) === 403) {
        // a fork's pull request gets a read-only token: the job summary carries the report instead
        io.info(`cannot comment on pull request #${pr.number} (HTTP 403: the token is read-only, as for a pull request from a fork); the report is in the job summary`);
        summaryNote += `\n_The report could not be posted as a comment (read-only token, as for a pull request from a fork)._\n`;
      } else {
        failures.push(describeGitHubFailure("the pull request comment could not be posted", e));
      }
    }
  }
  // the page is a convenience: a failure to make it is logged, never a failed check
  let page: { path: string; summary: string } | undefined;
  try {
    page = await writePullRequestReport(run, repo);
    io.info(`report page: ${page.path}`);
  } catch (e) {
    io.info(`report page not written: ${e instanceof Error ? e.message : String(e)}`);
  }
  const pageSummary = page?.summary ?? "";
  await io.writeSummary(renderReport(report, { maxLength: SUMMARY_MAX_LENGTH - summaryNote.length - pageSummary.length, ...links }) + summaryNote + pageSummary);

  return {
    outputs: {
      errors: String(errors),
      warnings: String(warnings),
      loosened: String(diff ? isLoosening(diff.verdict) : false),
      ...(release ? { version: release.next } : {}),
      ...(page ? { "report-path": page.path } : {}),
    },
    failures,
  };
}
