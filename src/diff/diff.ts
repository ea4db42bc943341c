/** The semantic diff of two policy repositories, per target and kind. Pure. */
import { releaseVersion } from "../bundle/version.js";
import { EdictError } from "../errors.js";
import { buildTarget, rankDocuments, targetNames } from "../model/merge/index.js";
import type { TargetMerge } from "../model/merge/index.js";
import type { Repository } from "../model/repository.js";
import { SPEC_SCHEMAS } from "../model/schemas/policy.js";
import { suggest } from "../model/suggest.js";
import { compareAccess, diffStatements, isLooserDecision, pickExamples, writtenStatements } from "./access.js";
import type { AccessRegionOptions } from "./access-regions.js";
import { diffData } from "./data.js";
import { diffLocks } from "./locks.js";
import { compareData, isLooserAction } from "./data-regions.js";
import { diffFields } from "./fields.js";
import { diffPacks } from "./packs.js";
import { compareTools } from "./tool-regions.js";
import type { Change, ChangeVerdict, DiffCounts, DiffResult, ProofStatus, TargetDiff } from "./types.js";
import { notProvenNote, overallVerdict, verdictOf, verdictOfTargets } from "./verdict.js";

export interface DiffOptions extends AccessRegionOptions {
  /** Labels of the two sides in the report (default "base" and "head"). */
  base?: string;
  head?: string;
  /** Only these targets (default: every target of either side). */
  targets?: readonly string[];
  /**
   * The version of the previous release (a release tag), which the verdict bumps. Without it
   * the change would make the first release: head's edict.yaml `version`, default 0.1.0,
   * whatever the verdict, as `edict bundle build` numbers it.
   */
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
  const tools = compareTools(a.effective.runtime, b.effective.runtime);
  const data = compareData(a.effective.data, b.effective.data, options);
  const changes = [
    ...diffStatements(writtenStatements(a.effective.access, a.provenance.access), writtenStatements(b.effective.access, b.provenance.access), flips),
    ...diffFields("access", a.effective.access, b.effective.access, SPEC_SCHEMAS.AccessPolicy, { before: a.provenance.access, after: b.provenance.access }, ["Statement"]),
    ...diffFields("runtime", a.effective.runtime, b.effective.runtime, SPEC_SCHEMAS.RuntimePolicy, { before: a.provenance.runtime, after: b.provenance.runtime }),
    ...diffData(a.effective.data, b.effective.data, data),
    ...diffFields("posture", a.effective.posture, b.effective.posture, SPEC_SCHEMAS.PosturePolicy, { before: a.provenance.posture, after: b.provenance.posture }),
    ...diffLocks(a.effective, b.effective),
  ];
  // Approval patterns decide allow vs approval_required, which the comparison sees exactly.
  const approvalFlips = [...flips.newlyDenied, ...flips.approvalChanges, ...flips.newlyAllowed].filter((f) => f.before === "approval_required" || f.after === "approval_required");
  for (const c of changes) {
    if (c.kind !== "access" || c.path !== "RequireApproval.Actions") continue;
    const loosen = approvalFlips.some((f) => isLooserDecision(f.before, f.after));
    const tighten = approvalFlips.some((f) => !isLooserDecision(f.before, f.after));
    c.verdict = !flips.proof.proven && !loosen && !tighten ? "review" : verdictOf(loosen, tighten);
    c.note = loosen || tighten ? `${approvalFlips.length} request${approvalFlips.length === 1 ? "" : "s"} change approval` : flips.proof.proven ? "no decision changes" : notProvenNote(flips.proof);
  }
  const dataChanges = data.changes;
  const loosens =
    flips.newlyAllowed.length > 0 ||
    flips.approvalChanges.some((f) => isLooserDecision(f.before, f.after)) ||
    dataChanges.some((d) => isLooserAction(d.before, d.after)) ||
    tools.changes.some((t) => t.after === "allowed");
  const tightens =
    flips.newlyDenied.length > 0 ||
    flips.approvalChanges.some((f) => !isLooserDecision(f.before, f.after)) ||
    dataChanges.some((d) => !isLooserAction(d.before, d.after)) ||
    tools.changes.some((t) => t.after === "denied");
  const proof = joinProofs([flips.proof, data.proof, tools.proof]);
  const status = base && head ? "both" : base ? "removed" : "added";
  const verdicts: ChangeVerdict[] = [...changes.map((c) => c.verdict), verdictOf(loosens, tightens)];
  if (!proof.proven) verdicts.push("review");
  const max = options.maxExamples ?? DEFAULT_MAX_EXAMPLES;
  return {
    target,
    status,
    verdict: overallVerdict(verdicts, changes.length > 0 || status !== "both" || !proof.proven),
    changes: proof.proven || changes.some((c) => c.verdict === "review") ? changes : [...changes, notProvenChange(proof)],
    newlyAllowed: pickExamples(flips.newlyAllowed, max),
    newlyDenied: pickExamples(flips.newlyDenied, max),
    approvalChanges: pickExamples(flips.approvalChanges, max),
    newlyAllowedTotal: flips.newlyAllowed.length,
    newlyDeniedTotal: flips.newlyDenied.length,
    approvalChangesTotal: flips.approvalChanges.length,
    witnesses: flips.witnesses,
    witnessesTruncated: !proof.proven,
    dataChanges: dataChanges.slice(0, max),
    dataChangesTotal: dataChanges.length,
    toolChanges: tools.changes.slice(0, max),
    toolChangesTotal: tools.changes.length,
    regions: [...flips.regions, ...data.regions, ...tools.regions],
    proof,
    ...(base ? { before: base.effective } : {}),
    ...(head ? { after: head.effective } : {}),
  };
}

/** One status for the parts of a target: proven only when every part is. */
function joinProofs(parts: readonly ProofStatus[]): ProofStatus {
  return {
    proven: parts.every((p) => p.proven),
    checked: parts.reduce((n, p) => n + p.checked, 0),
    total: parts.reduce((n, p) => n + p.total, 0),
    complete: parts.every((p) => p.complete),
    reasons: parts.flatMap((p) => p.reasons),
  };
}

/** The row that tells a reader the comparison stopped short: `review`, never neutral. */
function notProvenChange(proof: ProofStatus): Change {
  return {
    kind: "access",
    path: "(decisions)",
    subject: "field",
    change: "changed",
    verdict: "review",
    review: true,
    before: undefined,
    after: undefined,
    source: { before: [], after: [] },
    note: notProvenNote(proof),
  };
}

/** The totals of a diff's targets (exported for diffs built from targets, such as against a release bundle). */
export function countsOf(targets: readonly TargetDiff[]): DiffCounts {
  const c: DiffCounts = { loosened: 0, tightened: 0, mixed: 0, neutral: 0, review: 0, newlyAllowed: 0, newlyDenied: 0, approvalChanges: 0, dataChanges: 0, toolChanges: 0 };
  for (const t of targets) {
    for (const ch of t.changes) {
      if (ch.verdict !== "review") c[ch.verdict]++;
      if (ch.review || ch.verdict === "review") c.review++;
    }
    c.dataChanges += t.dataChangesTotal;
    c.toolChanges += t.toolChangesTotal;
    c.newlyAllowed += t.newlyAllowedTotal;
    c.newlyDenied += t.newlyDeniedTotal;
    c.approvalChanges += t.approvalChangesTotal;
  }
  return c;
}

function configVersion(repo: Repository): string | undefined {
  return repo.config?.value.version;
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
  const verdict = verdictOfTargets(targets, packs.length > 0);
  const lastVersion = options.lastVersion;
  return {
    base: options.base ?? "base",
    head: options.head ?? "head",
    verdict,
    ...(lastVersion !== undefined ? { lastVersion } : {}),
    nextVersion: releaseVersion(lastVersion, verdict, configVersion(head)),
    targets,
    packs,
    counts: countsOf(targets),
  };
}
