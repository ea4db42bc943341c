/**
 * Host overlays: local policy documents (`edict serve --overlay FILE`) merged on top of the
 * bundle's target only where they tighten it. An overlay that would loosen anything, touch a
 * path the bundle's documents or an earlier overlay locked, or change a field that cannot be
 * ordered is refused with the file:line:col of the offending value; the bundle then keeps
 * serving without the overlays and readiness reports the refusal. There is no bypass. The
 * bundle's locks travel in the signed payload as the target's `locks`.
 */
import { compileEngine } from "../engine/engine.js";
import type { Engine } from "../engine/engine.js";
import type { EffectiveTarget } from "../engine/effective.js";
import { isEdictError } from "../errors.js";
import type { BundleMeta, LoadedEngine } from "../loader/types.js";
import { proveTighter } from "./overlay/prove.js";
import { tightenTarget } from "./overlay/tighten.js";
import type { OverlayDocs } from "./overlay/types.js";

export { loadOverlays, overlayDigest, parseOverlay } from "./overlay/load.js";
export type { OverlayDocs, OverlayFile } from "./overlay/types.js";

/**
 * The bundle's target with the overlays applied and the overlays' digest. Throws EdictError
 * CONFIG_ERROR (position: the offending value) when an overlay does not only tighten.
 * `targetName`: the bundle target (documents whose `metadata.targets` leave it out are skipped).
 */
export function applyOverlays(target: EffectiveTarget, docs: OverlayDocs, targetName?: string): { target: EffectiveTarget; digest: string } {
  const tightened = tightenTarget(target, docs.files, targetName);
  proveTighter(target, tightened.target, tightened.provenance, docs.files, targetName);
  return { target: tightened.target, digest: docs.digest };
}

export interface OverlaySet {
  /** The overlaid engine of the active bundle; the plain bundle engine when refused; undefined before a bundle. */
  engine(): LoadedEngine | undefined;
  /** Hex SHA-256 of the overlay files, undefined when there are none. */
  digest(): string | undefined;
  /** Why the overlays were refused for the active bundle ("file:line:col: message"), or undefined. */
  error(): string | undefined;
  /** Stops following the loader's updates. */
  close(): void;
}

/** What the overlay set needs of a loader (a `Loader` is one). */
export interface OverlayLoader {
  readonly engine: LoadedEngine | undefined;
  on(event: "update", listener: (meta: BundleMeta) => void): () => void;
}

interface Applied {
  meta: BundleMeta;
  engine: LoadedEngine;
  error?: string;
}

function describe(e: unknown): string {
  return isEdictError(e) ? e.toString() : e instanceof Error ? e.message : String(e);
}

/**
 * Follows the loader: for every bundle it activates, applies the overlays to the bundle's
 * target (`meta.effective`) and compiles the result. With no overlay files it serves the
 * bundle engine as it is.
 */
export function createOverlaySet(docs: OverlayDocs, loader: OverlayLoader, compile: (target: EffectiveTarget) => Engine = compileEngine): OverlaySet {
  let applied: Applied | undefined;

  const apply = (bundle: LoadedEngine, meta: BundleMeta): Applied => {
    if (docs.files.length === 0) return { meta, engine: bundle };
    try {
      const { target } = applyOverlays(meta.effective, docs, meta.target);
      return { meta, engine: Object.assign(compile(target), { meta }) };
    } catch (e) {
      return { meta, engine: bundle, error: describe(e) };
    }
  };

  // the loader hands out one engine object for its lifetime, answering with whichever bundle is
  // active; each activation has its own frozen meta, so that is what tells bundles apart
  const current = (): Applied | undefined => {
    const bundle = loader.engine;
    if (!bundle) return undefined;
    const meta = bundle.meta;
    if (applied?.meta !== meta) applied = apply(bundle, meta);
    return applied;
  };

  const off = loader.on("update", () => void current());
  current();
  return {
    engine: () => current()?.engine,
    digest: () => (docs.files.length === 0 ? undefined : docs.digest),
    error: () => current()?.error,
    close: off,
  };
}
