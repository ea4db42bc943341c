/** TypeScript shapes of the four policy kinds' `spec` (AccessPolicy, RuntimePolicy, DataPolicy, PosturePolicy), mirroring the JSON Schemas in ../model/schemas. */
import type { DataAction, Environment, MaskingMethod, Provider, ReasonCode } from "./vocabulary.js";

export type OneOrMany<T> = T | T[];

export type ConditionValue = string | number | boolean | Array<string | number | boolean>;
/** operator → context key → value(s) */
export type ConditionBlock = Record<string, Record<string, ConditionValue>>;

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: ConditionBlock;
}

export interface AccessSpec {
  Version: string;
  Description?: string;
  Statement?: Statement[];
  ResourceLimits?: {
    MaxExecutionTime?: string;
    MaxTokens?: number;
    MaxCostPerHour?: string;
    MaxMemory?: string;
    MaxConcurrentRequests?: number;
    MaxApiCalls?: number;
    MaxStorage?: string;
  };
  RequireApproval?: { Actions?: string[]; ApproverRole?: string; TimeoutSeconds?: number; NotificationChannels?: string[] };
  AuditLog?: { Required?: boolean; RetentionDays?: number; Include?: string[]; RedactPII?: boolean };
  Models?: { AllowedProviders?: string[]; AllowedModels?: string[]; DeniedModels?: string[] };
  Capabilities?: { AllowedTools?: string[]; DeniedTools?: string[]; RequireToolApproval?: boolean };
  Compliance?: { Frameworks?: string[]; RequireAuditLogging?: boolean; DataResidency?: string };
}

export interface ComplianceRule {
  id: string;
  type: "regex" | "nl";
  location: "input" | "output";
  patterns?: string[];
  instruction?: string;
  threshold?: number;
}

interface RuntimeSideEffects {
  require_idempotency_key?: boolean;
  max_retries?: number;
  approve_high_risk?: boolean;
}

export interface RuntimeSpec {
  tenant?: string;
  security_level?: string;
  default_retention?: string;
  signing?: { enabled?: boolean; key_ref?: string };
  observability?: {
    otlp_endpoint?: string;
    enabled?: boolean;
    sample?: { success?: number; error?: number };
    sampling?: { success_ratio?: number; error_always?: boolean };
    redact_identities?: boolean;
  };
  tools?: { allowlist?: string[]; deny_if_unpinned_version?: boolean };
  privacy?: { redact_outputs?: boolean; store_raw_payloads?: boolean; artifact_retention?: { public?: string; pii?: string; phi?: string } };
  side_effects?: RuntimeSideEffects;
  enforcement?: {
    deny_on?: ReasonCode[];
    escalate_on?: ReasonCode[];
    circuit_breakers?: { error_rate_pct?: number; p95_latency_ms?: number };
  };
  agent_guard?: { enabled?: boolean; block_on_severity?: "low" | "medium" | "high" | "critical"; block_on_count?: number };
  security?: {
    egress_allowlist?: string[];
    fs_allowlist?: string[];
    limits?: { max_payload_kb?: number; max_duration_ms?: number };
    side_effects?: RuntimeSideEffects;
    allow_versions?: Record<string, string[]>;
  };
  compliance?: {
    packs?: Array<{ id: string; name?: string; rules?: ComplianceRule[] }>;
    policies?: Array<{ id: string; name?: string; enabled?: boolean; pack_ids?: string[] }>;
  };
  export?: { enabled?: boolean; cadence?: "daily" | "weekly" | "monthly"; bucket_uri?: string };
}

export type ContextMatcher = string | string[] | { not: string | string[] };

export interface DataSpec {
  description?: string;
  match?: {
    dataset?: string;
    fields?: { sensitivity?: OneOrMany<string>; category?: OneOrMany<string>; contains?: string[]; any?: string[]; all?: string[] };
  };
  context?: {
    requester_role?: ContextMatcher;
    requester_clearance?: ContextMatcher;
    requester_region?: ContextMatcher;
    dataset_region?: ContextMatcher;
    environment?: ContextMatcher;
    time?: { after?: string; before?: string; timezone?: string };
  };
  action: Partial<Record<DataAction, boolean>> & { reason?: string; approver_role?: string; ttl?: string };
  masking?: { default_method?: MaskingMethod; rules?: Record<string, MaskingMethod> };
}

export interface PostureSpec {
  local?: { require_encryption?: boolean; min_security_score?: number; require_tpm?: boolean; require_secure_boot?: boolean };
  cloud?: {
    require_iam?: boolean;
    require_imdsv2?: boolean;
    require_workload_identity?: boolean;
    allowed_accounts?: string[];
    allowed_regions?: string[];
  };
  kubernetes?: {
    denied_namespaces?: string[];
    allowed_namespaces?: string[];
    require_service_account?: boolean;
    require_non_root?: boolean;
    require_read_only_root_fs?: boolean;
  };
  provider_map?: Partial<Record<Environment, Provider>>;
  fallback_provider?: Provider;
  allow_insecure?: boolean;
  insecure_reason?: string;
}
