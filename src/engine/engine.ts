/**
 * One target's compiled decision engine: every evaluator compiled once from the effective
 * policy. `edict eval`, `edict test`, `check-agent` and `edict serve` use it; the loader assembles
 * the same engine from the kinds it serves (./assemble.ts).
 * Pure: no I/O, safe to bundle for fetch-only runtimes.
 */
import type { AccessDecision, AccessRequest } from "./access/types.js";
import { assembleEngine } from "./assemble.js";
import { compileKind as data } from "./kinds/data.js";
import type { DataDecision, DataRequest } from "./data/types.js";
import type { EffectiveTarget } from "./effective.js";
import { compileKind as posture } from "./kinds/posture.js";
import type { PostureFacts, PostureResult } from "./posture/types.js";
import { compileKind as runtime } from "./kinds/runtime.js";
import type { ToolDecision, ToolFacts } from "./runtime/types.js";
import type { ScanFinding, ScanLocation } from "./scan/types.js";

export interface Engine {
  authorize(request: AccessRequest): AccessDecision;
  checkTool(uri: string, facts?: ToolFacts): ToolDecision;
  decideData(request: DataRequest, now?: Date): DataDecision;
  scan(text: string, location: ScanLocation): ScanFinding[];
  /** Posture of the machine described by `facts` (detection lives in src/posture). */
  posture(facts?: PostureFacts): PostureResult;
}

/** Compiles every kind of `target`; throws the first policy that cannot be evaluated. */
export function compileEngine(target: EffectiveTarget): Engine {
  return assembleEngine(target, { runtime, data, posture });
}
