/**
 * `edict bundle build`: the effective policy of every target, signed into a DSSE
 * envelope whose payload is RFC 8785 canonical JSON, plus a `sha256sum` file.
 *
 * Reproducible: with a clean work tree the files are read from the HEAD commit itself (never the
 * checkout, whose line endings and untracked files vary by machine), `created_at` is the commit
 * time (or `SOURCE_DATE_EPOCH`), and Ed25519 is deterministic, so the same commit, keys and
 * previous bundle always give byte-identical files.
 */
import { blake3Hex } from "./digest-blake3.js";
import { EdictError } from "../errors.js";
import { writeOutputFiles } from "../io/bundle-files.js";
import { listUncommittedPaths, openGit, readFilesAt, readHead } from "../io/git.js";
import type { GitRevisionRepository } from "../io/git.js";
import { readWorkingTreeFiles } from "../io/read-repository.js";
import { runLint } from "../lint/engine.js";
import { RULES } from "../lint/registry.js";
import { buildAllTargets } from "../model/merge/index.js";
import { buildRepository } from "../model/repository.js";
import type { RawFile, Repository } from "../model/repository.js";
import type { EdictConfig } from "../model/types.js";
import { parseDuration } from "../model/values/units.js";
import { utf8Encode } from "./bytes.js";
import { toSha256sumLine } from "./digest.js";
import { sha256HexNative } from "./digest-node.js";
import { signEnvelope, toEnvelopeBytes } from "./dsse.js";
import { BundleKeyError, BundleTrustError } from "./errors.js";
import type { PrivateKey, PublicKey } from "./keys.js";
import { BUNDLE_PAYLOAD_TYPE, bundleFileNames, compareStrings, toIsoSeconds } from "./payload.js";
import { buildPayload, digestTargets, toTargetsRecord } from "./payload-build.js";
import type { BundlePayload, SourceRef } from "./payload.js";
import { verifyBundle } from "./verify.js";
import { nextRelease, releaseTag } from "./version.js";
import { useNodeNatives } from "./node-natives.js";
import type { Release, Verdict } from "./version.js";

// a build signs and re-verifies megabytes: Node's native hashes and codecs, the same results as the pure ones
useNodeNatives();

/** edict.yaml `bundle.expires` when unset. */
export const DEFAULT_EXPIRES = "30d";

export interface BuildBundleOptions {
  /** The policy repository's root folder (may be a subfolder of the git work tree). */
  root: string;
  /** Signing keys; every one signs. At least one. */
  privateKeys: readonly PrivateKey[];
  /** Folder to write `<name>.bundle.json` and its `.sha256` into; nothing is written when omitted. */
  outDir?: string;
  /** The previous release's bundle file, to continue its serial and version. Verified first. */
  previousBundle?: Uint8Array;
  /** Keys trusted for the previous bundle; the public keys of `privateKeys` unless told. */
  previousTrustedKeys?: ReadonlyArray<PublicKey | string | Uint8Array>;
  /**
   * The semantic diff's verdict against the previous release, which picks the version bump.
   * Unless told: "unchanged" when the targets' digest equals the previous bundle's, else "neutral"
   * (both bump the patch version). Ignored for the first release.
   */
  verdict?: Verdict;
  /** Lifetime overriding edict.yaml's `bundle.expires` ("30d", "12h", "90m", "3600s", "2w"). */
  expires?: string;
  /** The `SOURCE_DATE_EPOCH` convention: Unix seconds used as `created_at` instead of the commit time. */
  sourceDateEpoch?: string;
  /** Build even when edict's files have uncommitted changes (read from the work tree, not reproducible). */
  allowDirty?: boolean;
  /** The current time, for the "already expired" warning; the clock unless told. */
  now?: Date;
  /**
   * The repository at HEAD of the same root, already read by the caller
   * (`readRepositoryAtRevision(root, "HEAD")`), so it is not read again; used only while HEAD is still that commit and the tree is clean.
   */
  atHead?: GitRevisionRepository;
}

export interface BuiltBundle {
  payload: BundlePayload;
  /** The bundle file: the DSSE envelope as RFC 8785 canonical JSON, no trailing newline. */
  bundleBytes: Uint8Array;
  /** The `.sha256` file: one `sha256sum` line naming the bundle file. */
  checksumText: string;
  /** Lowercase hex SHA-256 of `bundleBytes`. */
  sha256: string;
  keyids: string[];
  fileNames: { bundle: string; checksum: string };
  /** Paths written, when `outDir` was given. */
  written?: { bundle: string; checksum: string };
  /** The release tag: `<bundle.tag_prefix><version>`. */
  tag: string;
  /** The verdict that picked the version bump; undefined for a first release. */
  verdict?: Verdict;
  previous?: Release;
  /** Uncommitted files the bundle was built from (only with `allowDirty`). */
  dirty: string[];
  /** Things the caller should show the user; the build still succeeded. */
  warnings: string[];
}

/** `{path, sha256}` of each file's raw bytes, sorted by path. */
export function sourcesOf(raw: readonly RawFile[]): SourceRef[] {
  return raw
    .map((f) => ({ path: f.path, sha256: sha256HexNative(typeof f.bytes === "string" ? utf8Encode(f.bytes) : f.bytes) }))
    .sort((a, b) => compareStrings(a.path, b.path));
}

/** `SOURCE_DATE_EPOCH` as a Date; it must be whole non-negative seconds (reproducible-builds.org). */
export function parseSourceDateEpoch(text: string): Date {
  if (!/^\d{1,12}$/.test(text)) {
    throw new EdictError("USAGE", `SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, got ${JSON.stringify(text.slice(0, 40))}`);
  }
  return new Date(Number(text) * 1000);
}

/** A bundle lifetime in whole seconds (at least one). */
export function parseExpires(text: unknown, where: string): number {
  const parsed = parseDuration(text);
  const error = (message: string) =>
    where === "edict.yaml"
      ? new EdictError("CONFIG_ERROR", `bundle.expires: ${message}`, { position: { file: where } })
      : new EdictError("USAGE", `${where}: ${message}`);
  if (!parsed.ok) throw error(parsed.message);
  if (parsed.value < 1000 || parsed.value % 1000 !== 0) throw error(`${JSON.stringify(text)} must be a whole number of seconds, at least 1s`);
  return parsed.value / 1000;
}

function configOf(repo: Repository): EdictConfig & { name: string } {
  const config = repo.config?.value;
  const name = config?.name;
  if (name === undefined) {
    throw new EdictError("CONFIG_ERROR", "missing or has no name; run `edict lint` to see why", { position: { file: "edict.yaml" } });
  }
  return { ...config, name };
}

function refuseLintErrors(repo: Repository): void {
  const { errors } = runLint(repo, { rules: RULES }).summary;
  if (errors > 0) {
    throw new EdictError("CONFIG_ERROR", `the repository has ${errors} lint error${errors === 1 ? "" : "s"}; run \`edict lint\` and fix ${errors === 1 ? "it" : "them"} before building a bundle`);
  }
}

/**
 * Builds, signs and (with `outDir`) writes a bundle from the repository at `root`. Refuses
 * (EdictError) on lint errors, uncommitted changes without `allowDirty`, and a bad config; a
 * previous bundle that does not verify throws its BundleError.
 *
 * @example
 * const built = await buildBundle({ root: ".", privateKeys: [readPrivateKey({ file: "edict.key" })], outDir: "dist" });
 */
export async function buildBundle(options: BuildBundleOptions): Promise<BuiltBundle> {
  const { root } = options;
  if (!Array.isArray(options.privateKeys) || options.privateKeys.length === 0) {
    throw new BundleKeyError("no signing key: give a private key file or environment variable");
  }
  const publicKeys = options.privateKeys.map((k) => k.publicKey);
  const warnings: string[] = [];

  const git = await openGit(root, "bundle");
  const head = await readHead(git);
  const dirty = await listUncommittedPaths(git);
  if (dirty.length > 0 && !options.allowDirty) {
    const shown = dirty.slice(0, 10).join(", ") + (dirty.length > 10 ? ` and ${dirty.length - 10} more` : "");
    throw new EdictError("GIT_ERROR", `uncommitted changes to ${shown}; commit them first (a bundle's revision must describe its content) or pass --allow-dirty`, {
      position: { file: root },
    });
  }
  // a clean tree builds from the commit (read by the caller, or here); a dirty one from the
  // checkout, without the stray-key scan, whose files are never sources
  const committed = dirty.length === 0 && options.atHead?.commit === head.revision ? options.atHead : undefined;
  const raw: readonly RawFile[] = committed?.files ?? (dirty.length > 0 ? await readWorkingTreeFiles(root) : await readFilesAt(git, head.revision));
  if (dirty.length > 0) {
    warnings.push(`built from uncommitted changes (${dirty.slice(0, 5).join(", ")}${dirty.length > 5 ? ` and ${dirty.length - 5} more` : ""}): revision ${head.revision.slice(0, 12)} does not describe this bundle, and \`edict bundle verify --rebuild\` will fail`);
  }
  const repo = committed?.repo ?? buildRepository(raw);
  if (repo.files.length === 0) {
    throw new EdictError("NOT_FOUND", `no policy repository in commit ${head.revision.slice(0, 12)}: no edict.yaml, policies/ or packs/`, { position: { file: root } });
  }
  refuseLintErrors(repo);
  const config = configOf(repo);
  const names = bundleFileNames(config.name);

  const createdAt = options.sourceDateEpoch !== undefined && options.sourceDateEpoch !== "" ? parseSourceDateEpoch(options.sourceDateEpoch) : new Date(head.commitTime * 1000);
  const lifetime = options.expires !== undefined ? parseExpires(options.expires, "--expires") : parseExpires(config.bundle?.expires ?? DEFAULT_EXPIRES, "edict.yaml");
  const expiresAt = new Date(createdAt.getTime() + lifetime * 1000);
  // a bundle every loader refuses is not written: an old commit signed with its own time is expired on arrival
  const now = options.now ?? new Date();
  if (now.getTime() >= expiresAt.getTime()) {
    throw new BundleTrustError(
      "EXPIRED",
      `refusing to write a bundle that is already expired: it expires at ${toIsoSeconds(expiresAt)}, ${options.expires ?? config.bundle?.expires ?? DEFAULT_EXPIRES} after created_at ` +
        `${toIsoSeconds(createdAt)} (${options.sourceDateEpoch ? "SOURCE_DATE_EPOCH" : "the commit time"}). Sign it with the current time (SOURCE_DATE_EPOCH=$(date +%s) edict bundle build …), ` +
        "or re-sign the released bundle with the Action's refresh mode",
    );
  }

  const targets = buildAllTargets(repo);
  if (targets.length === 0) throw new EdictError("CONFIG_ERROR", "no targets defined: add one under `targets:`, for example `targets: { production: {} }`", { position: { file: "edict.yaml" } });

  let previous: Release | undefined;
  let verdict: Verdict | undefined;
  if (options.previousBundle !== undefined) {
    // the previous release continues the numbering only if it is authentic and this repository's
    const prev = verifyBundle(options.previousBundle, {
      blake3: blake3Hex,
      trustedKeys: options.previousTrustedKeys ?? publicKeys,
      expectedName: config.name,
      allowExpired: true,
    });
    previous = { version: prev.payload.version, serial: prev.payload.serial };
    const same = digestTargets(toTargetsRecord(targets)).sha256 === prev.payload.digests.sha256;
    // a verdict is a claim about a change: none can be claimed when the targets are byte-for-byte the previous ones
    if (same && options.verdict !== undefined && options.verdict !== "unchanged") {
      throw new EdictError(
        "USAGE",
        `--verdict ${options.verdict} claims a change, but the targets are identical to the previous bundle's (${prev.payload.version}, digest ${prev.payload.digests.sha256.slice(0, 12)}…); drop --verdict (the verdict is "unchanged") or build from the changed commit`,
      );
    }
    verdict = options.verdict ?? (same ? "unchanged" : "neutral");
  }
  const release = nextRelease(previous, verdict ?? "unchanged", config.version);

  const { payload, bytes } = buildPayload({
    name: config.name,
    version: release.version,
    serial: release.serial,
    revision: head.revision,
    createdAt,
    expiresAt,
    targets,
    packState: repo.packState?.value,
    sources: sourcesOf(raw),
  });
  const bundleBytes = toEnvelopeBytes(signEnvelope(bytes, BUNDLE_PAYLOAD_TYPE, options.privateKeys));
  // what is written must be what a verifier accepts: re-verify the exact bytes before writing them
  const self = verifyBundle(bundleBytes, { blake3: blake3Hex, trustedKeys: publicKeys, threshold: new Set(publicKeys.map((k) => k.keyid)).size, expectedName: config.name, allowExpired: true });
  const checksumText = toSha256sumLine(self.sha256, names.bundle);


  const result: BuiltBundle = {
    payload,
    bundleBytes,
    checksumText,
    sha256: self.sha256,
    keyids: self.keyids,
    fileNames: names,
    tag: releaseTag(config.bundle?.tag_prefix, release.version),
    dirty,
    warnings,
    ...(verdict === undefined ? {} : { verdict }),
    ...(previous === undefined ? {} : { previous }),
  };
  if (options.outDir !== undefined) {
    const [bundle, checksum] = await writeOutputFiles(options.outDir, [
      { name: names.bundle, bytes: bundleBytes },
      { name: names.checksum, bytes: utf8Encode(checksumText) },
    ]);
    result.written = { bundle: bundle!, checksum: checksum! };
  }
  return result;
}
