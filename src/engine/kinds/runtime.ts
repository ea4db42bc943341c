/** The RuntimePolicy kind of an engine: tool checks and compliance scans (see ../assemble.ts). */
import type { CompileKind } from "../assemble.js";
import { compileScanner } from "../scan/scanner.js";
import { compileRuntime } from "../runtime/compiled.js";

export const compileKind: CompileKind = (target) => ({
  // both hand out closures that do not use `this`
  checkTool: compileRuntime(target.runtime).checkTool,
  scan: compileScanner(target.runtime).scan,
});
