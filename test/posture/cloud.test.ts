import { describe, expect, it } from "vitest";
import { accountOfArn, assessCloud } from "../../src/posture/cloud.js";

const IRSA = { AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/app", AWS_WEB_IDENTITY_TOKEN_FILE: "/t" };

describe("assessCloud", () => {
  it("EKS with IRSA: IAM, workload identity, account from the role ARN, region", () => {
    expect(assessCloud({ ...IRSA, AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "us-east-1" }, "eks")).toMatchObject({
      cloud: "aws",
      iam: true,
      workloadIdentity: true,
      account: "123456789012",
      region: "eu-west-1",
    });
  });

  it("IMDSv2 is unknown on EKS unless IMDSv1 is disabled", () => {
    expect(assessCloud(IRSA, "eks").imdsv2).toBeUndefined();
    expect(assessCloud({ ...IRSA, AWS_EC2_METADATA_V1_DISABLED: "true" }, "eks").imdsv2).toBe(true);
  });

  it("Lambda: execution role, no metadata service, default region", () => {
    expect(assessCloud({ AWS_LAMBDA_FUNCTION_NAME: "f", AWS_DEFAULT_REGION: "us-east-2", AWS_ACCESS_KEY_ID: "ASIAEXAMPLE" }, "lambda")).toMatchObject({ iam: true, imdsv2: true, region: "us-east-2" });
  });

  it("ECS: task role; Fargate has no metadata service", () => {
    expect(assessCloud({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/x", AWS_EXECUTION_ENV: "AWS_ECS_FARGATE" }, "ecs")).toMatchObject({ iam: true, workloadIdentity: true, imdsv2: true });
    const ec2 = assessCloud({ AWS_EXECUTION_ENV: "AWS_ECS_EC2" }, "ecs");
    expect([ec2.iam, ec2.imdsv2]).toEqual([undefined, undefined]);
  });

  it("long-term keys without a platform identity are not IAM", () => {
    const c = assessCloud({ AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE" }, "ecs");
    expect(c.iam).toBe(false);
    expect(c.workloadIdentity).toBeUndefined();
    expect(JSON.stringify(c)).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });

  it("Cloud Run: service identity, project and region", () => {
    expect(assessCloud({ K_SERVICE: "api", GOOGLE_CLOUD_PROJECT: "acme-prod", CLOUD_RUN_REGION: "europe-west1" }, "cloudrun")).toMatchObject({
      cloud: "gcp",
      iam: true,
      account: "acme-prod",
      region: "europe-west1",
    });
  });

  it("GKE: Workload Identity is unknown without the metadata server", () => {
    const c = assessCloud({ GOOGLE_CLOUD_PROJECT: "acme-prod" }, "gke");
    expect(c).toMatchObject({ account: "acme-prod" });
    expect(c.iam).toBeUndefined();
    expect(c.workloadIdentity).toBeUndefined();
  });

  it("AKS workload identity and Azure Functions managed identity", () => {
    expect(assessCloud({ AZURE_CLIENT_ID: "c", AZURE_FEDERATED_TOKEN_FILE: "/t", AZURE_SUBSCRIPTION_ID: "sub" }, "aks")).toMatchObject({ cloud: "azure", iam: true, workloadIdentity: true, account: "sub" });
    expect(
      assessCloud({ IDENTITY_ENDPOINT: "http://localhost:8081/msi/token", WEBSITE_OWNER_NAME: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0+rg-westeuropewebspace", REGION_NAME: "West Europe" }, "azure-functions"),
    ).toMatchObject({ iam: true, account: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", region: "West Europe" });
    expect(assessCloud({ AZURE_CLIENT_ID: "c", AZURE_CLIENT_SECRET: "s" }, "aks").iam).toBe(false);
  });

  it("GitHub Actions: OIDC federation counts as IAM", () => {
    expect(assessCloud({ ACTIONS_ID_TOKEN_REQUEST_URL: "https://x", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t" }, "github-actions").iam).toBe(true);
    expect(assessCloud({ AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE" }, "github-actions").iam).toBe(false);
    expect(assessCloud({}, "github-actions").iam).toBeUndefined();
  });

  it("reads nothing outside a cloud, and only the detected cloud's variables", () => {
    expect(assessCloud({ ...IRSA, AWS_REGION: "eu-west-1" }, "local")).toEqual({ evidence: [] });
    const gke = assessCloud({ ...IRSA, AWS_REGION: "eu-west-1" }, "gke");
    expect([gke.account, gke.region, gke.iam]).toEqual([undefined, undefined, undefined]);
  });

  it("parses account ids from ARNs of every partition", () => {
    expect(accountOfArn("arn:aws-us-gov:iam::111122223333:role/x")).toBe("111122223333");
    expect(accountOfArn("arn:aws:sts::111122223333:assumed-role/x")).toBeUndefined();
    expect(accountOfArn("not an arn")).toBeUndefined();
  });
});
