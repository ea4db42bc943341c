/** JSON Schemas of the four policy kinds, with merge, looseness and format annotations. */
import { API_VERSION, ENVIRONMENTS, MASKING_METHODS, PROVIDERS, SEVERITY_LEVELS } from "../../engine/vocabulary.js";
import type { PolicyKind } from "../../engine/vocabulary.js";
import { bool, int, list, map, num, obj, str, strEnum, strOrList } from "./builders.js";
import type { Schema } from "./builders.js";

const POLICY_ID = "^[a-z0-9][a-z0-9_-]{0,62}$";

const metadata = obj(
  {
    id: str({ description: "Unique per kind across the repository" }, { pattern: POLICY_ID }),
    priority: int({ description: "Precedence inside a layer; higher wins", "x-looser": "neutral" }, { minimum: 0, maximum: 9999 }),
    description: str({ "x-looser": "neutral" }),
    targets: list(str(), { description: "Targets this document applies to; default: all of edict.yaml", "x-looser": "review" }, { uniqueItems: true }),
    locked: list(str(), { description: "Dotted spec paths later documents may not change", "x-looser": "review" }, { uniqueItems: true }),
    owners: list(str(), { "x-looser": "neutral" }),
  },
  ["id", "priority"],
);

const actionPattern = str({ "x-format": "action-pattern" });
const resourcePattern = str({ "x-format": "resource-pattern" });
const conditionValue: Schema = {
  type: ["string", "number", "boolean", "array"],
  items: { type: ["string", "number", "boolean"] },
};

const statement = obj(
  {
    Sid: str({ "x-looser": "neutral" }, { pattern: "^[A-Za-z0-9_.-]+$" }),
    Effect: strEnum(["Allow", "Deny"]),
    Action: strOrList({}, actionPattern),
    NotAction: strOrList({}, actionPattern),
    Resource: strOrList({}, resourcePattern),
    NotResource: strOrList({}, resourcePattern),
    Condition: map(map(conditionValue), { description: "operator → context key → value(s)" }),
  },
  ["Effect"],
);

const accessSpec = obj(
  {
    Version: str({ "x-format": "policy-version", "x-looser": "neutral" }),
    Description: str({ "x-looser": "neutral" }),
    Statement: list(statement, { "x-merge": "append" }),
    ResourceLimits: obj({
      MaxExecutionTime: str({ "x-format": "duration", "x-looser": "increase" }),
      MaxTokens: int({ "x-looser": "increase" }, { minimum: 0 }),
      MaxCostPerHour: str({ "x-format": "money", "x-looser": "increase" }),
      MaxMemory: str({ "x-format": "size", "x-looser": "increase" }),
      MaxConcurrentRequests: int({ "x-looser": "increase" }, { minimum: 0 }),
      MaxApiCalls: int({ "x-looser": "increase" }, { minimum: 0 }),
      MaxStorage: str({ "x-format": "size", "x-looser": "increase" }),
    }),
    RequireApproval: obj({
      Actions: list(actionPattern, { "x-merge": "union", "x-looser": "remove" }),
      ApproverRole: str({ "x-looser": "review" }),
      TimeoutSeconds: int({ "x-looser": "review" }, { minimum: 1 }),
      NotificationChannels: list(str(), { "x-merge": "union", "x-looser": "neutral" }),
    }),
    AuditLog: obj({
      Required: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
      RetentionDays: int({ "x-looser": "decrease" }, { minimum: 0 }),
      Include: list(str(), { "x-merge": "union", "x-looser": "remove" }),
      RedactPII: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
    }),
    Models: obj({
      AllowedProviders: list(str(), { "x-merge": "all-of", "x-looser": "add" }),
      AllowedModels: list(str(), { "x-merge": "all-of", "x-looser": "add" }),
      DeniedModels: list(str(), { "x-merge": "union", "x-looser": "remove" }),
    }),
    Capabilities: obj({
      AllowedTools: list(str(), { "x-merge": "all-of", "x-looser": "add" }),
      DeniedTools: list(str(), { "x-merge": "union", "x-looser": "remove" }),
      RequireToolApproval: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
    }),
    Compliance: obj({
      Frameworks: list(str(), { "x-merge": "union", "x-looser": "remove" }),
      RequireAuditLogging: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
      DataResidency: str({ "x-looser": "review" }),
    }),
  },
  ["Version"],
);

const duration = (looser: "increase" | "decrease" | "review" = "review") => str({ "x-format": "duration", "x-looser": looser });
const reasonCodes = (looser: "remove" | "neutral") => list(str({ "x-format": "reason-code" }), { "x-merge": "union", "x-looser": looser });

const complianceRule = obj(
  {
    id: str(),
    type: strEnum(["regex", "nl"]),
    location: strEnum(["input", "output"]),
    patterns: list(str({ "x-format": "regex" })),
    instruction: str(),
    threshold: num({}, { minimum: 0, maximum: 100 }),
  },
  ["id", "type", "location"],
);

const runtimeSideEffects = {
  require_idempotency_key: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
  max_retries: int({ "x-looser": "increase" }, { minimum: 0 }),
  approve_high_risk: bool({ "x-looser": "false" }),
};

const runtimeSpec = obj({
  tenant: str({ "x-looser": "review" }, { minLength: 1 }),
  security_level: str({ "x-looser": "review" }),
  default_retention: duration(),
  signing: obj({ enabled: bool({ "x-looser": "false" }), key_ref: str({ "x-looser": "review" }) }),
  observability: obj({
    otlp_endpoint: str({ "x-looser": "review" }),
    enabled: bool({ "x-looser": "false" }),
    sample: obj({ success: num({ "x-looser": "decrease" }, { minimum: 0, maximum: 1 }), error: num({ "x-looser": "decrease" }, { minimum: 0, maximum: 1 }) }),
    sampling: obj({ success_ratio: num({ "x-looser": "decrease" }, { minimum: 0, maximum: 1 }), error_always: bool({ "x-looser": "false" }) }),
    redact_identities: bool({ "x-looser": "false" }),
  }),
  tools: obj({
    allowlist: list(str({ "x-format": "tool-pattern" }), { "x-merge": "all-of", "x-looser": "add" }),
    deny_if_unpinned_version: bool({ "x-looser": "false" }),
  }),
  privacy: obj({
    redact_outputs: bool({ "x-looser": "false" }),
    store_raw_payloads: bool({ "x-looser": "true" }),
    artifact_retention: obj({ public: duration("increase"), pii: duration("increase"), phi: duration("increase") }),
  }),
  side_effects: obj(runtimeSideEffects),
  enforcement: obj({
    deny_on: reasonCodes("remove"),
    escalate_on: reasonCodes("remove"),
    circuit_breakers: obj({
      error_rate_pct: num({ "x-looser": "increase" }, { minimum: 0, maximum: 100 }),
      p95_latency_ms: int({ "x-looser": "increase" }, { minimum: 0 }),
    }),
  }),
  agent_guard: obj({
    enabled: bool({ "x-looser": "false" }),
    block_on_severity: strEnum(SEVERITY_LEVELS, { "x-looser": "increase" }),
    block_on_count: int({ "x-looser": "increase" }, { minimum: 0 }),
  }),
  security: obj({
    egress_allowlist: list(str({ "x-format": "host-pattern" }), { "x-merge": "all-of", "x-looser": "add" }),
    fs_allowlist: list(str({ "x-format": "path-pattern" }), { "x-merge": "all-of", "x-looser": "add" }),
    limits: obj({
      max_payload_kb: int({ "x-looser": "increase" }, { minimum: 0 }),
      max_duration_ms: int({ "x-looser": "increase" }, { minimum: 0 }),
    }),
    side_effects: obj(runtimeSideEffects),
    allow_versions: map(list(str()), { "x-looser": "add", description: "server → versions allowed" }),
  }),
  compliance: obj({
    packs: list(obj({ id: str(), name: str(), rules: list(complianceRule) }, ["id"]), { "x-merge": "union", "x-looser": "remove" }),
    policies: list(obj({ id: str(), name: str(), enabled: bool(), pack_ids: list(str()) }, ["id"]), { "x-looser": "review" }),
  }),
  export: obj({
    enabled: bool({ "x-looser": "false" }),
    cadence: strEnum(["daily", "weekly", "monthly"], { "x-looser": "review" }),
    bucket_uri: str({ "x-looser": "review" }),
  }),
});

const contextValue: Schema = {
  type: ["string", "array", "object"],
  items: { type: "string" },
  properties: { not: { type: ["string", "array"], items: { type: "string" } } },
  required: ["not"],
  additionalProperties: false,
};

const dataSpec = obj(
  {
    description: str({ "x-looser": "neutral" }),
    match: obj({
      dataset: str({ "x-format": "glob", "x-looser": "review" }),
      fields: obj({
        sensitivity: strOrList({ "x-looser": "review" }),
        category: strOrList({ "x-looser": "review" }),
        contains: list(str(), { "x-looser": "review", description: "all of these tags" }),
        any: list(str(), { "x-looser": "review", description: "any of these field names" }),
        all: list(str(), { "x-looser": "review", description: "all of these field names" }),
      }),
    }),
    context: obj({
      requester_role: { ...contextValue, "x-looser": "review" },
      requester_clearance: { ...contextValue, "x-looser": "review" },
      requester_region: { ...contextValue, "x-looser": "review" },
      dataset_region: { ...contextValue, "x-looser": "review" },
      environment: { ...contextValue, "x-looser": "review" },
      time: obj(
        {
          after: str({ "x-format": "time-of-day", "x-looser": "review" }),
          before: str({ "x-format": "time-of-day", "x-looser": "review" }),
          timezone: str({ "x-format": "timezone", "x-looser": "review" }),
        },
      ),
    }),
    action: obj(
      {
        deny: bool({ "x-looser": "false" }),
        require_approval: bool({ "x-looser": "false" }),
        mask: bool({ "x-looser": "false" }),
        allow: bool({ "x-looser": "true" }),
        reason: str({ "x-looser": "neutral" }),
        approver_role: str({ "x-looser": "review" }),
        ttl: str({ "x-format": "duration", "x-looser": "increase" }),
      },
    ),
    masking: obj({
      default_method: strEnum(MASKING_METHODS, { "x-looser": "review" }),
      rules: map(strEnum(MASKING_METHODS), { "x-looser": "review" }),
    }),
  },
  ["action"],
);

const postureSpec = obj({
  local: obj({
    require_encryption: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
    min_security_score: int({ "x-merge": "tighten-only", "x-looser": "decrease" }, { minimum: 0, maximum: 100 }),
    require_tpm: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
    require_secure_boot: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
  }),
  cloud: obj({
    require_iam: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
    require_imdsv2: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
    require_workload_identity: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
    allowed_accounts: list(str(), { "x-merge": "all-of", "x-looser": "add" }),
    allowed_regions: list(str(), { "x-merge": "all-of", "x-looser": "add" }),
  }),
  kubernetes: obj({
    denied_namespaces: list(str(), { "x-merge": "union", "x-looser": "remove" }),
    allowed_namespaces: list(str(), { "x-merge": "all-of", "x-looser": "add" }),
    require_service_account: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
    require_non_root: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
    require_read_only_root_fs: bool({ "x-merge": "tighten-only", "x-looser": "false" }),
  }),
  provider_map: map(strEnum(PROVIDERS), { "x-looser": "review" }, { propertyNames: { enum: [...ENVIRONMENTS] } }),
  fallback_provider: strEnum(PROVIDERS, { "x-looser": "review" }),
  allow_insecure: bool({ "x-merge": "tighten-only", "x-looser": "true" }),
  insecure_reason: str({ "x-looser": "neutral" }),
});

export const SPEC_SCHEMAS: Record<PolicyKind, Schema> = {
  AccessPolicy: accessSpec,
  RuntimePolicy: runtimeSpec,
  DataPolicy: dataSpec,
  PosturePolicy: postureSpec,
};

const documentSchemas = new Map<PolicyKind, Schema>();

/** The whole document schema of one kind (one object per kind, so compiled validators are reused). */
export function policySchema(kind: PolicyKind): Schema {
  let schema = documentSchemas.get(kind);
  if (!schema) {
    schema = buildPolicySchema(kind);
    documentSchemas.set(kind, schema);
  }
  return schema;
}

function buildPolicySchema(kind: PolicyKind): Schema {
  return {
    $id: `https://edict.dev/schemas/${kind}.json`,
    title: `edict ${kind}`,
    ...obj(
      {
        apiVersion: { const: API_VERSION },
        kind: { const: kind },
        metadata,
        spec: SPEC_SCHEMAS[kind],
      },
      ["apiVersion", "kind", "metadata", "spec"],
    ),
  };
}

/** The envelope every policy file shares, checked before the kind is known. */
export const ENVELOPE_SCHEMA: Schema = {
  type: "object",
  properties: {
    apiVersion: { const: API_VERSION },
    kind: { enum: ["AccessPolicy", "RuntimePolicy", "DataPolicy", "PosturePolicy"] },
  },
  required: ["apiVersion", "kind"],
};
