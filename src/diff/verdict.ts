/** Combining change verdicts and bumping the release version. */
import { releaseVersion } from "../bundle/version.js";
import type { ChangeVerdict, DiffVerdict, ProofStatus, TargetDiff } from "./types.js";

/**
 * The verdict of two facts together: loosened + tightened = mixed; review (an effect that could
 * not be ordered or proven) outweighs neutral but not a known loosening or tightening, which
 * the counts still flag; neutral adds nothing.
 */
export function combineVerdicts(a: ChangeVerdict, b: ChangeVerdict): ChangeVerdict {
  if (a === b) return a;
  if (a === "neutral") return b;
  if (b === "neutral") return a;
  if (a === "review") return b;
  if (b === "review") return a;
  return "mixed";
}

/** From "does it loosen / does it tighten". */
export function verdictOf(loosens: boolean, tightens: boolean): ChangeVerdict {
  return loosens ? (tightens ? "mixed" : "loosened") : tightens ? "tightened" : "neutral";
}

/** The verdict of a set of changes; `unchanged` when there are none. */
export function overallVerdict(verdicts: Iterable<ChangeVerdict>, anyChange: boolean): DiffVerdict {
  let v: ChangeVerdict = "neutral";
  for (const x of verdicts) v = combineVerdicts(v, x);
  return !anyChange && v === "neutral" ? "unchanged" : v;
}

/** Whether a verdict includes loosening (what `--fail-on loosened` fails on). */
export function isLoosening(v: DiffVerdict | ChangeVerdict): boolean {
  return v === "loosened" || v === "mixed";
}

/** Whether a verdict includes tightening. */
export function isTightening(v: DiffVerdict | ChangeVerdict): boolean {
  return v === "tightened" || v === "mixed";
}

/**
 * The release after `last`, bumped as releases are (`releaseVersion`): tightened, mixed or
 * review → major, loosened → minor, anything else → patch. null when `last` is missing or not
 * semver (the first release takes edict.yaml's version instead: see `releaseVersion`).
 *
 * @example
 * nextVersion("1.4.2", "loosened"); // "1.5.0"
 */
export function nextVersion(last: string | undefined, verdict: DiffVerdict): string | null {
  return last === undefined ? null : releaseVersion(last, verdict);
}

/** "not proven: 1,200 of 5,000+ regions checked (budget: …)". */
export function notProvenNote(proof: ProofStatus): string {
  const total = `${proof.total.toLocaleString("en-US")}${proof.complete ? "" : "+"}`;
  const why = proof.reasons.length > 0 ? ` (${proof.reasons.slice(0, 2).join("; ")})` : "";
  return `not proven: ${proof.checked.toLocaleString("en-US")} of ${total} regions checked${why}`;
}

/** The verdict of a whole diff from its targets' (and whether anything else, such as packs, changed). */
export function verdictOfTargets(targets: readonly TargetDiff[], otherChanges = false): DiffVerdict {
  return overallVerdict(
    targets.map((t) => (t.verdict === "unchanged" ? "neutral" : t.verdict)),
    targets.some((t) => t.verdict !== "unchanged") || otherChanges,
  );
}
