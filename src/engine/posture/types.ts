/** Shapes of PosturePolicy evaluation. */
import type { Environment, Provider } from "../vocabulary.js";

/**
 * What environment detection and the local/cloud/Kubernetes probes found (src/posture gathers
 * them). Every field is optional: an unknown fact fails any check that requires it.
 */
export interface PostureFacts {
  /** One of ENVIRONMENTS; anything else (or nothing) is an unknown environment, which fails closed. */
  readonly environment?: string;
  /** Local assessment, 0–100. */
  readonly securityScore?: number;
  /** Disk encryption is on (dm-crypt/LUKS, FileVault, BitLocker). */
  readonly encryption?: boolean;
  readonly tpm?: boolean;
  readonly secureBoot?: boolean;
  /** Credentials come from the platform's identity (an IAM role, IRSA, OIDC federation), not static keys. */
  readonly iam?: boolean;
  /** Instance metadata v1 is not usable: IMDSv2 enforced, or no metadata service at all (Lambda, Fargate). */
  readonly imdsv2?: boolean;
  /** The workload runs with a platform-issued workload identity (GKE/AKS Workload Identity, EKS Pod Identity/IRSA). */
  readonly workloadIdentity?: boolean;
  /** Cloud account / project / subscription id. */
  readonly account?: string;
  readonly region?: string;
  readonly namespace?: string;
  /** A Kubernetes service account token is mounted. */
  readonly serviceAccount?: boolean;
  /** The process does not run as uid 0. */
  readonly nonRoot?: boolean;
  /** The root file system is read-only. */
  readonly readOnlyRootFs?: boolean;
}

export interface PostureCheck {
  /** The policy field the check enforces, e.g. "local.require_encryption"; "environment" for detection. */
  readonly id: string;
  readonly passed: boolean;
  /** True when the policy demands it; only a failed required check counts. */
  readonly required: boolean;
  readonly detail: string;
}

export interface PostureResult {
  readonly allowed: boolean;
  readonly environment: Environment | "unknown";
  /** Every check of the sections that apply to the environment. */
  readonly checks: readonly PostureCheck[];
  /** The local security score (facts.securityScore clamped to 0–100; 0 when unknown). */
  readonly score: number;
  /** With allow_insecure: one warning per failed required check. */
  readonly warnings: readonly string[];
  /** provider_map[environment], else fallback_provider, else "env". */
  readonly provider: Provider;
  /** Ids of the failed required checks. */
  readonly failed: readonly string[];
}
