/**
 * The evaluators of the policy kinds a loader serves besides access (`kinds`), imported on demand:
 * each is a chunk of its own in dist/, so an application that only authorizes never loads the
 * tool-check, data or posture evaluators. A module that cannot load refuses the bundle (FETCH_FAILED).
 */
import type { CompileKind, KindCompilers, KindName } from "../engine/assemble.js";
import { fetchFailed } from "./fetch.js";

const MODULES: Record<KindName, () => Promise<{ compileKind: CompileKind }>> = {
  runtime: () => import("../engine/kinds/runtime.js"),
  data: () => import("../engine/kinds/data.js"),
  posture: () => import("../engine/kinds/posture.js"),
};

export async function importKinds(kinds: readonly KindName[], label: string): Promise<KindCompilers> {
  const compilers: KindCompilers = {};
  await Promise.all(
    kinds.map(async (kind) => {
      try {
        compilers[kind] = (await MODULES[kind]()).compileKind;
      } catch (e) {
        throw fetchFailed(`${label}: could not load the ${kind} evaluator module (${(e as Error).message})`, e);
      }
    }),
  );
  return compilers;
}
