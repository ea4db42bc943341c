/**
 * `edict bundle verify --rebuild`: a signature proves who built a bundle, not that the build was
 * right. This rebuilds the effective policy from the git commit the bundle names and compares it
 * with what the bundle ships, which catches a stale or miscompiled bundle (a Deny shipped as an
 * Allow) even when it is validly signed. Node only (git); the loader never imports this.
 */
import { listTree, openGit, readTreeFiles, resolveCommit } from "../io/git.js";
import { buildAllTargets } from "../model/merge/index.js";
import { buildRepository } from "../model/repository.js";
import { canonicalJson } from "./canonical-json.js";
import { sha256Hex } from "./digest.js";
import { BundleIntegrityError } from "./errors.js";
import { digestTargets, installedPacksOf, toTargetsRecord } from "./payload-build.js";
import type { BundlePayload } from "./payload.js";

export interface RebuildResult {
  /** The full commit id rebuilt. */
  revision: string;
  /** How many source files were read and matched. */
  sources: number;
}

function mismatch(message: string): BundleIntegrityError {
  return new BundleIntegrityError("DIGEST_MISMATCH", message);
}

function listSome(items: readonly string[]): string {
  return items.slice(0, 5).join(", ") + (items.length > 5 ? ` and ${items.length - 5} more` : "");
}

/**
 * Rebuilds `payload` from the repository at `repoRoot` as of `payload.revision` and throws
 * DIGEST_MISMATCH when the file list, any file's SHA-256, the name, the installed packs or the
 * targets differ. A revision missing from the repository is an EdictError GIT_ERROR.
 * Verify the bundle's signature first: this trusts nothing but git.
 */
export async function verifyRebuild(payload: BundlePayload, repoRoot: string): Promise<RebuildResult> {
  const git = await openGit(repoRoot, "bundle");
  const revision = await resolveCommit(git, payload.revision);
  const short = payload.revision.slice(0, 12);

  // omission: a bundle that leaves a file out (say, the one with the Deny) must not pass
  const entries = await listTree(git, revision);
  const paths = entries.map((e) => e.path);
  const listed = new Set(payload.sources.map((s) => s.path));
  const inCommit = new Set(paths);
  const notInBundle = paths.filter((p) => !listed.has(p));
  const notInCommit = payload.sources.map((s) => s.path).filter((p) => !inCommit.has(p));
  if (notInBundle.length > 0 || notInCommit.length > 0) {
    const parts = [
      ...(notInBundle.length > 0 ? [`${short} has ${listSome(notInBundle)}, which the bundle does not list`] : []),
      ...(notInCommit.length > 0 ? [`the bundle lists ${listSome(notInCommit)}, which ${short} does not have`] : []),
    ];
    throw mismatch(`bundle sources differ from ${short}: ${parts.join("; ")}`);
  }

  const files = await readTreeFiles(git, entries);
  const blobs = new Map(files.map((f) => [f.path, f.bytes]));
  for (const source of payload.sources) {
    const actual = sha256Hex(blobs.get(source.path)!);
    if (actual !== source.sha256) throw mismatch(`${source.path} at ${short} has sha256 ${actual}, the bundle lists ${source.sha256}`);
  }

  const repo = buildRepository(files);
  const name = repo.config?.value.name;
  if (name !== payload.name) {
    throw mismatch(`bundle name ${JSON.stringify(payload.name)} differs from edict.yaml's ${name === undefined ? "(no valid name)" : JSON.stringify(name)} at ${short}`);
  }
  if (canonicalJson(installedPacksOf(repo.packState?.value)) !== canonicalJson(payload.installed_packs)) {
    throw mismatch(`bundle installed_packs differ from .edict/packs.yaml at ${short}`);
  }
  const targets = toTargetsRecord(buildAllTargets(repo));
  const digests = digestTargets(targets);
  if (digests.sha256 !== payload.digests.sha256 || digests.blake3 !== payload.digests.blake3) {
    const names = [...new Set([...Object.keys(targets), ...Object.keys(payload.targets)])].sort();
    const differing = names.filter((t) => {
      const a = Object.hasOwn(targets, t) ? canonicalJson(targets[t]) : undefined;
      const b = Object.hasOwn(payload.targets, t) ? canonicalJson(payload.targets[t]) : undefined;
      return a !== b;
    });
    throw mismatch(`bundle targets differ from a rebuild of ${short}${differing.length > 0 ? ` (in ${differing.join(", ")})` : ""}`);
  }
  return { revision, sources: paths.length };
}
