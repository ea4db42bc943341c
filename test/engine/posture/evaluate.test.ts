import { describe, expect, it } from "vitest";
import { BUILTIN_POSTURE_POLICIES, evaluatePosture, providerFor, toEffectivePosture } from "../../../src/engine/posture/index.js";
import type { PostureFacts, PostureResult } from "../../../src/engine/posture/index.js";
import type { EffectivePosture } from "../../../src/engine/effective.js";
import { ENVIRONMENTS } from "../../../src/engine/vocabulary.js";
import type { Environment } from "../../../src/engine/vocabulary.js";

const ids = (r: PostureResult) => r.checks.map((c) => c.id);
const required = (r: PostureResult) => r.checks.filter((c) => c.required).map((c) => c.id);

const strict = toEffectivePosture(BUILTIN_POSTURE_POLICIES.strict);
const def = toEffectivePosture(BUILTIN_POSTURE_POLICIES.default);
const dev = toEffectivePosture(BUILTIN_POSTURE_POLICIES.development);

/** Facts that satisfy every check of the strict policy. */
const GOOD: PostureFacts = {
  securityScore: 90,
  encryption: true,
  tpm: true,
  secureBoot: true,
  iam: true,
  imdsv2: true,
  workloadIdentity: true,
  account: "123456789012",
  region: "us-east-1",
  namespace: "payments",
  serviceAccount: true,
  nonRoot: true,
  readOnlyRootFs: true,
};

describe("evaluatePosture: which checks apply per environment", () => {
  const LOCAL = ["local.require_encryption", "local.min_security_score", "local.require_tpm", "local.require_secure_boot"];
  const CLOUD = ["cloud.require_iam", "cloud.require_workload_identity", "cloud.allowed_accounts", "cloud.allowed_regions"];
  const AWS_CLOUD = ["cloud.require_iam", "cloud.require_imdsv2", "cloud.require_workload_identity", "cloud.allowed_accounts", "cloud.allowed_regions"];
  const K8S = [
    "kubernetes.denied_namespaces",
    "kubernetes.allowed_namespaces",
    "kubernetes.require_service_account",
    "kubernetes.require_non_root",
    "kubernetes.require_read_only_root_fs",
  ];
  const table: Record<Environment, string[]> = {
    local: LOCAL,
    eks: [...AWS_CLOUD, ...K8S],
    gke: [...CLOUD, ...K8S],
    aks: [...CLOUD, ...K8S],
    ecs: AWS_CLOUD,
    lambda: AWS_CLOUD,
    cloudrun: CLOUD,
    "azure-functions": CLOUD,
    kubernetes: K8S,
    "github-actions": ["cloud.require_iam"],
  };
  for (const env of ENVIRONMENTS) {
    it(env, () => {
      const r = evaluatePosture(strict, { ...GOOD, environment: env });
      expect(ids(r)).toEqual(table[env]);
      expect(r).toMatchObject({ allowed: true, environment: env, warnings: [], failed: [] });
    });
  }
});

describe("evaluatePosture: strict policy, each check fails closed", () => {
  const cases: Array<{ env: Environment; drop: keyof PostureFacts; check: string }> = [
    { env: "local", drop: "encryption", check: "local.require_encryption" },
    { env: "local", drop: "securityScore", check: "local.min_security_score" },
    { env: "local", drop: "tpm", check: "local.require_tpm" },
    { env: "local", drop: "secureBoot", check: "local.require_secure_boot" },
    { env: "eks", drop: "iam", check: "cloud.require_iam" },
    { env: "eks", drop: "imdsv2", check: "cloud.require_imdsv2" },
    { env: "gke", drop: "workloadIdentity", check: "cloud.require_workload_identity" },
    { env: "aks", drop: "serviceAccount", check: "kubernetes.require_service_account" },
    { env: "kubernetes", drop: "nonRoot", check: "kubernetes.require_non_root" },
    { env: "kubernetes", drop: "readOnlyRootFs", check: "kubernetes.require_read_only_root_fs" },
    { env: "kubernetes", drop: "namespace", check: "kubernetes.denied_namespaces" },
    { env: "github-actions", drop: "iam", check: "cloud.require_iam" },
  ];
  for (const c of cases) {
    it(`${c.env}: unknown ${c.drop} fails ${c.check}`, () => {
      const facts: Record<string, unknown> = { ...GOOD, environment: c.env };
      delete facts[c.drop];
      const r = evaluatePosture(strict, facts as PostureFacts);
      expect(r).toMatchObject({ allowed: false, failed: [c.check], warnings: [] });
      expect(r.checks.find((k) => k.id === c.check)).toMatchObject({ passed: false, required: true });
    });
    it(`${c.env}: false ${c.drop} fails too`, () => {
      const value = c.drop === "securityScore" ? 74 : c.drop === "namespace" ? "kube-system" : false;
      const r = evaluatePosture(strict, { ...GOOD, environment: c.env, [c.drop]: value });
      expect(r.failed).toEqual([c.check]);
    });
  }

  it("the minimum score is inclusive", () => {
    expect(evaluatePosture(strict, { ...GOOD, environment: "local", securityScore: 75 }).allowed).toBe(true);
    expect(evaluatePosture(strict, { ...GOOD, environment: "local", securityScore: Number.NaN }).failed).toEqual(["local.min_security_score"]);
  });

  it("imdsv2 is not checked outside AWS", () => {
    expect(evaluatePosture(strict, { ...GOOD, imdsv2: false, environment: "gke" }).allowed).toBe(true);
    expect(evaluatePosture(strict, { ...GOOD, imdsv2: false, environment: "lambda" }).failed).toEqual(["cloud.require_imdsv2"]);
  });
});

describe("evaluatePosture: environment", () => {
  it("a missing environment fails closed", () => {
    const r = evaluatePosture(def, {});
    expect(r).toMatchObject({ allowed: false, environment: "unknown", failed: ["environment"], provider: "env" });
    expect(r.checks[0]!.detail).toBe("the environment was not detected");
  });
  it("an unknown environment fails closed", () => {
    const r = evaluatePosture(def, { environment: "mainframe" });
    expect(r).toMatchObject({ allowed: false, environment: "unknown", failed: ["environment"] });
    expect(r.checks[0]!.detail).toMatch(/^unknown environment "mainframe"/);
  });
  it("no facts at all", () => {
    expect(evaluatePosture(def).allowed).toBe(false);
  });
});

describe("evaluatePosture: lists", () => {
  const posture: EffectivePosture = {
    cloud: { allowed_accounts: [["111", "222"], ["222", "333"]], allowed_regions: [["us-*", "eu-west-1"]] },
    kubernetes: { denied_namespaces: ["default", "kube-*"], allowed_namespaces: [["team-*"], ["team-a", "team-b"]] },
  };
  const cases: Array<{ name: string; facts: PostureFacts; failed: string[] }> = [
    { name: "account in every list", facts: { environment: "ecs", account: "222", region: "us-east-2" }, failed: [] },
    { name: "account in the first list only", facts: { environment: "ecs", account: "111", region: "us-east-2" }, failed: ["cloud.allowed_accounts"] },
    { name: "unknown account", facts: { environment: "ecs", region: "us-east-2" }, failed: ["cloud.allowed_accounts"] },
    { name: "region not allowed", facts: { environment: "lambda", account: "222", region: "ap-south-1" }, failed: ["cloud.allowed_regions"] },
    { name: "unknown region", facts: { environment: "cloudrun", account: "222" }, failed: ["cloud.allowed_regions"] },
    { name: "namespace allowed by both lists", facts: { environment: "kubernetes", namespace: "team-a" }, failed: [] },
    { name: "namespace allowed by the first list only", facts: { environment: "kubernetes", namespace: "team-c" }, failed: ["kubernetes.allowed_namespaces"] },
    { name: "denied namespace (wildcard)", facts: { environment: "kubernetes", namespace: "kube-system" }, failed: ["kubernetes.denied_namespaces", "kubernetes.allowed_namespaces"] },
    {
      name: "unknown namespace",
      facts: { environment: "kubernetes" },
      failed: ["kubernetes.denied_namespaces", "kubernetes.allowed_namespaces"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(evaluatePosture(posture, c.facts).failed).toEqual(c.failed);
    });
  }
  it("a flat list counts as one inner list; [] allows nothing", () => {
    const flat = { cloud: { allowed_regions: ["us-east-1"] } } as unknown as EffectivePosture;
    expect(evaluatePosture(flat, { environment: "ecs", region: "us-east-1" }).failed).toEqual([]);
    expect(evaluatePosture({ cloud: { allowed_regions: [] } }, { environment: "ecs", region: "us-east-1" }).failed).toEqual(["cloud.allowed_regions"]);
  });

  it("lists not set are not required", () => {
    const r = evaluatePosture({}, { environment: "gke" });
    expect(r.allowed).toBe(true);
    expect(required(r)).toEqual([]);
  });
});

describe("evaluatePosture: allow_insecure", () => {
  it("failures with allow_insecure: allowed with one warning per failed check", () => {
    const r = evaluatePosture({ ...strict, allow_insecure: true, insecure_reason: "lab machines" }, { environment: "local", encryption: false });
    expect(r.allowed).toBe(true);
    expect(r.failed).toEqual(["local.require_encryption", "local.min_security_score", "local.require_tpm", "local.require_secure_boot"]);
    expect(r.warnings).toHaveLength(4);
    expect(r.warnings[0]).toBe("posture check local.require_encryption failed (disk encryption: no); allowed because allow_insecure is set: lab machines");
  });
  it("no failures: no warnings", () => {
    expect(evaluatePosture({ ...strict, allow_insecure: true }, { ...GOOD, environment: "local" }).warnings).toEqual([]);
  });
  it("an unknown environment with allow_insecure is allowed with a warning", () => {
    const r = evaluatePosture(dev, {});
    expect(r).toMatchObject({ allowed: true, failed: ["environment"] });
    expect(r.warnings[0]).toMatch(/^posture check environment failed/);
  });
});

describe("evaluatePosture: provider", () => {
  it("provider_map, then fallback_provider, then env", () => {
    expect(providerFor({ provider_map: { eks: "vault" }, fallback_provider: "file" }, "eks")).toBe("vault");
    expect(providerFor({ provider_map: { eks: "vault" }, fallback_provider: "file" }, "gke")).toBe("file");
    expect(providerFor({ provider_map: { eks: "vault" } }, "gke")).toBe("env");
    expect(providerFor({}, undefined)).toBe("env");
    expect(providerFor({ fallback_provider: "keyring" }, undefined)).toBe("keyring");
  });
  it("is reported whatever the outcome", () => {
    expect(evaluatePosture(def, { environment: "local" })).toMatchObject({ allowed: false, provider: "keyring" });
    expect(evaluatePosture(def, { environment: "lambda", iam: true })).toMatchObject({ allowed: true, provider: "aws-secrets-manager" });
    expect(evaluatePosture(dev, { environment: "gke" }).provider).toBe("env");
  });
  it("ignores prototype keys", () => {
    expect(providerFor({ provider_map: {} }, "constructor" as Environment)).toBe("env");
  });
});

describe("evaluatePosture: score and report", () => {
  it("score is the local security score, clamped, 0 when unknown", () => {
    expect(evaluatePosture(def, { environment: "local", securityScore: 62 }).score).toBe(62);
    expect(evaluatePosture(def, { environment: "local", securityScore: 140 }).score).toBe(100);
    expect(evaluatePosture(def, { environment: "eks" }).score).toBe(0);
  });
  it("checks not required are listed with what the facts say", () => {
    const r = evaluatePosture(def, { environment: "local", encryption: true, securityScore: 60 });
    expect(r.allowed).toBe(true);
    expect(r.checks).toEqual([
      { id: "local.require_encryption", passed: true, required: true, detail: "disk encryption: yes" },
      { id: "local.min_security_score", passed: true, required: true, detail: "security score 60, minimum 50" },
      { id: "local.require_tpm", passed: false, required: false, detail: "TPM: unknown (not required)" },
      { id: "local.require_secure_boot", passed: false, required: false, detail: "Secure Boot: unknown (not required)" },
    ]);
  });
});

describe("BUILTIN_POSTURE_POLICIES", () => {
  it("default: score ≥ 50 and encryption locally, IAM in the cloud, system namespaces denied", () => {
    expect(BUILTIN_POSTURE_POLICIES.default).toMatchObject({
      local: { require_encryption: true, min_security_score: 50 },
      cloud: { require_iam: true },
      kubernetes: { denied_namespaces: ["default", "kube-system", "kube-public"] },
      allow_insecure: false,
    });
    expect(evaluatePosture(def, { environment: "local", encryption: true, securityScore: 50 }).allowed).toBe(true);
    expect(evaluatePosture(def, { environment: "local", encryption: true, securityScore: 49 }).failed).toEqual(["local.min_security_score"]);
    expect(evaluatePosture(def, { environment: "gke", iam: true, namespace: "default" }).failed).toEqual(["kubernetes.denied_namespaces"]);
    expect(evaluatePosture(def, { environment: "gke", iam: true, namespace: "payments" }).allowed).toBe(true);
  });

  it("development: nothing required, env everywhere, insecure allowed with a reason", () => {
    const spec = BUILTIN_POSTURE_POLICIES.development;
    expect(spec.allow_insecure).toBe(true);
    expect(spec.insecure_reason).toBeTruthy();
    for (const env of ENVIRONMENTS) {
      const r = evaluatePosture(dev, { environment: env });
      expect(r).toMatchObject({ allowed: true, provider: "env", warnings: [] });
      expect(required(r)).toEqual([]);
    }
  });

  it("strict: everything required, insecure never allowed", () => {
    expect(BUILTIN_POSTURE_POLICIES.strict).toMatchObject({
      local: { require_encryption: true, min_security_score: 75, require_tpm: true, require_secure_boot: true },
      cloud: { require_iam: true, require_imdsv2: true, require_workload_identity: true },
      kubernetes: { require_service_account: true, require_non_root: true, require_read_only_root_fs: true },
      allow_insecure: false,
    });
    expect(required(evaluatePosture(strict, { environment: "eks" }))).toEqual([
      "cloud.require_iam",
      "cloud.require_imdsv2",
      "cloud.require_workload_identity",
      "kubernetes.denied_namespaces",
      "kubernetes.require_service_account",
      "kubernetes.require_non_root",
      "kubernetes.require_read_only_root_fs",
    ]);
  });

  it("strict is never looser than default, and the built-ins are frozen", () => {
    for (const env of ENVIRONMENTS) {
      for (const facts of [{}, { iam: true }, { encryption: true, securityScore: 60 }, GOOD, { ...GOOD, namespace: "default" }]) {
        const f = { ...facts, environment: env };
        if (evaluatePosture(strict, f).allowed) expect(evaluatePosture(def, f).allowed).toBe(true);
      }
    }
    expect(Object.isFrozen(BUILTIN_POSTURE_POLICIES.strict.local)).toBe(true);
    expect(() => {
      (BUILTIN_POSTURE_POLICIES.default.kubernetes!.denied_namespaces as string[]).push("x");
    }).toThrow(TypeError);
  });

  it("toEffectivePosture wraps all-of lists", () => {
    expect(toEffectivePosture({ cloud: { allowed_regions: ["us-east-1"] }, kubernetes: { allowed_namespaces: ["a"] } })).toEqual({
      cloud: { allowed_regions: [["us-east-1"]] },
      kubernetes: { allowed_namespaces: [["a"]] },
    });
  });
});
