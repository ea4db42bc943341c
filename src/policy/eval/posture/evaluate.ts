/**
 * PosturePolicy evaluation, VaultGuard's flow (SPEC §2.4): the environment (detected elsewhere,
 * src/posture) selects the sections that apply, their checks run against the facts, and
 *
 * - every required check passes → allowed;
 * - some fail and `allow_insecure` is true → allowed, one warning per failed check;
 * - otherwise → denied, the failed checks named in `failed`.
 *
 * Which sections apply:
 *
 * | environment                                        | sections                              |
 * |----------------------------------------------------|---------------------------------------|
 * | local                                              | local                                 |
 * | ecs, lambda, cloudrun, azure-functions             | cloud                                 |
 * | eks, gke, aks                                      | cloud + kubernetes                    |
 * | kubernetes (self-managed cluster, no cloud known)  | kubernetes                            |
 * | github-actions (ephemeral CI runner)               | cloud.require_iam only: OIDC-federated credentials instead of long-lived secrets; the runner is neither a workstation nor a placed cloud workload |
 * | missing or unknown                                 | none; the "environment" check fails   |
 *
 * `cloud.require_imdsv2` applies on AWS environments only (eks, ecs, lambda).
 * Allowed accounts, regions and namespaces are all-of lists (SPEC §3): the value must be in every
 * inner list; entries may use `*` and `?` wildcards, as may `denied_namespaces`.
 * Unknown facts (undefined) fail required checks (fail closed). Checks the policy does not
 * require are still listed (`required: false`) with what the facts say, for the report.
 */
import type { EffectivePosture } from "../../effective.js";
import { compileWildcard } from "../../match/wildcard.js";
import { ENVIRONMENTS } from "../../vocabulary.js";
import type { Environment, Provider } from "../../vocabulary.js";
import type { PostureCheck, PostureFacts, PostureResult } from "./types.js";

const CLOUD: ReadonlySet<Environment> = new Set(["eks", "gke", "aks", "ecs", "lambda", "cloudrun", "azure-functions"]);
const KUBERNETES: ReadonlySet<Environment> = new Set(["kubernetes", "eks", "gke", "aks"]);
const AWS: ReadonlySet<Environment> = new Set(["eks", "ecs", "lambda"]);

/** The sections of a policy that apply in an environment. */
export function postureSections(environment: Environment): { local: boolean; cloud: boolean; kubernetes: boolean; iamOnly: boolean } {
  return {
    local: environment === "local",
    cloud: CLOUD.has(environment),
    kubernetes: KUBERNETES.has(environment),
    iamOnly: environment === "github-actions",
  };
}

export function isEnvironment(value: unknown): value is Environment {
  return typeof value === "string" && (ENVIRONMENTS as readonly string[]).includes(value);
}

/**
 * Evaluates the effective posture policy against what the machine reports.
 *
 * @example
 * evaluatePosture(effective.posture, { environment: "local", encryption: true, securityScore: 72 });
 * // → { allowed: true, environment: "local", checks: [...], score: 72, warnings: [], provider: "keyring", failed: [] }
 */
export function evaluatePosture(posture: EffectivePosture, facts: PostureFacts = {}): PostureResult {
  const f: PostureFacts = facts ?? {};
  const checks: PostureCheck[] = [];
  const environment = isEnvironment(f.environment) ? f.environment : undefined;

  if (environment === undefined) {
    const detail =
      f.environment === undefined
        ? "the environment was not detected"
        : `unknown environment ${JSON.stringify(String(f.environment))}: expected one of ${ENVIRONMENTS.join(", ")}`;
    checks.push({ id: "environment", passed: false, required: true, detail });
  } else {
    const s = postureSections(environment);
    if (s.local) checks.push(...localChecks(posture, f));
    if (s.cloud) checks.push(...cloudChecks(posture, f, AWS.has(environment)));
    if (s.iamOnly) checks.push(flagCheck("cloud.require_iam", posture.cloud?.require_iam, f.iam, "platform identity (IAM/OIDC) credentials"));
    if (s.kubernetes) checks.push(...kubernetesChecks(posture, f));
  }

  const failed = checks.filter((c) => c.required && !c.passed);
  const insecure = posture.allow_insecure === true;
  const why = posture.insecure_reason ? `: ${posture.insecure_reason}` : "";
  return {
    allowed: failed.length === 0 || insecure,
    environment: environment ?? "unknown",
    checks,
    score: scoreOf(f.securityScore),
    warnings: insecure ? failed.map((c) => `posture check ${c.id} failed (${c.detail}); allowed because allow_insecure is set${why}`) : [],
    provider: providerFor(posture, environment),
    failed: failed.map((c) => c.id),
  };
}

/** provider_map[environment], else fallback_provider, else "env" (environment variables, which every runtime has). */
export function providerFor(posture: EffectivePosture, environment: Environment | undefined): Provider {
  const map = posture.provider_map;
  const mapped = environment !== undefined && map !== undefined && Object.hasOwn(map, environment) ? map[environment] : undefined;
  return mapped ?? posture.fallback_provider ?? "env";
}

function scoreOf(score: unknown): number {
  if (typeof score !== "number" || !Number.isFinite(score)) return 0;
  return Math.min(100, Math.max(0, score));
}

// ---------------------------------------------------------------------------------------------
// Checks

function flagCheck(id: string, requirement: boolean | undefined, fact: boolean | undefined, what: string): PostureCheck {
  const required = requirement === true;
  const state = fact === true ? "yes" : fact === false ? "no" : "unknown";
  return { id, passed: fact === true, required, detail: `${what}: ${state}${required ? "" : " (not required)"}` };
}

function localChecks(posture: EffectivePosture, f: PostureFacts): PostureCheck[] {
  const local = posture.local ?? {};
  const min = typeof local.min_security_score === "number" ? local.min_security_score : 0;
  const score = typeof f.securityScore === "number" && Number.isFinite(f.securityScore) ? f.securityScore : undefined;
  return [
    flagCheck("local.require_encryption", local.require_encryption, f.encryption, "disk encryption"),
    {
      id: "local.min_security_score",
      passed: score !== undefined && score >= min,
      required: min > 0,
      detail: `security score ${score ?? "unknown"}${min > 0 ? `, minimum ${min}` : " (no minimum)"}`,
    },
    flagCheck("local.require_tpm", local.require_tpm, f.tpm, "TPM"),
    flagCheck("local.require_secure_boot", local.require_secure_boot, f.secureBoot, "Secure Boot"),
  ];
}

function cloudChecks(posture: EffectivePosture, f: PostureFacts, aws: boolean): PostureCheck[] {
  const cloud = posture.cloud ?? {};
  const checks = [flagCheck("cloud.require_iam", cloud.require_iam, f.iam, "platform identity (IAM) credentials")];
  if (aws) checks.push(flagCheck("cloud.require_imdsv2", cloud.require_imdsv2, f.imdsv2, "IMDSv1 disabled (IMDSv2 only)"));
  checks.push(flagCheck("cloud.require_workload_identity", cloud.require_workload_identity, f.workloadIdentity, "workload identity"));
  checks.push(allowedCheck("cloud.allowed_accounts", cloud.allowed_accounts, f.account, "account"));
  checks.push(allowedCheck("cloud.allowed_regions", cloud.allowed_regions, f.region, "region"));
  return checks;
}

function kubernetesChecks(posture: EffectivePosture, f: PostureFacts): PostureCheck[] {
  const k = posture.kubernetes ?? {};
  const denied = k.denied_namespaces ?? [];
  const ns = typeof f.namespace === "string" ? f.namespace : undefined;
  const hit = ns === undefined ? undefined : denied.find((d) => compileWildcard(d)(ns));
  const deniedCheck: PostureCheck =
    denied.length === 0
      ? { id: "kubernetes.denied_namespaces", passed: true, required: false, detail: "no namespace is denied" }
      : {
          id: "kubernetes.denied_namespaces",
          passed: ns !== undefined && hit === undefined,
          required: true,
          detail:
            ns === undefined
              ? "namespace unknown"
              : hit === undefined
                ? `namespace ${JSON.stringify(ns)} is not denied`
                : `namespace ${JSON.stringify(ns)} is denied (${hit})`,
        };
  return [
    deniedCheck,
    allowedCheck("kubernetes.allowed_namespaces", k.allowed_namespaces, ns, "namespace"),
    flagCheck("kubernetes.require_service_account", k.require_service_account, f.serviceAccount, "service account token"),
    flagCheck("kubernetes.require_non_root", k.require_non_root, f.nonRoot, "running as non-root"),
    flagCheck("kubernetes.require_read_only_root_fs", k.require_read_only_root_fs, f.readOnlyRootFs, "read-only root file system"),
  ];
}

/**
 * All-of: the value must be in every inner list (wildcards allowed). Absent: no restriction. A flat
 * list (one document's value) counts as one inner list, and `[]` as an empty one that allows nothing.
 */
function allowedCheck(id: string, setting: string[][] | string[] | undefined, value: unknown, noun: string): PostureCheck {
  if (setting === undefined) return { id, passed: true, required: false, detail: `no ${noun} restriction` };
  const lists: (readonly string[])[] = setting.every((v) => typeof v === "string") ? [setting as string[]] : (setting as string[][]);
  if (typeof value !== "string") return { id, passed: false, required: true, detail: `${noun} unknown` };
  const refusing = lists.findIndex((list) => !list.some((entry) => compileWildcard(entry)(value)));
  if (refusing < 0) return { id, passed: true, required: true, detail: `${noun} ${JSON.stringify(value)} is allowed` };
  const which = lists.length > 1 ? ` (list ${refusing + 1} of ${lists.length})` : "";
  return { id, passed: false, required: true, detail: `${noun} ${JSON.stringify(value)} is not allowed${which}` };
}
