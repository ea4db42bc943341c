/**
 * Cloud facts from environment variables alone: pure, no metadata server is asked, so
 * whatever only the metadata server knows stays unknown (GKE Workload Identity, IMDSv2 on EC2).
 *
 * - iam: true when credentials come from the platform's identity (IRSA, EKS Pod Identity, an ECS
 *   task role, a Lambda execution role, Cloud Run's service identity, Azure Workload or Managed
 *   Identity, GitHub's OIDC token); false when only long-lived keys are in sight (an `AKIA…`
 *   access key, `AZURE_CLIENT_SECRET`); otherwise unknown.
 * - workloadIdentity: the same platform identities, which are all issued per workload.
 * - imdsv2: true on Lambda and ECS Fargate (no instance metadata at all) and when
 *   `AWS_EC2_METADATA_V1_DISABLED=true` (the SDKs will not fall back to IMDSv1); else unknown.
 * - account: the AWS account of `AWS_ROLE_ARN`, the GCP project, the Azure subscription.
 * - region: `AWS_REGION`/`AWS_DEFAULT_REGION`, `GOOGLE_CLOUD_REGION`/`CLOUD_RUN_REGION`/
 *   `FUNCTION_REGION`, `REGION_NAME`/`AZURE_REGION`/`AZURE_LOCATION`.
 *
 * Only the detected environment's cloud is read: an AWS role variable leaking into a GKE pod says
 * nothing about that pod's Google identity.
 */
import type { Environment } from "../engine/vocabulary.js";
import { azureWorkloadIdentityEvidence, eksPodIdentityEvidence, hasEnv, irsaEvidence } from "./detect.js";

type Env = Readonly<Record<string, string | undefined>>;

export type Cloud = "aws" | "gcp" | "azure" | "github";

export interface CloudAssessment {
  readonly cloud?: Cloud;
  readonly iam?: boolean;
  readonly imdsv2?: boolean;
  readonly workloadIdentity?: boolean;
  readonly account?: string;
  readonly region?: string;
  readonly evidence: readonly string[];
}

const CLOUD_OF: Partial<Record<Environment, Cloud>> = {
  eks: "aws",
  ecs: "aws",
  lambda: "aws",
  gke: "gcp",
  cloudrun: "gcp",
  aks: "azure",
  "azure-functions": "azure",
  "github-actions": "github",
};

export function cloudOf(environment: Environment): Cloud | undefined {
  return CLOUD_OF[environment];
}

function first(env: Env, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) if (hasEnv(env, name)) return { name, value: env[name]!.trim() };
  return undefined;
}

/** The 12-digit account of an IAM ARN, e.g. arn:aws:iam::123456789012:role/app. */
export function accountOfArn(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn.trim())?.[1];
}

/** Long-term AWS access keys start with AKIA; temporary (role) ones with ASIA. */
function staticAwsKey(env: Env): string[] {
  return env["AWS_ACCESS_KEY_ID"]?.trim().startsWith("AKIA") ? ["long-term AWS access key (AKIA…) in AWS_ACCESS_KEY_ID"] : [];
}

function staticAzureSecret(env: Env): string[] {
  return hasEnv(env, "AZURE_CLIENT_SECRET") ? ["client secret in AZURE_CLIENT_SECRET"] : [];
}

function identityFacts(identities: readonly string[], statics: readonly string[]): { iam?: boolean; workloadIdentity?: boolean; evidence: string[] } {
  if (identities.length > 0) return { iam: true, workloadIdentity: true, evidence: identities.map((i) => `identity: ${i}`) };
  if (statics.length > 0) return { iam: false, evidence: [...statics.map((s) => `identity: ${s}, no platform identity`)] };
  return { evidence: ["identity: unknown (no platform identity or static key in the environment)"] };
}

function aws(env: Env): CloudAssessment {
  const identities = [
    ...irsaEvidence(env),
    ...eksPodIdentityEvidence(env),
    ...(hasEnv(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") ? ["ECS task role: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set"] : []),
    ...(hasEnv(env, "AWS_LAMBDA_FUNCTION_NAME") ? ["Lambda execution role"] : []),
  ];
  const id = identityFacts(identities, staticAwsKey(env));
  const evidence = [...id.evidence];
  const out: { iam?: boolean; imdsv2?: boolean; workloadIdentity?: boolean; account?: string; region?: string } = {};
  if (id.iam !== undefined) out.iam = id.iam;
  if (id.workloadIdentity !== undefined) out.workloadIdentity = id.workloadIdentity;

  if (hasEnv(env, "AWS_LAMBDA_FUNCTION_NAME")) {
    out.imdsv2 = true;
    evidence.push("imdsv2: Lambda has no instance metadata service");
  } else if (env["AWS_EXECUTION_ENV"]?.trim() === "AWS_ECS_FARGATE") {
    out.imdsv2 = true;
    evidence.push("imdsv2: ECS Fargate has no instance metadata service");
  } else if (env["AWS_EC2_METADATA_V1_DISABLED"]?.trim().toLowerCase() === "true") {
    out.imdsv2 = true;
    evidence.push("imdsv2: AWS_EC2_METADATA_V1_DISABLED=true");
  } else evidence.push("imdsv2: unknown (only the metadata service can tell)");

  const arn = env["AWS_ROLE_ARN"];
  const account = arn === undefined ? undefined : accountOfArn(arn);
  if (account !== undefined) {
    out.account = account;
    evidence.push("account: from AWS_ROLE_ARN");
  }
  const region = first(env, ["AWS_REGION", "AWS_DEFAULT_REGION"]);
  if (region) {
    out.region = region.value;
    evidence.push(`region: from ${region.name}`);
  }
  return { cloud: "aws", ...out, evidence };
}

function gcp(env: Env, environment: Environment): CloudAssessment {
  // Cloud Run always runs as a service account served by its metadata server; GKE's Workload Identity cannot be seen without asking it.
  const identities = environment === "cloudrun" ? ["Cloud Run service identity"] : [];
  const id = identityFacts(identities, []);
  const out: { iam?: boolean; workloadIdentity?: boolean; account?: string; region?: string } = {};
  if (id.iam !== undefined) out.iam = id.iam;
  if (id.workloadIdentity !== undefined) out.workloadIdentity = id.workloadIdentity;
  const evidence = [...id.evidence];
  const project = first(env, ["GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "GCP_PROJECT", "CLOUDSDK_CORE_PROJECT"]);
  if (project) {
    out.account = project.value;
    evidence.push(`account: project from ${project.name}`);
  }
  const region = first(env, ["GOOGLE_CLOUD_REGION", "CLOUD_RUN_REGION", "FUNCTION_REGION"]);
  if (region) {
    out.region = region.value;
    evidence.push(`region: from ${region.name}`);
  }
  return { cloud: "gcp", ...out, evidence };
}

/** App Service and Functions: WEBSITE_OWNER_NAME is "<subscription id>+<resource group>-<region>webspace". */
function subscriptionOfOwner(owner: string | undefined): string | undefined {
  return owner === undefined ? undefined : /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\+/i.exec(owner.trim())?.[1];
}

function azure(env: Env): CloudAssessment {
  const identities = [
    ...azureWorkloadIdentityEvidence(env),
    ...(hasEnv(env, "IDENTITY_ENDPOINT") || hasEnv(env, "MSI_ENDPOINT") ? ["Azure Managed Identity: IDENTITY_ENDPOINT or MSI_ENDPOINT is set"] : []),
  ];
  const id = identityFacts(identities, staticAzureSecret(env));
  const out: { iam?: boolean; workloadIdentity?: boolean; account?: string; region?: string } = {};
  if (id.iam !== undefined) out.iam = id.iam;
  if (id.workloadIdentity !== undefined) out.workloadIdentity = id.workloadIdentity;
  const evidence = [...id.evidence];
  const sub = first(env, ["AZURE_SUBSCRIPTION_ID"]);
  const fromOwner = subscriptionOfOwner(env["WEBSITE_OWNER_NAME"]);
  if (sub) {
    out.account = sub.value;
    evidence.push("account: subscription from AZURE_SUBSCRIPTION_ID");
  } else if (fromOwner) {
    out.account = fromOwner;
    evidence.push("account: subscription from WEBSITE_OWNER_NAME");
  }
  const region = first(env, ["REGION_NAME", "AZURE_REGION", "AZURE_LOCATION"]);
  if (region) {
    out.region = region.value;
    evidence.push(`region: from ${region.name}`);
  }
  return { cloud: "azure", ...out, evidence };
}

function github(env: Env): CloudAssessment {
  // A job granted `id-token: write` can exchange GitHub's OIDC token for cloud credentials instead of holding keys.
  const oidc = hasEnv(env, "ACTIONS_ID_TOKEN_REQUEST_URL") && hasEnv(env, "ACTIONS_ID_TOKEN_REQUEST_TOKEN") ? ["GitHub OIDC token available (id-token: write)"] : [];
  const id = identityFacts(oidc, [...staticAwsKey(env), ...staticAzureSecret(env)]);
  return { cloud: "github", ...(id.iam !== undefined ? { iam: id.iam } : {}), ...(id.workloadIdentity !== undefined ? { workloadIdentity: id.workloadIdentity } : {}), evidence: id.evidence };
}

/**
 * The cloud facts of a detected environment, from its variables.
 *
 * @example
 * assessCloud({ AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/app", AWS_WEB_IDENTITY_TOKEN_FILE: "/t", AWS_REGION: "eu-west-1" }, "eks");
 * // → { cloud: "aws", iam: true, workloadIdentity: true, account: "123456789012", region: "eu-west-1", evidence: [...] }
 */
export function assessCloud(env: Env, environment: Environment): CloudAssessment {
  switch (cloudOf(environment)) {
    case "aws":
      return aws(env);
    case "gcp":
      return gcp(env, environment);
    case "azure":
      return azure(env);
    case "github":
      return github(env);
    default:
      return { evidence: [] };
  }
}
