/** Shapes of the RuntimePolicy tool check. */
import type { ReasonCode } from "../vocabulary.js";

/** Outcome of a security scan the runtime tracks for a tool, a server or a skill. */
export type ScanStatus = "pending" | "failed" | "passed";

/** Agent Guard severities, lowest first. */
export type GuardSeverity = "low" | "medium" | "high" | "critical";

/**
 * What the caller knows about one tool call, beyond its URI. Every field is optional: an absent
 * fact raises no violation (the caller did not observe that condition). See the mapping table in
 * ./compiled.ts.
 */
export interface ToolFacts {
  /** The tool's code differs from its recorded baseline → `tool_code_changed`. */
  readonly codeChanged?: boolean;
  /** The server's/runtime's code differs from its baseline → `server_code_changed`. */
  readonly serverCodeChanged?: boolean;
  /** The tool registry was modified at runtime → `registry_mutation`. */
  readonly registryMutated?: boolean;
  /** A tool handler was replaced at runtime → `handler_swap`. */
  readonly handlerSwapped?: boolean;
  /** A skill's version changed from its baseline → `skill_version_changed`. */
  readonly skillVersionChanged?: boolean;
  /** A skill's code changed from its baseline → `skill_code_changed`. */
  readonly skillCodeChanged?: boolean;
  /** `false` with `signing.enabled: true` → `missing_audit_signature`. */
  readonly signaturePresent?: boolean;
  /** The call's idempotency key; empty counts as missing. */
  readonly idempotencyKey?: string;
  /** The call has side effects (writes, payments, messages). */
  readonly sideEffect?: boolean;
  /** Payload size in KiB, checked against `security.limits.max_payload_kb`. */
  readonly payloadKb?: number;
  /** Call duration in ms, checked against `security.limits.max_duration_ms`. */
  readonly durationMs?: number;
  /** Host(s) the call reaches (a host, `host:port` or a URL), checked against `security.egress_allowlist`. */
  readonly egressHost?: string | readonly string[];
  /** File path(s) the call touches, checked against `security.fs_allowlist`. */
  readonly fsPath?: string | readonly string[];
  readonly sast?: ScanStatus;
  readonly dast?: ScanStatus;
  readonly skillScan?: ScanStatus;
  /** Agent Guard result: the highest severity among the findings and the total count. */
  readonly agentGuardFindings?: { readonly severity: GuardSeverity; readonly count: number };
  /** Verdict of a contextual evaluator (Sec0's agent-scope rules). */
  readonly contextual?: "allowed" | "denied" | "escalated";
}

export interface ToolViolation {
  readonly code: ReasonCode;
  readonly message: string;
  /** True when this violation denies the call (its code is in `deny_on`, or the URI is malformed). */
  readonly blocking: boolean;
}

export interface ToolDecision {
  /** False when any violation blocks. */
  readonly allowed: boolean;
  readonly violations: readonly ToolViolation[];
  /** "deny" when any violation blocks, else "escalate" when any is escalated, else "observe". */
  readonly enforced: "deny" | "escalate" | "observe";
  /** The distinct codes of the violations listed in `escalate_on`, in violation order. */
  readonly escalate: readonly ReasonCode[];
}

export interface RuntimeEvaluator {
  /**
   * Checks one tool call, e.g. `checkTool("mcp://vision-mcp/detect@1.2.0")`. Never throws;
   * a URI that cannot be parsed is denied.
   */
  checkTool(uri: string, facts?: ToolFacts): ToolDecision;
}

/** A parsed tool URI `mcp://<server>/<tool>[@<version>]`. */
export interface ToolUri {
  readonly server: string;
  readonly tool: string;
  /** Undefined when the URI is unpinned. */
  readonly version: string | undefined;
}
