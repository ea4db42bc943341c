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
 * The next release after `previous`. Without a previous release: serial 1 and edict.yaml's
 * `version` (default "0.1.0"); `configVersion` is ignored once a release exists, because the
 * released line continues from its own version.
 *
 * @example nextRelease({ version: "1.4.2", serial: 7 }, "loosened") // { version: "1.5.0", serial: 8 }
 */
export function nextRelease(previous: Release | undefined, verdict: Verdict, configVersion?: string): Release {
  const bump = bumpFor(verdict);
  if (previous === undefined) {
    const version = configVersion ?? DEFAULT_VERSION;
    if (semver.valid(version) !== version) {
      throw new EdictError("CONFIG_ERROR", `version ${JSON.stringify(version)} is not a semantic version like "0.1.0"`, { position: { file: "edict.yaml" } });
    }
    return { version, serial: 1 };
  }
  if (!Number.isSafeInteger(previous.serial) || previous.serial < 1) throw new TypeError(`previous serial must be a positive integer, got ${previous.serial}`);
  const version = semver.valid(previous.version) === previous.version ? semver.inc(previous.version, bump) : null;
  if (version === null) throw new TypeError(`previous version ${JSON.stringify(previous.version)} is not a semantic version`);
  return { version, serial: previous.serial + 1 };
}

/** The git tag of a release: `prefix + version` (default prefix "policy-v"). */
export function releaseTag(prefix: string | undefined, version: string): string {
  return `${prefix ?? DEFAULT_TAG_PREFIX}${version}`;
}
