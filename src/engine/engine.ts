/**
 * One target's compiled decision engine: every evaluator compiled once from the effective
 * policy. The loader serves it; `edict eval`, `edict test` and `check-agent` use it too.
 * Pure: no I/O, safe to bundle for fetch-only runtimes.
 */
import type { EffectiveTarget } from "./effective.js";
import { compileAccess } from "./access/compiled.js";
import type { AccessDecision, AccessRequest } from "./access/types.js";
import { compileData } from "./data/compiled.js";
import type { DataDecision, DataRequest } from "./data/types.js";
import { evaluatePosture } from "./posture/evaluate.js";
import type { PostureFacts, PostureResult } from "./posture/types.js";
import { compileRuntime } from "./runtime/compiled.js";
import type { ToolDecision, ToolFacts } from "./runtime/types.js";
import { compileScanner } from "./scan/scanner.js";
import type { ScanFinding, ScanLocation } from "./scan/types.js";

export interface Engine {
  authorize(request: AccessRequest): AccessDecision;
  checkTool(uri: string, facts?: ToolFacts): ToolDecision;
  decideData(request: DataRequest, now?: Date): DataDecision;
  scan(text: string, location: ScanLocation): ScanFinding[];
  /** Posture of the machine described by `facts` (detection lives in src/posture). */
  posture(facts?: PostureFacts): PostureResult;
}

export function compileEngine(target: EffectiveTarget): Engine {
  const access = compileAccess(target.access);
  // these three hand out closures that do not use `this`, so the engine can hand them out too
  const { checkTool } = compileRuntime(target.runtime);
  const { decideData } = compileData(target.data);
  const { scan } = compileScanner(target.runtime);
  return {
    authorize: (request) => access.authorize(request),
    checkTool,
    decideData,
    scan,
    posture: (facts) => evaluatePosture(target.posture, facts),
  };
}
