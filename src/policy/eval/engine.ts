/**
 * One target's compiled decision engine: every evaluator compiled once from the effective
 * policy. The loader serves it; `edict eval`, `edict test` and `check-agent` use it too.
 * Pure: no I/O, safe to bundle for fetch-only runtimes.
 */
import type { EffectiveTarget } from "../effective.js";
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
  const runtime = compileRuntime(target.runtime);
  const data = compileData(target.data);
  const scanner = compileScanner(target.runtime);
  return {
    authorize: (request) => access.authorize(request),
    checkTool: (uri, facts) => runtime.checkTool(uri, facts),
    decideData: (request, now) => data.decideData(request, now),
    scan: (text, location) => scanner.scan(text, location),
    posture: (facts) => evaluatePosture(target.posture, facts ?? {}),
  };
}
