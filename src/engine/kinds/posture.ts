/** The PosturePolicy kind of an engine (see ../assemble.ts). */
import type { CompileKind } from "../assemble.js";
import { evaluatePosture } from "../posture/evaluate.js";

export const compileKind: CompileKind = ({ posture }) => ({ posture: (facts) => evaluatePosture(posture, facts) });
