/** The DataPolicy kind of an engine (see ../assemble.ts). */
import type { CompileKind } from "../assemble.js";
import { compileData } from "../data/compiled.js";

// decideData is a closure that does not use `this`
export const compileKind: CompileKind = (target) => ({ decideData: compileData(target.data).decideData });
