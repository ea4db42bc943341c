/**
 * Releases as the Action sees them: tags `<tag_prefix><semver>`, each carrying
 * `<name>.bundle.json` and its `.sha256`. Finding the previous release, reading its bundle
 * (verified with the signing key), and putting assets up idempotently: a re-run for the same
 * bundle changes nothing, and a release that holds different bytes is never overwritten.
 */
import semver from "semver";
import { bytesEqual, utf8Encode } from "../bundle/bytes.js";
import { blake3Hex } from "../bundle/digest-blake3.js";
import type { PublicKey } from "../bundle/keys.js";
import type { BundlePayload } from "../bundle/payload.js";
import { verifyBundle } from "../bundle/verify.js";
import { DEFAULT_TAG_PREFIX } from "../bundle/version.js";
import { EdictError } from "../errors.js";
import type { Repository } from "../model/repository.js";
import { createDraftRelease, deleteReleaseAsset, downloadReleaseAsset, failedAfterRetry, getRelease, getReleaseByTag, publishRelease, uploadReleaseAsset } from "./github.js";
import type { NewRelease, Octokit, ReleaseAsset, ReleaseInfo, RepoRef } from "./github.js";
import type { ActionInputs } from "./inputs.js";

/** A bundle is far below this; a bigger asset is not a bundle and is not read whole. */
export const MAX_ASSET_BYTES = 16 * 1024 * 1024;
export const DOWNLOAD_TIMEOUT_MS = 60_000;
const LIMITS = { maxBytes: MAX_ASSET_BYTES, timeoutMs: DOWNLOAD_TIMEOUT_MS };

export interface ReleaseFile {
  name: string;
  bytes: Uint8Array;
  contentType: string;
  /**
   * Made from the other files (the report page): a published release whose copy differs, or
   * lacks it, is not a conflict, and is left as it is (a release is never changed once published).
   */
  derived?: boolean;
}

/** The two assets of a bundle release, with the content types GitHub serves them with. */
export function releaseFiles(names: { bundle: string; checksum: string }, bundleBytes: Uint8Array, checksumText: string): ReleaseFile[] {
  return [
    { name: names.bundle, bytes: bundleBytes, contentType: "application/json" },
    { name: names.checksum, bytes: utf8Encode(checksumText), contentType: "text/plain" },
  ];
}

/** The tag prefix: the input, else edict.yaml's `bundle.tag_prefix`, else "policy-v". */
export function tagPrefixOf(inputs: Pick<ActionInputs, "tagPrefix">, repo: Repository | undefined): string {
  if (inputs.tagPrefix !== undefined) return inputs.tagPrefix;
  const configured = repo?.config?.value.bundle?.tag_prefix;
  return configured !== undefined && configured !== "" ? configured : DEFAULT_TAG_PREFIX;
}

export interface ReleaseCandidate {
  release: ReleaseInfo;
  version: string;
}

/** Releases whose tag is `prefix` + a semantic version, newest version first. */
export function releaseCandidates(releases: readonly ReleaseInfo[], prefix: string): ReleaseCandidate[] {
  const out: ReleaseCandidate[] = [];
  for (const release of releases) {
    if (!release.tag.startsWith(prefix)) continue;
    const version = release.tag.slice(prefix.length);
    if (semver.valid(version) !== version) continue;
    out.push({ release, version });
  }
  return out.sort((a, b) => semver.rcompare(a.version, b.version));
}

export interface ReleasedBundle {
  release: ReleaseInfo;
  bytes: Uint8Array;
  payload: BundlePayload;
  sha256: string;
}

/**
 * Downloads and verifies a release's bundle (signature by one of `trustedKeys`, digests, name;
 * expiry is not checked: an expired release still numbers the next one). Undefined when the
 * release has no such asset.
 */
export async function readReleasedBundle(
  octokit: Octokit,
  ref: RepoRef,
  release: ReleaseInfo,
  assetName: string,
  trust: { keys: readonly PublicKey[]; name: string },
): Promise<ReleasedBundle | undefined> {
  const asset = release.assets.find((a) => a.name === assetName);
  if (!asset) return undefined;
  const bytes = await downloadReleaseAsset(octokit, ref, asset, LIMITS);
  try {
    const verified = verifyBundle(bytes, { trustedKeys: trust.keys, expectedName: trust.name, allowExpired: true, blake3: blake3Hex });
    return { release, bytes, payload: verified.payload, sha256: verified.sha256 };
  } catch (e) {
    throw new EdictError(
      "CONFIG_ERROR",
      `the bundle of release ${release.tag} does not verify with the signing key (${(e as { code?: string }).code ?? "error"}: ${(e as Error).message}); ` +
        "was it signed with another key? Publish needs the previous release to continue its serial and version",
      { cause: e },
    );
  }
}

async function sameBytes(octokit: Octokit, ref: RepoRef, asset: ReleaseAsset, file: ReleaseFile): Promise<boolean> {
  if (asset.size !== file.bytes.length) return false;
  return bytesEqual(await downloadReleaseAsset(octokit, ref, asset, LIMITS), file.bytes);
}

/** Names of `files` that the release lacks or holds with other bytes. */
export async function differingAssets(octokit: Octokit, ref: RepoRef, release: ReleaseInfo, files: readonly ReleaseFile[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    const asset = release.assets.find((a) => a.name === f.name);
    if (!asset || !(await sameBytes(octokit, ref, asset, f))) out.push(f.name);
  }
  return out;
}

/**
 * Uploads `file` to the draft. A retried upload that GitHub refuses because the name is taken
 * (422) was stored by an earlier attempt whose answer was lost: kept when its bytes are these
 * (other bytes stay an error; a re-run replaces them, as resuming a draft does).
 */
async function uploadFile(octokit: Octokit, ref: RepoRef, release: ReleaseInfo, file: ReleaseFile): Promise<ReleaseAsset> {
  try {
    return await uploadReleaseAsset(octokit, release, file);
  } catch (e) {
    if (!failedAfterRetry(e, 422)) throw e;
    const stored = (await getRelease(octokit, ref, release.id)).assets.find((a) => a.name === file.name);
    if (stored && (await sameBytes(octokit, ref, stored, file))) return stored;
    throw e;
  }
}

export type PublishAction = "created" | "resumed" | "unchanged";

/**
 * Publishes `files` as the release `spec.tag`, idempotently:
 * - a published release with that tag and the same bytes: nothing to do;
 * - a published release with that tag and other bytes: an error (a release is never rewritten);
 * - a draft with that tag (a run that stopped half-way): its assets are completed and it is published;
 * - otherwise a draft is created, both assets uploaded, then it is published.
 */
export async function publishBundleRelease(
  octokit: Octokit,
  ref: RepoRef,
  spec: NewRelease,
  files: readonly ReleaseFile[],
  known: readonly ReleaseInfo[],
  log: (line: string) => void,
): Promise<{ release: ReleaseInfo; action: PublishAction }> {
  const existing = await getReleaseByTag(octokit, ref, spec.tag);
  if (existing && !existing.draft) {
    const differing = await differingAssets(octokit, ref, existing, files.filter((f) => !f.derived));
    if (differing.length === 0) {
      log(`release ${spec.tag} already exists with identical assets: nothing to do`);
      return { release: existing, action: "unchanged" };
    }
    // a published release is immutable: other bytes under the same tag are a conflict, never an overwrite
    throw new EdictError(
      "RELEASE_CONFLICT",
      `release ${spec.tag} already exists, and its ${differing.join(" and ")} differ from this build; a published release is never replaced. ` +
        "Was the same version built from other content or with another key? Delete the release and its tag to publish again",
    );
  }
  const draft = known.find((r) => r.draft && r.tag === spec.tag);
  const release = draft ?? (await createDraftRelease(octokit, ref, spec));
  log(draft ? `completing draft release ${spec.tag} left by an earlier run` : `created draft release ${spec.tag}`);
  for (const f of files) {
    const asset = release.assets.find((a) => a.name === f.name);
    if (asset) {
      if (await sameBytes(octokit, ref, asset, f)) continue;
      await deleteReleaseAsset(octokit, ref, asset.id);
    }
    const uploaded = await uploadFile(octokit, ref, release, f);
    log(`uploaded ${uploaded.name} (${uploaded.size} bytes)`);
  }
  const published = await publishRelease(octokit, ref, release);
  log(`published release ${published.tag}: ${published.htmlUrl}`);
  return { release: published, action: draft ? "resumed" : "created" };
}
