/**
 * Release numbering of bundles: `serial` grows by one per published bundle, `version`
 * is semver bumped from the previous release by the semantic diff's verdict, and the release
 * tag is `<tag_prefix><version>`. Pure.
 */
import semver from "semver";
import type { DiffVerdict } from "../diff/types.js";
import { EdictError } from "../errors.js";

/** The semantic diff's verdict over all targets (`edict diff --format json`), which decides the bump. */
export type Verdict = DiffVerdict;
/** Every verdict, for `--verdict` and messages; the record makes the compiler check it lists them all. */
const ALL: Record<Verdict, true> = { loosened: true, tightened: true, mixed: true, review: true, neutral: true, unchanged: true };
export const VERDICTS = Object.keys(ALL) as readonly Verdict[];

export interface Release {
  version: string;
  serial: number;
}

/** The version of the first release when edict.yaml sets none. */
export const DEFAULT_VERSION = "0.1.0";
/** edict.yaml `bundle.tag_prefix` when unset. */
export const DEFAULT_TAG_PREFIX = "policy-v";

/**
 * Which part of the version a verdict bumps: tightened or mixed → major (some requests are now
 * denied, so callers may break), review → major too (the effect is unknown or unproven, so it
 * may break them), loosened → minor, neutral or unchanged → patch.
 */
export function bumpFor(verdict: Verdict): "major" | "minor" | "patch" {
  switch (verdict) {
    case "tightened":
    case "mixed":
    case "review":
      return "major";
    case "loosened":
      return "minor";
    case "neutral":
    case "unchanged":
      return "patch";
    default:
      throw new TypeError(`unknown verdict ${JSON.stringify(verdict)}; expected one of ${VERDICTS.join(", ")}`);
  }
}

/**
 * The version of the next release, the one rule `edict bundle build`, `edict diff` and the
 * Action's check all number releases by: after a previous release, its version bumped by the
 * verdict (`bumpFor`); without one, the first release is edict.yaml's `version` (default
 * "0.1.0") whatever the verdict. null when the version it would start from is not semver.
 *
 * @example
 * releaseVersion("1.4.2", "loosened");            // "1.5.0"
 * releaseVersion(undefined, "tightened", "2.0.0"); // "2.0.0": the first release
 * releaseVersion(undefined, "tightened");          // "0.1.0"
 */
export function releaseVersion(previous: string | undefined, verdict: Verdict, configVersion?: string): string | null {
  const bump = bumpFor(verdict);
  if (previous === undefined) {
    const first = configVersion ?? DEFAULT_VERSION;
    return semver.valid(first) === first ? first : null;
  }
  return semver.valid(previous) === previous ? semver.inc(previous, bump) : null;
}

/**
 * The newest release among git tags `<prefix><semver>` (prefix "" takes every semver tag), by
 * semver order; undefined when there is none.
 *
 * @example latestTaggedVersion(["policy-v0.9.0", "policy-v0.10.0", "v2.0.0"], "policy-v") // "0.10.0"
 */
export function latestTaggedVersion(tags: Iterable<string>, prefix: string): string | undefined {
  let latest: string | undefined;
  for (const tag of tags) {
    if (!tag.startsWith(prefix)) continue;
    const version = tag.slice(prefix.length);
    if (semver.valid(version) !== version) continue;
    if (latest === undefined || semver.gt(version, latest)) latest = version;
  }
  return latest;
}

/**
 * The next release after `previous` (see `releaseVersion`). Without a previous release: serial
 * 1 and edict.yaml's `version` (default "0.1.0"); `configVersion` is ignored once a release
 * exists, because the released line continues from its own version.
 *
 * @example nextRelease({ version: "1.4.2", serial: 7 }, "loosened") // { version: "1.5.0", serial: 8 }
 */
export function nextRelease(previous: Release | undefined, verdict: Verdict, configVersion?: string): Release {
  const version = releaseVersion(previous?.version, verdict, configVersion);
  if (previous === undefined) {
    if (version === null) {
      throw new EdictError("CONFIG_ERROR", `version ${JSON.stringify(configVersion)} is not a semantic version like "0.1.0"`, { position: { file: "edict.yaml" } });
    }
    return { version, serial: 1 };
  }
  if (!Number.isSafeInteger(previous.serial) || previous.serial < 1) throw new TypeError(`previous serial must be a positive integer, got ${previous.serial}`);
  if (version === null) throw new TypeError(`previous version ${JSON.stringify(previous.version)} is not a semantic version`);
  return { version, serial: previous.serial + 1 };
}

/** The git tag of a release: `prefix + version` (default prefix "policy-v"). */
export function releaseTag(prefix: string | undefined, version: string): string {
  return `${prefix ?? DEFAULT_TAG_PREFIX}${version}`;
}
