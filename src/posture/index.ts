/**
 * Posture: environment detection and local, cloud and Kubernetes assessment from an
 * injectable Probe, gathered into the PostureFacts that `engine.posture(facts)` evaluates.
 */
export { gatherFacts, gatherPosture } from "./gather.js";
export type { GatheredPosture, GatherOptions } from "./gather.js";
export { detectEnvironment } from "./detect.js";
export type { Detection } from "./detect.js";
export { assessLocal, securityScoreOf, SCORE_WEIGHTS, DEFAULT_TIMEOUT_MS } from "./local.js";
export type { LocalAssessment, LocalOptions, ScoredFact } from "./local.js";
export { assessCloud, cloudOf } from "./cloud.js";
export type { Cloud, CloudAssessment } from "./cloud.js";
export { assessKubernetes, parseRootReadOnly } from "./kubernetes.js";
export type { KubernetesAssessment } from "./kubernetes.js";
export { guardProbe, nodeProbe } from "./probe.js";
export type { Probe, RunOptions, RunResult } from "./probe.js";
export { FACT_FIELDS, parsePostureFacts, toPostureFacts } from "./facts.js";
