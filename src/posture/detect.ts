/**
 * Environment detection from environment variables and files only: no network call,
 * so no metadata server is asked. The first rule that matches wins, most specific first:
 *
 * 1. lambda — `AWS_LAMBDA_FUNCTION_NAME`
 * 2. ecs — `ECS_CONTAINER_METADATA_URI_V4` or `ECS_CONTAINER_METADATA_URI`
 * 3. cloudrun — `K_SERVICE` + `K_REVISION` (a service) or `CLOUD_RUN_JOB` (a job), unless
 *    `KUBERNETES_SERVICE_HOST` says it is Knative on a cluster, which sets the same variables
 * 4. azure-functions — `FUNCTIONS_WORKER_RUNTIME` or `WEBSITE_SITE_NAME`
 * 5. Kubernetes — `KUBERNETES_SERVICE_HOST` or a mounted service-account token, refined by the
 *    strongest evidence first (the identity webhooks inject their variables; the GKE hints are
 *    only hints): eks (IRSA or EKS Pod Identity), aks (Azure Workload Identity or `AKS_*`),
 *    gke (`GKE_CLUSTER_NAME`, a GCP project variable, or the node's DMI product name
 *    "Google Compute Engine"), else kubernetes
 * 6. github-actions — `GITHUB_ACTIONS=true`
 * 7. local
 *
 * Evidence names the variables and files that decided, never their values.
 */
import type { Environment } from "../engine/vocabulary.js";
import type { Probe } from "./probe.js";

export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
export const SERVICE_ACCOUNT_TOKEN = `${SERVICE_ACCOUNT_DIR}/token`;
export const SERVICE_ACCOUNT_NAMESPACE = `${SERVICE_ACCOUNT_DIR}/namespace`;
/** Readable without root inside a pod; GCE (and so GKE) nodes report this product name. */
export const DMI_PRODUCT_NAME = "/sys/class/dmi/id/product_name";

export interface Detection {
  readonly environment: Environment;
  /** Why: the variables and files that matched, in the order they were considered. */
  readonly evidence: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Set and not blank. */
export function hasEnv(env: Env, name: string): boolean {
  const v = env[name];
  return typeof v === "string" && v.trim() !== "";
}

const set = (name: string) => `${name} is set`;

/** IRSA: the pod identity webhook projects a token and names the role to assume. */
export function irsaEvidence(env: Env): string[] {
  return hasEnv(env, "AWS_ROLE_ARN") && hasEnv(env, "AWS_WEB_IDENTITY_TOKEN_FILE") ? [`IRSA: ${set("AWS_ROLE_ARN")} and ${set("AWS_WEB_IDENTITY_TOKEN_FILE")}`] : [];
}

/** EKS Pod Identity: the agent serves credentials at a full URI (ECS uses a relative one). */
export function eksPodIdentityEvidence(env: Env): string[] {
  return hasEnv(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI") ? [`EKS Pod Identity: ${set("AWS_CONTAINER_CREDENTIALS_FULL_URI")}`] : [];
}

/** Azure Workload Identity: the webhook injects the client id and a federated token file. */
export function azureWorkloadIdentityEvidence(env: Env): string[] {
  return hasEnv(env, "AZURE_CLIENT_ID") && hasEnv(env, "AZURE_FEDERATED_TOKEN_FILE") ? [`Azure Workload Identity: ${set("AZURE_CLIENT_ID")} and ${set("AZURE_FEDERATED_TOKEN_FILE")}`] : [];
}

const GCP_PROJECT_VARS = ["GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "GCP_PROJECT", "CLOUDSDK_CORE_PROJECT"] as const;

async function kubernetesEvidence(probe: Probe): Promise<string[]> {
  const out: string[] = [];
  if (hasEnv(probe.env, "KUBERNETES_SERVICE_HOST")) out.push(set("KUBERNETES_SERVICE_HOST"));
  if (await probe.exists(SERVICE_ACCOUNT_TOKEN)) out.push(`${SERVICE_ACCOUNT_TOKEN} exists`);
  return out;
}

async function gkeEvidence(probe: Probe): Promise<string[]> {
  const out: string[] = [];
  if (hasEnv(probe.env, "GKE_CLUSTER_NAME")) out.push(set("GKE_CLUSTER_NAME"));
  for (const name of GCP_PROJECT_VARS) if (hasEnv(probe.env, name)) out.push(set(name));
  const product = await probe.readFile(DMI_PRODUCT_NAME);
  if (product?.trim() === "Google Compute Engine") out.push(`${DMI_PRODUCT_NAME} is "Google Compute Engine"`);
  return out;
}

/** Which environment this process runs in, and why. Never throws with a guarded probe. */
export async function detectEnvironment(probe: Probe): Promise<Detection> {
  const env = probe.env;
  const found = (environment: Environment, evidence: string[]): Detection => ({ environment, evidence });

  if (hasEnv(env, "AWS_LAMBDA_FUNCTION_NAME")) return found("lambda", [set("AWS_LAMBDA_FUNCTION_NAME")]);

  const ecs = ["ECS_CONTAINER_METADATA_URI_V4", "ECS_CONTAINER_METADATA_URI"].filter((n) => hasEnv(env, n));
  if (ecs.length > 0) return found("ecs", ecs.map(set));

  const knative = hasEnv(env, "KUBERNETES_SERVICE_HOST");
  if (!knative && hasEnv(env, "K_SERVICE") && hasEnv(env, "K_REVISION")) return found("cloudrun", [`${set("K_SERVICE")} and ${set("K_REVISION")}`]);
  if (!knative && hasEnv(env, "CLOUD_RUN_JOB")) return found("cloudrun", [set("CLOUD_RUN_JOB")]);

  const functions = ["FUNCTIONS_WORKER_RUNTIME", "WEBSITE_SITE_NAME"].filter((n) => hasEnv(env, n));
  if (functions.length > 0) return found("azure-functions", functions.map(set));

  const k8s = await kubernetesEvidence(probe);
  if (k8s.length > 0) {
    const eks = [...irsaEvidence(env), ...eksPodIdentityEvidence(env)];
    if (eks.length > 0) return found("eks", [...k8s, ...eks]);
    const aksVars = Object.keys(env)
      .filter((n) => n.startsWith("AKS_") && hasEnv(env, n))
      .sort();
    const aks = [...azureWorkloadIdentityEvidence(env), ...aksVars.map(set)];
    if (aks.length > 0) return found("aks", [...k8s, ...aks]);
    const gke = await gkeEvidence(probe);
    if (gke.length > 0) return found("gke", [...k8s, ...gke]);
    return found("kubernetes", k8s);
  }

  if (env["GITHUB_ACTIONS"] === "true") return found("github-actions", ["GITHUB_ACTIONS=true"]);

  return found("local", ["no cloud, cluster or CI marker found"]);
}
