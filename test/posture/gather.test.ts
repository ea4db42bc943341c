import { describe, expect, it } from "vitest";
import { BUILTIN_POSTURE_POLICIES, evaluatePosture, toEffectivePosture } from "../../src/engine/posture/index.js";
import { FACT_FIELDS } from "../../src/posture/facts.js";
import { gatherFacts, gatherPosture } from "../../src/posture/gather.js";
import type { Probe } from "../../src/posture/probe.js";
import { fakeProbe, ok } from "./fake-probe.js";

const SA = "/var/run/secrets/kubernetes.io/serviceaccount";
const SECURE_BOOT = "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c";

const hardenedEksPod = () =>
  fakeProbe({
    uid: 1000,
    env: {
      KUBERNETES_SERVICE_HOST: "10.100.0.1",
      AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/payments",
      AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
      AWS_REGION: "eu-west-1",
      AWS_EC2_METADATA_V1_DISABLED: "true",
    },
    files: { [`${SA}/token`]: "jwt", [`${SA}/namespace`]: "payments", "/proc/mounts": "overlay / overlay ro,relatime 0 0\n" },
  });

describe("gatherPosture", () => {
  it("assesses a workstation locally and nothing else", async () => {
    const probe = fakeProbe({
      platform: "linux",
      uid: 0,
      dirs: { "/sys/block": ["dm-0"], "/sys/class/tpm/tpm0": [] },
      files: { "/sys/block/dm-0/dm/uuid": "CRYPT-LUKS2-abc-root", [SECURE_BOOT]: "\x07\x00\x00\x00\x01" },
    });
    const g = await gatherPosture(probe);
    expect(g.facts).toEqual({ environment: "local", encryption: true, tpm: true, secureBoot: true, securityScore: 80 });
    expect(g.kubernetes).toBeUndefined();
    expect(g.cloud).toBeUndefined();
    expect(g.evidence[0]).toBe("environment local: no cloud, cluster or CI marker found");
  });

  it("assesses an EKS pod with cloud and Kubernetes facts, running no local command", async () => {
    const probe = hardenedEksPod();
    const facts = await gatherFacts(probe);
    expect(facts).toEqual({
      environment: "eks",
      iam: true,
      imdsv2: true,
      workloadIdentity: true,
      account: "123456789012",
      region: "eu-west-1",
      namespace: "payments",
      serviceAccount: true,
      nonRoot: true,
      readOnlyRootFs: true,
    });
    expect(probe.ran).toEqual([]);
    // The strict built-in policy allows this pod.
    const strict = evaluatePosture(toEffectivePosture(BUILTIN_POSTURE_POLICIES.strict), facts);
    expect(strict.failed).toEqual([]);
    expect(strict.allowed).toBe(true);
  });

  it.each([
    ["lambda", { AWS_LAMBDA_FUNCTION_NAME: "f", AWS_REGION: "us-east-1" }, { environment: "lambda", iam: true, imdsv2: true, workloadIdentity: true, region: "us-east-1" }],
    ["github-actions", { GITHUB_ACTIONS: "true", ACTIONS_ID_TOKEN_REQUEST_URL: "https://x", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t" }, { environment: "github-actions", iam: true, workloadIdentity: true }],
    ["cloudrun", { K_SERVICE: "api", K_REVISION: "api-1", GOOGLE_CLOUD_PROJECT: "acme" }, { environment: "cloudrun", iam: true, workloadIdentity: true, account: "acme" }],
  ])("gathers %s facts from variables", async (_n, env, expected) => {
    expect(await gatherFacts(fakeProbe({ env }))).toEqual(expected);
  });

  it("uses only PostureFacts field names", async () => {
    for (const probe of [hardenedEksPod(), fakeProbe({ platform: "darwin", commands: { "fdesetup status": ok("FileVault is On.") } })]) {
      const facts = await gatherFacts(probe);
      for (const key of Object.keys(facts)) expect(FACT_FIELDS).toContain(key);
    }
  });

  it("never throws, whatever the probe does", async () => {
    const broken: Probe = {
      get env(): Record<string, string> {
        throw new Error("no env");
      },
      readFile: () => {
        throw new Error("boom");
      },
      exists: () => Promise.reject(new Error("boom")),
      readDir: () => Promise.reject(new Error("boom")),
      run: () => {
        throw new Error("boom");
      },
      platform: "linux",
    };
    const g = await gatherPosture(broken);
    expect(g.facts).toEqual({ environment: "local", securityScore: 0 });
  });

  it("abandons a command that hangs past its timeout: its fact is unknown", async () => {
    const started = Date.now();
    const facts = await gatherFacts(fakeProbe({ platform: "darwin", commands: { "fdesetup status": "hangs", "sysctl -n machdep.cpu.brand_string": ok("Apple M3") } }), { timeoutMs: 50 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(facts).toEqual({ environment: "local", tpm: true, secureBoot: true, securityScore: 40 });
  });

  it("evaluates a gathered insecure laptop as denied under the default built-in", async () => {
    const facts = await gatherFacts(fakeProbe({ platform: "darwin", commands: { "fdesetup status": ok("FileVault is Off.") } }));
    const r = evaluatePosture(toEffectivePosture(BUILTIN_POSTURE_POLICIES.default), facts);
    expect(r.allowed).toBe(false);
    expect(r.failed).toEqual(["local.require_encryption", "local.min_security_score"]);
  });
});
