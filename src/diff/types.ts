/** Shapes of the semantic diff. */
import type { AccessDecisionKind, ContextScalar } from "../engine/access/index.js";
import type { DataRequest } from "../engine/data/index.js";
import type { DataAction } from "../engine/vocabulary.js";
import type { EffectiveTarget, Provenance } from "../engine/effective.js";
import type { KindKey } from "../model/merge/index.js";

/**
 * What one change does to decisions. `mixed`: it both loosens and tightens (an allowlist entry
 * swapped). `review`: its effect could not be ordered or proven (a field with no looser
 * direction, such as an approver role, or an analysis cut short by its budget): a person must
 * judge it. It is never reported as neutral.
 */
export type ChangeVerdict = "loosened" | "tightened" | "mixed" | "review" | "neutral";

/** The verdict of a target or of the whole diff. */
export type DiffVerdict = "unchanged" | "neutral" | "review" | "loosened" | "tightened" | "mixed";

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
  /** The verdict is `review`: security-relevant but not orderable (x-looser `review`), or not proven. */
  review: boolean;
  /** undefined when absent on that side. */
  before: unknown;
  after: unknown;
  /** The documents that set the value on each side (empty when absent). */
  source: { before: Provenance[]; after: Provenance[] };
  /** A few words on why the verdict is what it is ("limit raised", "3 newly allowed requests"). */
  note?: string;
  /**
   * A Deny removed or narrowed that changes no decision today ("guardrail removed — no
   * decision changes now"): neutral, but shown, because it no longer guards what it did.
   */
  guardrail?: "removed" | "narrowed";
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

/** A data request whose decision's action differs between base and head. */
export interface DataDecisionChange {
  request: DataRequest;
  /** The evaluation time (ISO-8601, UTC) that `time` windows see. */
  now: string;
  before: DataAction;
  after: DataAction;
}

/** A tool call (`checkTool(uri)`, no facts) allowed on one side and refused on the other. */
export interface ToolDecisionChange {
  uri: string;
  before: "allowed" | "denied";
  after: "allowed" | "denied";
}

/**
 * A set of requests whose decision flips the same way, described per dimension for people:
 * `where` maps a dimension (`actions`, `resource`, `condition`; `dataset`, `fields`,
 * `requester`, `time`…; `tool`) to a phrase such as "db://production/users", "any resource
 * matching `db://*​/users` and `db://production/*`", "source.ip in 10.0.0.0/8" or
 * "no principal.role". Every request of the region flips from `before` to `after`; `example` is
 * one of them.
 */
export interface Region {
  kind: "access" | "data" | "tool";
  verdict: "loosened" | "tightened";
  before: string;
  after: string;
  where: Record<string, string>;
  /** How many enumerated cells the region groups. */
  cells: number;
  example: WitnessRequest | { request: DataRequest; now: string } | { uri: string };
}

/**
 * How far the comparison of a target got. `proven` is true only when every region (cell of
 * the request space where a changed statement, rule or allowlist entry applies) was evaluated
 * on both sides; otherwise a verdict of "no change" would be unfounded and the target is
 * `review` ("not proven: checked of total regions checked").
 */
export interface ProofStatus {
  proven: boolean;
  checked: number;
  /** The regions enumerated; when `complete` is false the enumeration itself was cut and there are more. */
  total: number;
  complete: boolean;
  /** Why it is not proven (budget, an unsupported operator mix…), when it is not. */
  reasons: string[];
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
  /** True when the comparison is not proven (see `proof`). */
  truncated: boolean;
  newlyAllowed: DecisionChange[];
  newlyDenied: DecisionChange[];
  approvalChanges: DecisionChange[];
  regions: Region[];
  proof: ProofStatus;
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
  /** Data decisions whose action changed (examples, at most `maxExamples`), and their total. */
  dataChanges: DataDecisionChange[];
  dataChangesTotal: number;
  /** Tool calls allowed on one side only (examples), and their total. */
  toolChanges: ToolDecisionChange[];
  toolChangesTotal: number;
  /** Every flip, grouped into readable regions (all of them, not capped). */
  regions: Region[];
  /** Whether every region was checked (access, data and tools together). */
  proof: ProofStatus;
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
  /** Data requests whose action changed, and tool calls allowed on one side only. */
  dataChanges: number;
  toolChanges: number;
}

export interface DiffResult {
  /** Labels of the two sides (commit ids, or "working-tree"). */
  base: string;
  head: string;
  verdict: DiffVerdict;
  /** The version of the previous release, which the verdict bumps; absent before the first release. */
  lastVersion?: string;
  /**
   * The version merging would release (`releaseVersion`): `lastVersion` bumped by the verdict,
   * or, before the first release, head's edict.yaml `version` (default 0.1.0). null when that
   * is not a semantic version.
   */
  nextVersion: string | null;
  targets: TargetDiff[];
  packs: PackChange[];
  counts: DiffCounts;
}
