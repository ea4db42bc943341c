/**
 * VaultGuard's three built-in posture policies, as PostureSpec values; the templates
 * and the `posture` pack carry the same values.
 *
 * - default: local score ≥ 50 and disk encryption, cloud IAM, Kubernetes denies the `default`,
 *   `kube-system` and `kube-public` namespaces; keyring locally, each cloud's secret manager.
 * - development: no minimum score, no IAM, every environment uses `env`, `allow_insecure: true`.
 * - strict: score ≥ 75, encryption, TPM, Secure Boot, IAM, IMDSv2, workload identity, service
 *   account, non-root, read-only root fs, `allow_insecure: false` (its document locks it). It
 *   also keeps default's denied namespaces and providers, so strict is never looser than default.
 */
import type { EffectivePosture } from "../effective.js";
import type { PostureSpec } from "../spec.js";
import { ENVIRONMENTS } from "../vocabulary.js";
import type { Environment, Provider } from "../vocabulary.js";

const SECURE_PROVIDERS: Partial<Record<Environment, Provider>> = {
  local: "keyring",
  eks: "aws-secrets-manager",
  ecs: "aws-secrets-manager",
  lambda: "aws-secrets-manager",
  gke: "gcp-secret-manager",
  cloudrun: "gcp-secret-manager",
  aks: "azure-key-vault",
  "azure-functions": "azure-key-vault",
  kubernetes: "kubernetes-secret",
  "github-actions": "env",
};

const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public"];

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export type BuiltinPostureName = "default" | "development" | "strict";

export const BUILTIN_POSTURE_POLICIES: Readonly<Record<BuiltinPostureName, PostureSpec>> = deepFreeze({
  default: {
    local: { require_encryption: true, min_security_score: 50 },
    cloud: { require_iam: true },
    kubernetes: { denied_namespaces: [...SYSTEM_NAMESPACES] },
    provider_map: { ...SECURE_PROVIDERS },
    fallback_provider: "env",
    allow_insecure: false,
  },
  development: {
    local: { require_encryption: false, min_security_score: 0 },
    cloud: { require_iam: false },
    provider_map: Object.fromEntries(ENVIRONMENTS.map((e) => [e, "env"])) as Record<Environment, Provider>,
    fallback_provider: "env",
    allow_insecure: true,
    insecure_reason: "development policy: posture checks warn instead of deny; never use it in production",
  },
  strict: {
    local: { require_encryption: true, min_security_score: 75, require_tpm: true, require_secure_boot: true },
    cloud: { require_iam: true, require_imdsv2: true, require_workload_identity: true },
    kubernetes: {
      denied_namespaces: [...SYSTEM_NAMESPACES],
      require_service_account: true,
      require_non_root: true,
      require_read_only_root_fs: true,
    },
    provider_map: { ...SECURE_PROVIDERS },
    fallback_provider: "env",
    allow_insecure: false,
  },
});

/** A single PostureSpec as the effective policy of one document (all-of lists become one inner list each). */
export function toEffectivePosture(spec: PostureSpec): EffectivePosture {
  const { cloud, kubernetes, ...rest } = spec;
  const out: EffectivePosture = { ...rest };
  if (cloud !== undefined) {
    const { allowed_accounts, allowed_regions, ...c } = cloud;
    out.cloud = {
      ...c,
      ...(allowed_accounts !== undefined ? { allowed_accounts: [[...allowed_accounts]] } : {}),
      ...(allowed_regions !== undefined ? { allowed_regions: [[...allowed_regions]] } : {}),
    };
  }
  if (kubernetes !== undefined) {
    const { allowed_namespaces, ...k } = kubernetes;
    out.kubernetes = { ...k, ...(allowed_namespaces !== undefined ? { allowed_namespaces: [[...allowed_namespaces]] } : {}) };
  }
  return out;
}
