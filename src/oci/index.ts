/**
 * OCI distribution for edict bundles: references (`oci://HOST[:PORT]/REPO:TAG|@sha256:…`), a
 * registry client with the bearer-token challenge, pushing a bundle as an artifact and pulling it
 * back with digest checks. No package and no `node:*`, so `edict/loader/oci` can ship it.
 */
export { createRegistry, parseChallenge } from "./client.js";
export type { Registry, RegistryOptions, RegistryRequest } from "./client.js";
export { BUNDLE_MEDIA_TYPE, EMPTY_CONFIG, EMPTY_MEDIA_TYPE, MANIFEST_MEDIA_TYPE, readBundleManifest, TITLE_ANNOTATION, toManifestBytes } from "./manifest.js";
export type { BundleLayer, BundleManifestInput, Descriptor } from "./manifest.js";
export { checkDigest, getBundleBlob, getManifest, headManifest, ociDigest } from "./pull.js";
export type { PulledManifest } from "./pull.js";
export { bundleAnnotations, pushBlob, pushBundle } from "./push.js";
export type { PushInput, PushResult } from "./push.js";
export { formatOciReference, manifestReference, OCI_REFERENCE_FORM, parseOciReference, repositoryUrl } from "./reference.js";
export type { OciReference } from "./reference.js";
