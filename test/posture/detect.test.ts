import { describe, expect, it } from "vitest";
import { detectEnvironment } from "../../src/posture/detect.js";
import { ENVIRONMENTS } from "../../src/engine/vocabulary.js";
import { fakeProbe } from "./fake-probe.js";
import type { FakeMachine } from "./fake-probe.js";

const TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";
const K8S = { KUBERNETES_SERVICE_HOST: "10.0.0.1" };
const IRSA = { AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/app", AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token" };
const AZURE_WI = { AZURE_CLIENT_ID: "00000000-0000-0000-0000-000000000001", AZURE_FEDERATED_TOKEN_FILE: "/var/run/secrets/azure/tokens/azure-identity-token" };

const CASES: Array<[name: string, machine: FakeMachine, expected: string]> = [
  ["lambda", { env: { AWS_LAMBDA_FUNCTION_NAME: "orders" } }, "lambda"],
  ["ecs (metadata v4)", { env: { ECS_CONTAINER_METADATA_URI_V4: "http://169.254.170.2/v4/abc" } }, "ecs"],
  ["ecs (metadata v3)", { env: { ECS_CONTAINER_METADATA_URI: "http://169.254.170.2/v3/abc" } }, "ecs"],
  ["cloudrun service", { env: { K_SERVICE: "api", K_REVISION: "api-00001" } }, "cloudrun"],
  ["cloudrun job", { env: { CLOUD_RUN_JOB: "nightly" } }, "cloudrun"],
  ["azure-functions (worker runtime)", { env: { FUNCTIONS_WORKER_RUNTIME: "node" } }, "azure-functions"],
  ["azure-functions (site name)", { env: { WEBSITE_SITE_NAME: "orders-fn" } }, "azure-functions"],
  ["eks (IRSA)", { env: { ...K8S, ...IRSA } }, "eks"],
  ["eks (Pod Identity, token file only)", { env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.23/v1/credentials" }, files: { [TOKEN]: "jwt" } }, "eks"],
  ["gke (cluster name)", { env: { ...K8S, GKE_CLUSTER_NAME: "prod" } }, "gke"],
  ["gke (project variable)", { env: { ...K8S, GOOGLE_CLOUD_PROJECT: "acme-prod" } }, "gke"],
  ["gke (DMI product name)", { env: K8S, files: { "/sys/class/dmi/id/product_name": "Google Compute Engine\n" } }, "gke"],
  ["aks (workload identity)", { env: { ...K8S, ...AZURE_WI } }, "aks"],
  ["aks (AKS_ variable)", { env: { ...K8S, AKS_CLUSTER_NAME: "prod" } }, "aks"],
  ["kubernetes (service host)", { env: K8S }, "kubernetes"],
  ["kubernetes (token file)", { files: { [TOKEN]: "jwt" } }, "kubernetes"],
  ["github-actions", { env: { GITHUB_ACTIONS: "true", CI: "true" } }, "github-actions"],
  ["local", {}, "local"],
  // Precedence and near misses.
  ["lambda beats GitHub Actions variables leaking in", { env: { AWS_LAMBDA_FUNCTION_NAME: "orders", GITHUB_ACTIONS: "true" } }, "lambda"],
  ["lambda beats ECS", { env: { AWS_LAMBDA_FUNCTION_NAME: "orders", ECS_CONTAINER_METADATA_URI_V4: "http://x" } }, "lambda"],
  ["ecs beats Kubernetes", { env: { ...K8S, ECS_CONTAINER_METADATA_URI_V4: "http://x" } }, "ecs"],
  ["EKS beats plain kubernetes and GKE hints", { env: { ...K8S, ...IRSA, GOOGLE_CLOUD_PROJECT: "p" } }, "eks"],
  ["AKS workload identity beats GKE hints", { env: { ...K8S, ...AZURE_WI, GOOGLE_CLOUD_PROJECT: "p" } }, "aks"],
  ["Kubernetes beats GitHub Actions (runner pods)", { env: { ...K8S, GITHUB_ACTIONS: "true" } }, "kubernetes"],
  ["Knative on a cluster is not Cloud Run", { env: { ...K8S, K_SERVICE: "api", K_REVISION: "api-1" } }, "kubernetes"],
  ["K_SERVICE alone is not Cloud Run", { env: { K_SERVICE: "api" } }, "local"],
  ["IRSA variables outside a cluster are not EKS", { env: IRSA }, "local"],
  ["half of IRSA inside a cluster is plain kubernetes", { env: { ...K8S, AWS_ROLE_ARN: IRSA.AWS_ROLE_ARN } }, "kubernetes"],
  ["half of Azure Workload Identity is not AKS", { env: { ...K8S, AZURE_CLIENT_ID: "x" } }, "kubernetes"],
  ["another product name is not GKE", { env: K8S, files: { "/sys/class/dmi/id/product_name": "Standard PC (Q35 + ICH9, 2009)" } }, "kubernetes"],
  ["GITHUB_ACTIONS=false is local", { env: { GITHUB_ACTIONS: "false" } }, "local"],
  ["blank variables count as unset", { env: { AWS_LAMBDA_FUNCTION_NAME: "", ECS_CONTAINER_METADATA_URI_V4: "  ", KUBERNETES_SERVICE_HOST: "" } }, "local"],
];

describe("detectEnvironment", () => {
  it.each(CASES)("%s", async (_name, machine, expected) => {
    const d = await detectEnvironment(fakeProbe(machine));
    expect(d.environment).toBe(expected);
    expect(d.evidence.length).toBeGreaterThan(0);
  });

  it("covers every environment of the vocabulary", async () => {
    const seen = new Set<string>();
    for (const [, machine] of CASES) seen.add((await detectEnvironment(fakeProbe(machine))).environment);
    expect([...seen].sort()).toEqual([...ENVIRONMENTS].sort());
  });

  it("names the deciding variables and files, never their values", async () => {
    const d = await detectEnvironment(fakeProbe({ env: { ...K8S, ...IRSA }, files: { [TOKEN]: "jwt" } }));
    expect(d.evidence).toEqual([
      "KUBERNETES_SERVICE_HOST is set",
      `${TOKEN} exists`,
      "IRSA: AWS_ROLE_ARN is set and AWS_WEB_IDENTITY_TOKEN_FILE is set",
    ]);
    expect(JSON.stringify(d)).not.toContain("123456789012");
  });

  it("asks nothing of the network: only variables, files and no commands", async () => {
    const probe = fakeProbe({ env: K8S });
    await detectEnvironment(probe);
    expect(probe.ran).toEqual([]);
  });
});
