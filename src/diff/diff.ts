/** The semantic diff of two policy repositories, per target and kind (SPEC §5). Pure. */
import { EdictError } from "../errors.js";
import { buildTarget, rankDocuments, targetNames } from "../policy/merge/index.js";
import type { TargetMerge } from "../policy/merge/index.js";
import type { Repository } from "../policy/repository.js";
import { SPEC_SCHEMAS } from "../policy/schemas/policy.js";
import { suggest } from "../policy/suggest.js";
import { compareAccess, diffStatements, isLooserDecision, pickExamples, writtenStatements } from "./access.js";
import { diffData } from "./data.js";
import { diffFields } from "./fields.js";
import { diffPacks } from "./packs.js";
import type { ChangeVerdict, DiffCounts, DiffResult, TargetDiff } from "./types.js";
import { nextVersion, overallVerdict, verdictOf } from "./verdict.js";
import type { WitnessOptions } from "./witness.js";

export interface DiffOptions extends WitnessOptions {
  /** Labels of the two sides in the report (default "base" and "head"). */
  base?: string;
  head?: string;
  /** Only these targets (default: every target of either side). */
  targets?: readonly string[];
  /** The version to bump (default: base's edict.yaml `version`, else head's). */
  lastVersion?: string;
  /** Example requests kept per list and target (default 10); totals count them all. */
  maxExamples?: number;
}

export const DEFAULT_MAX_EXAMPLES = 10;

/** The policy of a target that does not exist: no statements, no rules, default deny. */
export function emptyTargetMerge(target: string): TargetMerge {
  return {
    target,
    effective: { access: { Statement: [] }, runtime: {}, data: { rules: [], default_action: "deny" }, posture: {} },
    provenance: { access: {}, runtime: {}, data: {}, posture: {} },
    events: [],
    documents: [],
  };
}

/**
 * Compares one target's effective policies; `undefined` on a side where the target does not
 * exist (it is compared with an empty policy).
 */
export function diffTargetMerges(base: TargetMerge | undefined, head: TargetMerge | undefined, options: DiffOptions = {}): TargetDiff {
  const target = (head ?? base)?.target ?? "";
  const a = base ?? emptyTargetMerge(target);
  const b = head ?? emptyTargetMerge(target);
  const flips = compareAccess(a.effective.access, b.effective.access, options);
  const changes = [
    ...diffStatements(writtenStatements(a.effective.access, a.provenance.access), writtenStatements(b.effective.access, b.provenance.access), flips),
    ...diffFields("access", a.effective.access, b.effective.access, SPEC_SCHEMAS.AccessPolicy, { before: a.provenance.access, after: b.provenance.access }, ["Statement"]),
    ...diffFields("runtime", a.effective.runtime, b.effective.runtime, SPEC_SCHEMAS.RuntimePolicy, { before: a.provenance.runtime, after: b.provenance.runtime }),
    ...diffData(a.effective.data, b.effective.data),
    ...diffFields("posture", a.effective.posture, b.effective.posture, SPEC_SCHEMAS.PosturePolicy, { before: a.provenance.posture, after: b.provenance.posture }),
  ];
  const loosens = flips.newlyAllowed.length > 0 || flips.approvalChanges.some((f) => isLooserDecision(f.before, f.after));
  const tightens = flips.newlyDenied.length > 0 || flips.approvalChanges.some((f) => !isLooserDecision(f.before, f.after));
  const status = base && head ? "both" : base ? "removed" : "added";
  const verdicts: ChangeVerdict[] = [...changes.map((c) => c.verdict), verdictOf(loosens, tightens)];
  const max = options.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  return {
    target,
    status,
    verdict: overallVerdict(verdicts, changes.length > 0 || status !== "both"),
    changes,
    newlyAllowed: pickExamples(flips.newlyAllowed, max),
    newlyDenied: pickExamples(flips.newlyDenied, max),
    approvalChanges: pickExamples(flips.approvalChanges, max),
    newlyAllowedTotal: flips.newlyAllowed.length,
    newlyDeniedTotal: flips.newlyDenied.length,
    approvalChangesTotal: flips.approvalChanges.length,
    witnesses: flips.witnesses,
    witnessesTruncated: flips.truncated,
    ...(base ? { before: base.effective } : {}),
    ...(head ? { after: head.effective } : {}),
  };
}

function countsOf(targets: readonly TargetDiff[]): DiffCounts {
  const c: DiffCounts = { loosened: 0, tightened: 0, mixed: 0, neutral: 0, review: 0, newlyAllowed: 0, newlyDenied: 0, approvalChanges: 0 };
  for (const t of targets) {
    for (const ch of t.changes) {
      c[ch.verdict]++;
      if (ch.review) c.review++;
    }
    c.newlyAllowed += t.newlyAllowedTotal;
    c.newlyDenied += t.newlyDeniedTotal;
    c.approvalChanges += t.approvalChangesTotal;
  }
  return c;
}

function configVersion(repo: Repository): string | undefined {
  const v = repo.config?.value.version;
  return typeof v === "string" ? v : undefined;
}

/**
 * Diffs two repositories: every target of either side (or `options.targets`), every kind,
 * and the installed packs.
 *
 * @example
 * const result = diffRepositories(baseRepo, headRepo, { base: baseSha, head: headSha });
 * const body = renderDiffMarkdown(result);
 */
export function diffRepositories(base: Repository, head: Repository, options: DiffOptions = {}): DiffResult {
  const baseTargets = targetNames(base);
  const headTargets = targetNames(head);
  const all = [...new Set([...headTargets, ...baseTargets])];
  if (options.targets) {
    for (const t of options.targets) {
      if (!all.includes(t)) {
        const near = suggest(t, all);
        throw new EdictError("USAGE", `unknown target "${t}"${near ? `; did you mean "${near}"?` : ""} (targets: ${all.join(", ") || "none"})`);
      }
    }
  }
  const names = options.targets ? all.filter((t) => options.targets!.includes(t)) : all;
  const rankedBase = rankDocuments(base);
  const rankedHead = rankDocuments(head);
  const targets = names.map((t) =>
    diffTargetMerges(
      baseTargets.includes(t) ? buildTarget(base, t, rankedBase) : undefined,
      headTargets.includes(t) ? buildTarget(head, t, rankedHead) : undefined,
      options,
    ),
  );
  const packs = diffPacks(base, head);
  const verdict = overallVerdict(
    targets.map((t) => (t.verdict === "unchanged" ? "neutral" : t.verdict)),
    targets.some((t) => t.verdict !== "unchanged") || packs.length > 0,
  );
  const lastVersion = options.lastVersion ?? configVersion(base) ?? configVersion(head);
  return {
    base: options.base ?? "base",
    head: options.head ?? "head",
    verdict,
    ...(lastVersion !== undefined ? { lastVersion } : {}),
    nextVersion: nextVersion(lastVersion, verdict),
    targets,
    packs,
    counts: countsOf(targets),
  };
}
