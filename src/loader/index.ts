/**
 * edict/loader: the runtime loader. It retrieves and verifies a signed bundle and
 * answers decisions with the compiled engine of one target. It imports only bundle verification
 * and policy evaluation, never lint, packs, YAML, git or `node:*`; the optional file cache
 * (`./file-cache.js`, Node only) is loaded with `import()` when `cacheDir` or a file source is used.
 */
export { createLoader } from "./loader.js";
export type { BundleMeta, FetchLike, LoadedEngine, Loader, LoaderEvents, LoaderOptions, LoaderStatus } from "./types.js";

export { isBundleError } from "../bundle/errors.js";
export type { BundleError, BundleErrorCode } from "../bundle/errors.js";
