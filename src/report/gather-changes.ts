/**
 * The report's Changes section data: the semantic diff from a previous release bundle to the
 * repository, target by target, as publish mode judges the version bump (the previous side is
 * what the bundle carries, not a git commit). Pure: the caller reads the bundle file.
 */
import { fromBase64Either } from "../bundle/base64.js";
import { parseEnvelope } from "../bundle/dsse.js";
import type { PublicKey } from "../bundle/keys.js";
import type { BundlePayload, InstalledPackRef } from "../bundle/payload.js";
import { readPayload } from "../bundle/payload-read.js";
import { releaseVersion } from "../bundle/version.js";
import { checkPayloadType, checkSize, verifyBundle } from "../bundle/verify.js";
import { formatError } from "../bundle/verify-checks.js";
import { countsOf, diffEffectiveTargets, diffInstalledPacks, verdictOfTargets } from "../diff/index.js";
import type { DiffOptions } from "../diff/index.js";
import type { DiffResult } from "../diff/types.js";
import { EdictError } from "../errors.js";
import type { TargetMerge } from "../model/merge/index.js";
import { suggest } from "../model/suggest.js";
import type { ReportChanges } from "./types.js";

export interface GatherChangesOptions {
  /** Pinned public keys: the previous bundle must verify under them (its expiry aside). Without them it is read unverified. */
  trustedKeys?: ReadonlyArray<PublicKey | string | Uint8Array>;
  /** Only these targets (default: every target of either side). */
  targets?: readonly string[];
  /** The head side's label: the revision, or "working tree" (the default) when there are uncommitted changes. */
  head?: string;
  /** The repository's installed packs (`installedPacksOf(repo.packState?.value)`), to list pack changes since the release. */
  headPacks?: readonly InstalledPackRef[];
  /** edict.yaml's `version`, used only when the previous bundle's version is not semver. */
  configVersion?: string;
  /** Passed to the per-target comparison (budgets, examples kept). */
  diff?: Pick<DiffOptions, "maxExamples" | "maxRegions">;
}

/**
 * A previous bundle's payload read without trusting it: the same envelope and payload checks as
 * verification (size, strict JSON, payload type, canonical v1 payload), no signature check.
 */
function readUnverified(bytes: Uint8Array): BundlePayload {
  checkSize(bytes);
  const envelope = parseEnvelope(bytes);
  checkPayloadType(envelope);
  let payloadBytes: Uint8Array;
  try {
    payloadBytes = fromBase64Either(envelope.payload);
  } catch (e) {
    throw formatError(`envelope payload is not base64: ${(e as Error).message}`, e);
  }
  return readPayload(payloadBytes).payload;
}

function packMap(refs: readonly InstalledPackRef[]): Map<string, { version: string; pack_checksum?: string }> {
  return new Map(refs.map((p) => [p.name, { version: p.version, ...(p.checksum !== null ? { pack_checksum: p.checksum } : {}) }]));
}

/** The target names compared: head's order first, then those only the release has; `targets` must name one of them. */
function namesOf(previous: BundlePayload, head: readonly TargetMerge[], targets: readonly string[] | undefined): string[] {
  const all = [...new Set([...head.map((m) => m.target), ...Object.keys(previous.targets).sort()])];
  if (!targets) return all;
  for (const t of targets) {
    if (!all.includes(t)) {
      const near = suggest(t, all);
      throw new EdictError("USAGE", `unknown target "${t}"${near ? `; did you mean "${near}"?` : ""} (targets of the repository and the previous release: ${all.join(", ") || "none"})`);
    }
  }
  return all.filter((t) => targets.includes(t));
}

/**
 * Reads the previous release bundle and diffs each target's effective policy in it against the
 * repository's (`headMerges`). With `trustedKeys` the bundle must verify (an expired one is
 * accepted: it is the past release); without, it is read unverified and marked so. A malformed
 * bundle throws its BundleError (FORMAT_ERROR, PAYLOAD_TYPE_ERROR…), a bad signature
 * SIGNATURE_ERROR or UNTRUSTED_KEY.
 *
 * @example
 * const changes = gatherChanges(await readFile(path), basename(path), merges, { trustedKeys: [pem], head: revision });
 */
export function gatherChanges(previousBytes: Uint8Array, file: string, headMerges: readonly TargetMerge[], options: GatherChangesOptions = {}): ReportChanges {
  const trusted = options.trustedKeys !== undefined && options.trustedKeys.length > 0;
  const verified = trusted ? verifyBundle(previousBytes, { trustedKeys: options.trustedKeys!, allowExpired: true }) : undefined;
  const payload = verified ? verified.payload : readUnverified(previousBytes);

  // as publish judges it: both sides as a bundle carries them, without merge provenance, so
  // statements desugared from workspace controls are compared alike on both sides
  const head = Object.fromEntries(headMerges.map((m) => [m.target, m.effective]));
  const targets = diffEffectiveTargets(payload.targets, head, namesOf(payload, headMerges, options.targets), options.diff ?? {});
  const packs = options.headPacks ? diffInstalledPacks(packMap(payload.installed_packs), packMap(options.headPacks)) : [];
  const verdict = verdictOfTargets(targets, packs.length > 0);
  const result: DiffResult = {
    base: `${payload.version} (serial ${payload.serial})`,
    head: options.head ?? "working tree",
    verdict,
    lastVersion: payload.version,
    nextVersion: releaseVersion(payload.version, verdict, options.configVersion),
    targets,
    packs,
    counts: countsOf(targets),
  };
  return {
    previous: {
      version: payload.version,
      serial: payload.serial,
      revision: payload.revision,
      file,
      verified: verified !== undefined,
      ...(verified ? { keyids: verified.keyids } : {}),
    },
    result,
  };
}
