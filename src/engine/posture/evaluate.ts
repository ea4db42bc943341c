/**
 * PosturePolicy evaluation, VaultGuard's flow: the environment (detected elsewhere,
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
 * Allowed accounts, regions and namespaces are all-of lists: the value must be in every
 * inner list; entries may use `*` and `?` wildcards, as may `denied_namespaces`.
 * Unknown facts (undefined) fail required checks (fail closed). Checks the policy does not
 * require are still listed (`required: false`) with what the facts say, for the report.
 */
import type { EffectivePosture } from "../effective.js";
import { compileWildcard } from "../match/wildcard.js";
import { ENVIRONMENTS } from "../vocabulary.js";
import type { Environment, Provider } from "../vocabulary.js";
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
  return (ENVIRONMENTS as readonly unknown[]).includes(value);
}

/**
 * Evaluates the effective posture policy against what the machine reports.
 *
 * @example
 * evaluatePosture(effective.posture, { environment: "local", encryption: true, securityScore: 72 });
 * // → { allowed: true, environment: "local", checks: [...], score: 72, warnings: [], provider: "keyring", failed: [] }
 */
export function evaluatePosture(posture: EffectivePosture, facts?: PostureFacts): PostureResult {
  const f: PostureFacts = facts ?? {};
  const checks: PostureCheck[] = [];
  const environment = isEnvironment(f.environment) ? f.environment : undefined;
  const score = Number.isFinite(f.securityScore) ? f.securityScore : undefined;
  const check = (id: string, passed: boolean, required: boolean, detail: string): void => {
    checks.push({ id, passed, required, detail });
  };
  /** The policy setting a check id names ("local.require_tpm"). */
  const setting = (id: string): unknown => {
    const [section, key] = id.split(".") as [keyof EffectivePosture, string];
    return (posture[section] as Record<string, unknown> | undefined)?.[key];
  };
  /** A required-when-true boolean setting over a boolean fact. */
  const flag = (id: string, fact: keyof PostureFacts, what: string): void => {
    const required = setting(id) === true;
    const value = f[fact];
    const state = value === true ? "yes" : value === false ? "no" : "unknown";
    check(id, value === true, required, `${what}: ${state}${required ? "" : " (not required)"}`);
  };
  /**
   * All-of: the value must be in every inner list (wildcards allowed). Absent: no restriction. A
   * flat list (one document's value) counts as one inner list, and `[]` as an empty one that
   * allows nothing.
   */
  const allowed = (id: string, value: unknown, noun: string): void => {
    const lists = setting(id) as string[][] | string[] | undefined;
    if (lists === undefined) return check(id, true, false, `no ${noun} restriction`);
    const all: (readonly string[])[] = lists.every((v) => typeof v === "string") ? [lists as string[]] : (lists as string[][]);
    if (typeof value !== "string") return check(id, false, true, `${noun} unknown`);
    const refusing = all.findIndex((list) => !list.some((entry) => compileWildcard(entry)(value)));
    const which = refusing >= 0 && all.length > 1 ? ` (list ${refusing + 1} of ${all.length})` : "";
    check(id, refusing < 0, true, `${noun} ${JSON.stringify(value)} is ${refusing < 0 ? "" : "not "}allowed${which}`);
  };

  if (environment === undefined) {
    const detail =
      f.environment === undefined
        ? "the environment was not detected"
        : `unknown environment ${JSON.stringify(String(f.environment))}: expected one of ${ENVIRONMENTS.join(", ")}`;
    check("environment", false, true, detail);
  } else {
    // the sections of postureSections(environment), in report order
    if (environment === "local") {
      const min = setting("local.min_security_score");
      const minimum = typeof min === "number" ? min : 0;
      flag("local.require_encryption", "encryption", "disk encryption");
      check(
        "local.min_security_score",
        score !== undefined && score >= minimum,
        minimum > 0,
        `security score ${score ?? "unknown"}${minimum > 0 ? `, minimum ${minimum}` : " (no minimum)"}`,
      );
      flag("local.require_tpm", "tpm", "TPM");
      flag("local.require_secure_boot", "secureBoot", "Secure Boot");
    }
    if (CLOUD.has(environment)) {
      flag("cloud.require_iam", "iam", "platform identity (IAM) credentials");
      if (AWS.has(environment)) flag("cloud.require_imdsv2", "imdsv2", "IMDSv1 disabled (IMDSv2 only)");
      flag("cloud.require_workload_identity", "workloadIdentity", "workload identity");
      allowed("cloud.allowed_accounts", f.account, "account");
      allowed("cloud.allowed_regions", f.region, "region");
    }
    // github-actions: an ephemeral CI runner, only its OIDC-federated credentials are checked
    if (environment === "github-actions") flag("cloud.require_iam", "iam", "platform identity (IAM/OIDC) credentials");
    if (KUBERNETES.has(environment)) {
      const id = "kubernetes.denied_namespaces";
      const denied = (setting(id) as string[] | undefined) ?? [];
      const ns = typeof f.namespace === "string" ? f.namespace : undefined;
      const hit = ns === undefined ? undefined : denied.find((d) => compileWildcard(d)(ns));
      if (denied.length === 0) check(id, true, false, "no namespace is denied");
      else if (ns === undefined) check(id, false, true, "namespace unknown");
      else check(id, hit === undefined, true, `namespace ${JSON.stringify(ns)} is ${hit === undefined ? "not denied" : `denied (${hit})`}`);
      allowed("kubernetes.allowed_namespaces", ns, "namespace");
      flag("kubernetes.require_service_account", "serviceAccount", "service account token");
      flag("kubernetes.require_non_root", "nonRoot", "running as non-root");
      flag("kubernetes.require_read_only_root_fs", "readOnlyRootFs", "read-only root file system");
    }
  }

  const failed = checks.filter((c) => c.required && !c.passed);
  const insecure = posture.allow_insecure === true;
  const why = posture.insecure_reason ? `: ${posture.insecure_reason}` : "";
  return {
    allowed: failed.length === 0 || insecure,
    environment: environment ?? "unknown",
    checks,
    score: score === undefined ? 0 : Math.min(100, Math.max(0, score)),
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
