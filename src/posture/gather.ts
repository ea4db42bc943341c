/**
 * Gathers the PostureFacts that `engine.posture(facts)` evaluates: detect the
 * environment, then run only the assessments whose facts its sections use (local on a
 * workstation, cloud on a cloud or CI runner, Kubernetes in a cluster). Never throws.
 */
import type { PostureFacts } from "../engine/posture/index.js";
import { postureSections } from "../engine/posture/index.js";
import { assessCloud } from "./cloud.js";
import type { CloudAssessment } from "./cloud.js";
import { detectEnvironment } from "./detect.js";
import type { Detection } from "./detect.js";
import { assessKubernetes } from "./kubernetes.js";
import type { KubernetesAssessment } from "./kubernetes.js";
import { assessLocal, DEFAULT_TIMEOUT_MS } from "./local.js";
import type { LocalAssessment } from "./local.js";
import { guardProbe } from "./probe.js";
import type { Probe } from "./probe.js";

export interface GatherOptions {
  /** Per command; default 5 s. */
  readonly timeoutMs?: number;
}

export interface GatheredPosture {
  readonly facts: PostureFacts;
  /** Why each fact is what it is, section by section ("environment: …", "encryption: …"). */
  readonly evidence: readonly string[];
  readonly detection: Detection;
  readonly local?: LocalAssessment;
  readonly cloud?: CloudAssessment;
  readonly kubernetes?: KubernetesAssessment;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function copyDefined<T extends object>(into: Mutable<PostureFacts>, from: T, keys: ReadonlyArray<keyof T & keyof PostureFacts>): void {
  for (const k of keys) {
    const v = from[k];
    if (v !== undefined) (into as Record<string, unknown>)[k] = v;
  }
}

async function section<T>(what: string, evidence: string[], fn: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    // A broken probe leaves its facts unknown, which fails closed; it must not stop the report.
    evidence.push(`${what}: assessment failed (${(e as Error)?.message ?? String(e)}); its facts are unknown`);
    return undefined;
  }
}

/**
 * Detects the environment and assesses what its posture sections need, with evidence.
 *
 * @example
 * const { facts, evidence } = await gatherPosture(nodeProbe());
 * engine.posture(facts);
 */
export async function gatherPosture(probe: Probe, options: GatherOptions = {}): Promise<GatheredPosture> {
  const p = guardProbe(probe);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const evidence: string[] = [];
  const detection = (await section("environment", evidence, () => detectEnvironment(p))) ?? { environment: "local", evidence: ["detection failed; assuming local"] };
  evidence.push(...detection.evidence.map((e) => `environment ${detection.environment}: ${e}`));

  const facts: Mutable<PostureFacts> = { environment: detection.environment };
  const s = postureSections(detection.environment);

  const local = s.local ? await section("local", evidence, () => assessLocal(p, { timeoutMs })) : undefined;
  if (local) {
    copyDefined(facts, local, ["encryption", "tpm", "secureBoot", "securityScore"]);
    evidence.push(...local.evidence);
  }

  const cloud = s.cloud || s.iamOnly ? await section("cloud", evidence, () => assessCloud(p.env, detection.environment)) : undefined;
  if (cloud) {
    copyDefined(facts, cloud, ["iam", "imdsv2", "workloadIdentity", "account", "region"]);
    evidence.push(...cloud.evidence);
  }

  const kubernetes = s.kubernetes ? await section("kubernetes", evidence, () => assessKubernetes(p)) : undefined;
  if (kubernetes) {
    copyDefined(facts, kubernetes, ["namespace", "serviceAccount", "nonRoot", "readOnlyRootFs"]);
    evidence.push(...kubernetes.evidence);
  }

  return { facts, evidence, detection, ...(local ? { local } : {}), ...(cloud ? { cloud } : {}), ...(kubernetes ? { kubernetes } : {}) };
}

/** The facts alone, for `engine.posture(await gatherFacts(nodeProbe()))`. Never throws. */
export async function gatherFacts(probe: Probe, options: GatherOptions = {}): Promise<PostureFacts> {
  return (await gatherPosture(probe, options)).facts;
}
