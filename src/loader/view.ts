/**
 * What the loader hands out: the engine and metadata of the active bundle, read afresh on every
 * call (so one object serves across updates), and the errors of a retrieval as `BundleError`s.
 */
import { isBundleError } from "../bundle/errors.js";
import type { BundleError } from "../bundle/errors.js";
import type { Engine } from "../engine/engine.js";
import { fetchFailed } from "./fetch.js";
import type { BundleMeta, LoadedEngine } from "./types.js";
import type { RuntimeVerified } from "./verify.js";

/**
 * One frozen engine whose calls go to whatever bundle `active()` returns. The loader hands it out
 * only once a bundle is active, and an active bundle is only ever replaced.
 */
export function engineView(active: () => { engine: Engine; meta: BundleMeta }): LoadedEngine {
  return Object.freeze({
    authorize: (request) => active().engine.authorize(request),
    checkTool: (uri, facts) => active().engine.checkTool(uri, facts),
    decideData: (request, now) => active().engine.decideData(request, now),
    scan: (text, location) => active().engine.scan(text, location),
    posture: (facts) => active().engine.posture(facts),
    get meta(): BundleMeta {
      return active().meta;
    },
  } satisfies LoadedEngine);
}

/** The frozen metadata of a verified bundle, as `engine.meta` and `update` events show it. */
export function toMeta(verified: RuntimeVerified, target: string): BundleMeta {
  const p = verified.payload;
  return Object.freeze({
    name: p.name,
    version: p.version,
    serial: p.serial,
    revision: p.revision,
    created_at: p.created_at,
    expires_at: p.expires_at,
    digests: Object.freeze({ ...p.digests }),
    packs: Object.freeze(p.installed_packs.map((pack) => Object.freeze({ ...pack }))) as BundleMeta["packs"],
    keyids: Object.freeze([...verified.keyids]) as string[],
    target,
    sha256: verified.sha256,
    effective: p.targets[target]!,
  });
}

/** Any failure as a BundleError: transport and unexpected errors become FETCH_FAILED, labelled. */
export function toBundleError(e: unknown, label: string): BundleError {
  return isBundleError(e) ? e : fetchFailed(`${label}: ${e instanceof Error ? e.message : String(e)}`, e);
}
