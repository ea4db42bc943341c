/**
 * `edict/loader/node`: the loader with what only Node has, kept out of the core loader so
 * browsers and workers never pay for it. Today: host overlays (`overlays`), local policy files
 * merged on top of the bundle's target only where they tighten, as `edict serve --overlay` does.
 *
 * @example
 * import { createNodeLoader } from "edict/loader/node";
 * const loader = await createNodeLoader({ source: "https://…/acme.bundle.json", trustedKeys: [pem],
 *   target: "production", overlays: ["/etc/edict/system.yaml"] });
 * const engine = await loader.load();          // the overlaid engine (the bundle's own while an overlay is refused)
 * loader.overlay();                            // { digest, error? }
 */
import { assembleEngine } from "../engine/assemble.js";
import type { KindCompilers } from "../engine/assemble.js";
import { compileKind as data } from "../engine/kinds/data.js";
import { compileKind as posture } from "../engine/kinds/posture.js";
import { compileKind as runtime } from "../engine/kinds/runtime.js";
import { createOverlaySet, loadOverlays } from "../serve/overlays.js";
import { createLoader } from "./loader.js";
import { servedKinds } from "./options.js";
import type { LoadedEngine, Loader, LoaderOptions } from "./types.js";

export interface NodeLoaderOptions extends LoaderOptions {
  /**
   * Policy documents on this host, applied in order on top of every bundle's target; each may
   * only tighten. A file that cannot be read or is not a valid document rejects
   * `createNodeLoader` (CONFIG_ERROR or IO_ERROR with file:line:col); one that would loosen
   * the active bundle is refused for that bundle: the bundle keeps answering alone and
   * `overlay().error` says why.
   */
  overlays?: readonly string[];
}

export interface NodeLoader extends Loader {
  /** The overlays' digest (hex SHA-256 of the files in order) and, while refused, why. */
  overlay(): { digest?: string; error?: string };
}

export async function createNodeLoader(options: NodeLoaderOptions): Promise<NodeLoader> {
  const { overlays = [], ...core } = options;
  const docs = await loadOverlays(overlays);
  const loader = createLoader(core);
  // the overlaid engine serves the kinds the bundle's engine serves (createLoader checked them)
  const all: Required<KindCompilers> = { runtime, data, posture };
  const compilers: KindCompilers = Object.fromEntries(servedKinds(core.kinds).map((kind) => [kind, all[kind]]));
  const set = createOverlaySet(docs, loader, (target) => assembleEngine(target, compilers));
  const engine = (): LoadedEngine => {
    const e = set.engine();
    if (e === undefined) throw new TypeError("edict loader: no bundle is active");
    return e;
  };
  return {
    load: async () => {
      await loader.load();
      return engine();
    },
    refresh: () => loader.refresh(),
    status: () => loader.status(),
    on: (event, listener) => loader.on(event, listener),
    close: () => {
      set.close();
      loader.close();
    },
    get engine() {
      return set.engine();
    },
    overlay: () => {
      const digest = set.digest();
      const error = set.error();
      return { ...(digest === undefined ? {} : { digest }), ...(error === undefined ? {} : { error }) };
    },
  };
}
