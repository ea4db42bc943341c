/** Shapes of the semantic diff (SPEC §5, Appendix A). */
import type { AccessDecisionKind, ContextScalar } from "../policy/eval/access/index.js";
import type { EffectiveTarget, Provenance } from "../policy/effective.js";
import type { KindKey } from "../policy/merge/index.js";

/** What one change does to decisions. `mixed`: it both loosens and tightens (an allowlist entry swapped). */
export type ChangeVerdict = "loosened" | "tightened" | "mixed" | "neutral";

/** The verdict of a target or of the whole diff. */
export type DiffVerdict = "unchanged" | "neutral" | "loosened" | "tightened" | "mixed";

/** field: an effective leaf; statement: an AccessPolicy statement; rule: a DataPolicy rule. */
export type ChangeSubject = "field" | "statement" | "rule";

export type ChangeType = "added" | "removed" | "changed" | "moved";

export interface Change {
  kind: KindKey;
  /**
   * Dotted path inside the effective policy of the kind: `ResourceLimits.MaxTokens`,
   * `Statement[prod_access:DenyDestructive]` (policy id and Sid, or `#n` without a Sid),
   * `rules.mask_pii.action`.
   */
  path: string;
  subject: ChangeSubject;
  change: ChangeType;
  verdict: ChangeVerdict;
  /** Security-relevant but not orderable (x-looser `review`): the verdict is neutral, renderers flag it. */
  review: boolean;
  /** undefined when absent on that side. */
  before: unknown;
  after: unknown;
  /** The documents that set the value on each side (empty when absent). */
  source: { before: Provenance[]; after: Provenance[] };
  /** A few words on why the verdict is what it is ("limit raised", "3 newly allowed requests"). */
  note?: string;
}

/** Context of a witness request: keys left out are absent. */
export type WitnessContext = Record<string, ContextScalar | ContextScalar[]>;

export interface WitnessRequest {
  action: string;
  resource: string;
  context: WitnessContext;
}

/** A witness request whose decision differs between base and head. */
export interface DecisionChange extends WitnessRequest {
  before: AccessDecisionKind;
  after: AccessDecisionKind;
}

/**
 * The witness evaluation of one target's access policies. Lists are complete (not capped).
 *
 * - `newlyAllowed`: the decision became `allow` (from `deny` or `approval_required`);
 * - `newlyDenied`: the decision was `allow` and is no longer (`deny` or `approval_required`);
 * - `approvalChanges`: `deny` ↔ `approval_required`, neither side allowed outright; from deny
 *   it loosens (now possible with approval), to deny it tightens.
 */
export interface AccessComparison {
  witnesses: number;
  /** True when the witness set hit its cap and some combinations were not tried. */
  truncated: boolean;
  newlyAllowed: DecisionChange[];
  newlyDenied: DecisionChange[];
  approvalChanges: DecisionChange[];
}

export interface TargetDiff {
  target: string;
  /** `added`/`removed`: the target exists on one side only (compared with an empty policy). */
  status: "both" | "added" | "removed";
  verdict: DiffVerdict;
  changes: Change[];
  /** Examples, at most `maxExamples` each; the totals count them all. */
  newlyAllowed: DecisionChange[];
  newlyDenied: DecisionChange[];
  approvalChanges: DecisionChange[];
  newlyAllowedTotal: number;
  newlyDeniedTotal: number;
  approvalChangesTotal: number;
  witnesses: number;
  witnessesTruncated: boolean;
  /** The effective policies compared (absent on the side where the target does not exist). */
  before?: EffectiveTarget;
  after?: EffectiveTarget;
}

export type PackChangeType = "installed" | "removed" | "upgraded" | "downgraded" | "modified";

export interface PackChange {
  name: string;
  change: PackChangeType;
  /** Installed version on each side; undefined where the pack is not installed. */
  before?: string;
  after?: string;
}

export interface DiffCounts {
  loosened: number;
  tightened: number;
  mixed: number;
  neutral: number;
  review: number;
  newlyAllowed: number;
  newlyDenied: number;
  approvalChanges: number;
}

export interface DiffResult {
  /** Labels of the two sides (commit ids, or "working-tree"). */
  base: string;
  head: string;
  verdict: DiffVerdict;
  /** The version the comparison was bumped from, when known. */
  lastVersion?: string;
  /** `lastVersion` bumped by the verdict; null when there is no valid last version. */
  nextVersion: string | null;
  targets: TargetDiff[];
  packs: PackChange[];
  counts: DiffCounts;
}
