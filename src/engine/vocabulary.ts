/** The closed vocabularies of the four formats, shared by schemas, lint and evaluation. */

export const POLICY_KINDS = ["AccessPolicy", "RuntimePolicy", "DataPolicy", "PosturePolicy"] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

export const API_VERSION = "edict/v1";
/** Sekuire's current policy language version. */
export const ACCESS_POLICY_VERSION = "2024-12-02";

export const LAYERS = ["foundation", "domain", "custom"] as const;
export type Layer = (typeof LAYERS)[number];

/** IAM condition operators (without `IfExists` and set prefixes, which combine with any of them). */
export const CONDITION_OPERATORS = [
  "StringEquals",
  "StringNotEquals",
  "StringEqualsIgnoreCase",
  "StringNotEqualsIgnoreCase",
  "StringLike",
  "StringNotLike",
  "NumericEquals",
  "NumericNotEquals",
  "NumericLessThan",
  "NumericLessThanEquals",
  "NumericGreaterThan",
  "NumericGreaterThanEquals",
  "DateEquals",
  "DateNotEquals",
  "DateLessThan",
  "DateLessThanEquals",
  "DateGreaterThan",
  "DateGreaterThanEquals",
  "Bool",
  "IpAddress",
  "NotIpAddress",
  "ArnEquals",
  "ArnNotEquals",
  "ArnLike",
  "ArnNotLike",
  "Null",
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export const SET_PREFIXES = ["ForAnyValue", "ForAllValues"] as const;
export type SetPrefix = (typeof SET_PREFIXES)[number];

export interface ParsedOperator {
  base: ConditionOperator;
  ifExists: boolean;
  set?: SetPrefix;
}

/**
 * {@link CONDITION_OPERATORS} but Null, with an optional set prefix and `IfExists` suffix, as one
 * pattern so the evaluator does not carry the list (the tests check that the two agree).
 */
const OPERATOR_NAME =
  /^(?:(ForAnyValue|ForAllValues):)?((?:Numeric|Date)(?:(?:Less|Greater)Than(?:Equals)?|(?:Not)?Equals)|Arn(?:Not)?(?:Equals|Like)|String(?:Not)?(?:Equals(?:IgnoreCase)?|Like)|Bool|(?:Not)?IpAddress)(IfExists)?$/;

/** "ForAnyValue:StringLikeIfExists" → {base: StringLike, ifExists: true, set: ForAnyValue}; undefined when unknown. */
export function parseConditionOperator(name: string): ParsedOperator | undefined {
  if (name === "Null") return { base: name, ifExists: false }; // Null takes neither a prefix nor IfExists
  const m = OPERATOR_NAME.exec(name);
  if (m === null) return undefined;
  const set = m[1] as SetPrefix | undefined;
  return { base: m[2] as ConditionOperator, ifExists: m[3] !== undefined, ...(set && { set }) };
}

/** Every spelling a condition block accepts, for "did you mean" suggestions. */
export function allConditionOperatorNames(): string[] {
  const out: string[] = [];
  for (const op of CONDITION_OPERATORS) {
    out.push(op);
    if (op === "Null") continue;
    out.push(`${op}IfExists`);
    for (const p of SET_PREFIXES) out.push(`${p}:${op}`, `${p}:${op}IfExists`);
  }
  return out;
}

/** Sec0's violation reason codes. */
export const REASON_CODES = [
  "missing_audit_signature",
  "tool_not_in_allowlist",
  "version_unpinned",
  "missing_idempotency_for_side_effect",
  "egress_violation",
  "fs_violation",
  "payload_too_large",
  "duration_too_long",
  "registry_mutation",
  "handler_swap",
  "server_code_changed",
  "tool_code_changed",
  "skill_version_changed",
  "skill_code_changed",
  "skill_scan_pending",
  "skill_scan_failed",
  "sast_pending",
  "sast_failed",
  "dast_pending",
  "dast_failed",
  "agent_guard_failed",
  "contextual_evaluator_denied",
  "contextual_evaluator_escalated",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export const ENVIRONMENTS = [
  "local",
  "eks",
  "gke",
  "aks",
  "ecs",
  "lambda",
  "cloudrun",
  "azure-functions",
  "kubernetes",
  "github-actions",
] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const PROVIDERS = [
  "env",
  "keyring",
  "file",
  "aws-secrets-manager",
  "gcp-secret-manager",
  "azure-key-vault",
  "kubernetes-secret",
  "vault",
] as const;
export type Provider = (typeof PROVIDERS)[number];

export const MASKING_METHODS = ["redact", "hash", "truncate", "nullify", "full", "partial"] as const;
export type MaskingMethod = (typeof MASKING_METHODS)[number];

export const SEVERITY_LEVELS = ["low", "medium", "high", "critical"] as const;

export const DATA_ACTIONS = ["deny", "require_approval", "mask", "allow"] as const;
export type DataAction = (typeof DATA_ACTIONS)[number];
