/**
 * Public API of the bundle module: payload, verification, release numbering, building,
 * rebuild checks and key files. The runtime loader imports only the lean, pure parts it needs
 * (payload reading, the stateless checks, the DSSE threshold core; test/loader/purity.test.ts
 * keeps the list) and never this file, which reaches git, the file system and YAML.
 */
export * from "./crypto-index.js";

export { BUNDLE_FORMAT, BUNDLE_PAYLOAD_TYPE, NAME_PATTERN, SEMVER_PATTERN, bundleFileNames, findPayloadProblem, parseIsoSeconds, toIsoSeconds } from "./payload.js";
export { buildPayload, digestTargets, installedPacksOf, toTargetsRecord } from "./payload-build.js";
export type { BundleDigests, BundlePayload, InstalledPackRef, SourceRef } from "./payload.js";
export type { BuiltPayload, PayloadInput } from "./payload-build.js";

export {
  DEFAULT_MAX_BUNDLE_BYTES,
  checkDigests,
  checkName,
  checkNotExpired,
  checkPayloadType,
  checkSerialNotBelow,
  checkSignatures,
  checkSize,
  checkTarget,
  parseBundleEnvelope,
  parsePayload,
  verifyBundle,
} from "./verify.js";
export type { VerifiedBundle, VerifyBundleOptions } from "./verify.js";

export { DEFAULT_TAG_PREFIX, DEFAULT_VERSION, VERDICTS, bumpFor, nextRelease, releaseTag } from "./version.js";
export type { Release, Verdict } from "./version.js";

export { DEFAULT_EXPIRES, buildBundle, parseExpires, parseSourceDateEpoch, sourcesOf } from "./build.js";
export type { BuildBundleOptions, BuiltBundle } from "./build.js";
export { verifyRebuild } from "./rebuild.js";
export type { RebuildResult } from "./rebuild.js";

export { readPrivateKey, readPublicKeys, writeKeyPair } from "./key-files.js";
export type { PrivateKeySource, WriteKeyPairOptions, WrittenKeyPair } from "./key-files.js";
