/**
 * The semantic diff between effective targets as a bundle carries them (no merge provenance),
 * target by target: how publish judges the version bump against the previous release, and what
 * the report's Changes section shows. The previous side needs no git commit, only the payload.
 */
import { canonicalJson } from "../bundle/canonical-json.js";
import type { EffectiveTarget } from "../engine/effective.js";
import { diffTargetMerges, emptyTargetMerge } from "./diff.js";
import type { DiffOptions } from "./diff.js";
import type { TargetDiff } from "./types.js";

/** Both sides as plain JSON, so only real differences count, not object identity or undefined fields. */
function asMerge(target: string, effective: EffectiveTarget) {
  return { ...emptyTargetMerge(target), effective: JSON.parse(canonicalJson(effective)) as EffectiveTarget };
}

/** Diffs `names` (a target missing on one side is compared with an empty policy). */
export function diffEffectiveTargets(
  before: Readonly<Record<string, EffectiveTarget>>,
  after: Readonly<Record<string, EffectiveTarget>>,
  names: readonly string[],
  options: DiffOptions = {},
): TargetDiff[] {
  return names.map((n) =>
    diffTargetMerges(Object.hasOwn(before, n) ? asMerge(n, before[n]!) : undefined, Object.hasOwn(after, n) ? asMerge(n, after[n]!) : undefined, options),
  );
}
