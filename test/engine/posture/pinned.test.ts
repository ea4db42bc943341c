/**
 * Exact posture results, key order included: seeded random policies (odd values too, as a
 * signed bundle may carry any JSON) against seeded random facts, hashed, so any change to a
 * result (a check's detail, the order of checks, a warning) shows.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Rng } from "../../../fuzz/lib/rng.js";
import type { EffectivePosture } from "../../../src/engine/effective.js";
import { evaluatePosture } from "../../../src/engine/posture/index.js";
import type { PostureFacts } from "../../../src/engine/posture/index.js";
import { ENVIRONMENTS, PROVIDERS } from "../../../src/engine/vocabulary.js";

const FLAGS = [true, false, undefined, undefined, "true", 1, null];
const LIST_ENTRIES = ["123456789012", "1234*", "*", "?", "us-east-1", "eu-*", "payments", "kube-*", "default", "team-?"];
const VALUES = ["123456789012", "999", "us-east-1", "eu-west-1", "payments", "kube-system", "default", "team-a", "", "__proto__"];

function maybe<T>(rng: Rng, make: () => T, p = 0.5): T | undefined {
  return rng.chance(p) ? make() : undefined;
}

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function list(rng: Rng): unknown {
  const flat = () => rng.some(LIST_ENTRIES, 3);
  const r = rng.below(4);
  return r === 0 ? flat() : r === 1 ? [flat()] : r === 2 ? [flat(), flat(), flat()] : [];
}

function policy(rng: Rng): EffectivePosture {
  const flag = () => maybe(rng, () => rng.pick(FLAGS), 0.7);
  return clean({
    local: maybe(rng, () =>
      clean({
        require_encryption: flag(),
        min_security_score: maybe(rng, () => rng.pick([0, 50, 75, -1, 100, 101, "50", null, 12.5])),
        require_tpm: flag(),
        require_secure_boot: flag(),
      }),
    ),
    cloud: maybe(rng, () =>
      clean({
        require_iam: flag(),
        require_imdsv2: flag(),
        require_workload_identity: flag(),
        allowed_accounts: maybe(rng, () => list(rng)),
        allowed_regions: maybe(rng, () => list(rng)),
      }),
    ),
    kubernetes: maybe(rng, () =>
      clean({
        denied_namespaces: maybe(rng, () => rng.some(LIST_ENTRIES, 3)),
        allowed_namespaces: maybe(rng, () => list(rng)),
        require_service_account: flag(),
        require_non_root: flag(),
        require_read_only_root_fs: flag(),
      }),
    ),
    allow_insecure: maybe(rng, () => rng.pick([true, false, "yes"])),
    insecure_reason: maybe(rng, () => rng.pick(["legacy hosts", ""])),
    provider_map: maybe(rng, () => Object.fromEntries(rng.some([...ENVIRONMENTS, "toString"], 3).map((e) => [e, rng.pick(PROVIDERS)]))),
    fallback_provider: maybe(rng, () => rng.pick(PROVIDERS)),
  }) as EffectivePosture;
}

function facts(rng: Rng): PostureFacts {
  const flag = () => maybe(rng, () => rng.pick(FLAGS), 0.8);
  const text = () => maybe(rng, () => rng.pick<unknown>([...VALUES, 5]), 0.8);
  return clean({
    environment: maybe(rng, () => rng.pick<unknown>([...ENVIRONMENTS, ...ENVIRONMENTS, "mars", "", "LOCAL", 5, null, "toString"]), 0.95),
    securityScore: maybe(rng, () => rng.pick<unknown>([0, 49, 50, 74.5, 75, 90, 100, 150, -3, Number.NaN, Number.POSITIVE_INFINITY, "80"])),
    encryption: flag(),
    tpm: flag(),
    secureBoot: flag(),
    iam: flag(),
    imdsv2: flag(),
    workloadIdentity: flag(),
    account: text(),
    region: text(),
    namespace: text(),
    serviceAccount: flag(),
    nonRoot: flag(),
    readOnlyRootFs: flag(),
  }) as PostureFacts;
}

describe("evaluatePosture: exact results", () => {
  it("on seeded random policies and facts (hash of every result as JSON)", () => {
    const rng = new Rng(0x905e);
    const hash = createHash("sha256");
    const seen = new Set<string>();
    for (let p = 0; p < 600; p++) {
      const posture = policy(rng);
      for (let i = 0; i < 25; i++) {
        const result = evaluatePosture(posture, facts(rng));
        seen.add(`${result.environment} ${result.allowed} ${result.warnings.length > 0}`);
        hash.update(JSON.stringify(result)).update("\n");
      }
      hash.update(JSON.stringify(evaluatePosture(posture))).update(JSON.stringify(evaluatePosture(posture, null as unknown as PostureFacts)));
    }
    expect(seen.size).toBeGreaterThan(25);
    expect(hash.digest("hex")).toBe("60b19c90028862eff1edae814dacb00753ce3ff1bf9eb0ac831f053c0c601544");
  });

  it("one full result, key order included", () => {
    const posture = {
      local: { require_encryption: true, min_security_score: 60 },
      allow_insecure: true,
      insecure_reason: "lab machines",
      provider_map: { local: "keyring" },
    } as EffectivePosture;
    expect(JSON.stringify(evaluatePosture(posture, { environment: "local", securityScore: 120, encryption: false }))).toBe(
      JSON.stringify({
        allowed: true,
        environment: "local",
        checks: [
          { id: "local.require_encryption", passed: false, required: true, detail: "disk encryption: no" },
          { id: "local.min_security_score", passed: true, required: true, detail: "security score 120, minimum 60" },
          { id: "local.require_tpm", passed: false, required: false, detail: "TPM: unknown (not required)" },
          { id: "local.require_secure_boot", passed: false, required: false, detail: "Secure Boot: unknown (not required)" },
        ],
        score: 100,
        warnings: ["posture check local.require_encryption failed (disk encryption: no); allowed because allow_insecure is set: lab machines"],
        provider: "keyring",
        failed: ["local.require_encryption"],
      }),
    );
    const eks = evaluatePosture(
      { cloud: { allowed_accounts: [["1*"], ["2*"]], allowed_regions: [] }, kubernetes: { denied_namespaces: ["kube-*"], allowed_namespaces: ["*"] } } as unknown as EffectivePosture,
      { environment: "eks", account: "123", region: "us-east-1", namespace: "kube-system" },
    );
    expect(JSON.stringify(eks)).toBe(
      JSON.stringify({
        allowed: false,
        environment: "eks",
        checks: [
          { id: "cloud.require_iam", passed: false, required: false, detail: "platform identity (IAM) credentials: unknown (not required)" },
          { id: "cloud.require_imdsv2", passed: false, required: false, detail: "IMDSv1 disabled (IMDSv2 only): unknown (not required)" },
          { id: "cloud.require_workload_identity", passed: false, required: false, detail: "workload identity: unknown (not required)" },
          { id: "cloud.allowed_accounts", passed: false, required: true, detail: 'account "123" is not allowed (list 2 of 2)' },
          { id: "cloud.allowed_regions", passed: false, required: true, detail: 'region "us-east-1" is not allowed' },
          { id: "kubernetes.denied_namespaces", passed: false, required: true, detail: 'namespace "kube-system" is denied (kube-*)' },
          { id: "kubernetes.allowed_namespaces", passed: true, required: true, detail: 'namespace "kube-system" is allowed' },
          { id: "kubernetes.require_service_account", passed: false, required: false, detail: "service account token: unknown (not required)" },
          { id: "kubernetes.require_non_root", passed: false, required: false, detail: "running as non-root: unknown (not required)" },
          { id: "kubernetes.require_read_only_root_fs", passed: false, required: false, detail: "read-only root file system: unknown (not required)" },
        ],
        score: 0,
        warnings: [],
        provider: "env",
        failed: ["cloud.allowed_accounts", "cloud.allowed_regions", "kubernetes.denied_namespaces"],
      }),
    );
  });

  it("an unknown or missing environment", () => {
    expect(JSON.stringify(evaluatePosture({ fallback_provider: "vault" } as EffectivePosture, { environment: "mars" }))).toBe(
      JSON.stringify({
        allowed: false,
        environment: "unknown",
        checks: [
          {
            id: "environment",
            passed: false,
            required: true,
            detail: 'unknown environment "mars": expected one of local, eks, gke, aks, ecs, lambda, cloudrun, azure-functions, kubernetes, github-actions',
          },
        ],
        score: 0,
        warnings: [],
        provider: "vault",
        failed: ["environment"],
      }),
    );
    expect(evaluatePosture({} as EffectivePosture).checks).toEqual([{ id: "environment", passed: false, required: true, detail: "the environment was not detected" }]);
  });
});
