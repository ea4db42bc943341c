/**
 * The RuntimePolicy tool check the loader serves (SPEC §2.2, §8): compiled once from the
 * effective runtime policy; each `checkTool` then only runs closures.
 *
 * Which condition raises which Sec0 reason code:
 *
 * | condition                                                                     | code                                  |
 * |-------------------------------------------------------------------------------|---------------------------------------|
 * | URI malformed (always blocking, even in observe mode)                         | tool_not_in_allowlist                 |
 * | some inner list of `tools.allowlist` has no matching entry                    | tool_not_in_allowlist                 |
 * | no `@version` and `tools.deny_if_unpinned_version: true`                      | version_unpinned                      |
 * | no `@version` and `security.allow_versions` names the server (cannot check)   | version_unpinned                      |
 * | pinned version not listed in `security.allow_versions` for its server         | tool_not_in_allowlist                 |
 * | facts.signaturePresent === false and `signing.enabled: true`                  | missing_audit_signature               |
 * | facts.sideEffect and no idempotencyKey, `require_idempotency_key` (either     | missing_idempotency_for_side_effect   |
 * |   `side_effects` or `security.side_effects`)                                  |                                       |
 * | facts.egressHost not allowed by every inner list of `egress_allowlist`        | egress_violation                      |
 * | facts.fsPath not allowed by every inner list of `fs_allowlist`                | fs_violation                          |
 * | facts.payloadKb > `security.limits.max_payload_kb`                            | payload_too_large                     |
 * | facts.durationMs > `security.limits.max_duration_ms`                          | duration_too_long                     |
 * | facts.registryMutated / handlerSwapped                                        | registry_mutation / handler_swap      |
 * | facts.serverCodeChanged / codeChanged                                         | server_code_changed / tool_code_changed |
 * | facts.skillVersionChanged / skillCodeChanged                                  | skill_version_changed / skill_code_changed |
 * | facts.skillScan / sast / dast "pending" or "failed" (any other value but      | skill_scan_* / sast_* / dast_*        |
 * |   "passed" counts as "failed")                                                |                                       |
 * | facts.agentGuardFindings with count ≥ 1 and severity ≥ `block_on_severity` or | agent_guard_failed                    |
 * |   count ≥ `block_on_count` (any finding when neither is set); skipped when    |                                       |
 * |   `agent_guard` is absent or `enabled: false`                                 |                                       |
 * | facts.contextual "denied" / "escalated"                                       | contextual_evaluator_denied / _escalated |
 *
 * All-of lists (`tools.allowlist`, `egress_allowlist`, `fs_allowlist`): absent allows everything,
 * `[]` or an empty inner list allows nothing, a flat list counts as one inner list.
 * A fact the caller does not give raises nothing: absent facts are conditions not observed.
 * A given fact that cannot be read (a NaN size, an unparsable host or path) is a violation.
 * A violation blocks only when its code is in `enforcement.deny_on` (absent or empty: observe
 * mode); a malformed URI always blocks, since what cannot be parsed cannot be allowed.
 */
import type { EffectiveRuntime } from "../../effective.js";
import { compileWildcard } from "../../match/wildcard.js";
import type { WildcardMatcher } from "../../match/wildcard.js";
import type { ReasonCode } from "../../vocabulary.js";
import { compileAllOf, compileHostPattern, compilePathPattern, normalizePath, toAllOf, toHost } from "./boundary.js";
import type { ValueTest } from "./boundary.js";
import { compileToolPattern, formatToolUri, parseToolUri } from "./tool-uri.js";
import type { ToolMatcher } from "./tool-uri.js";
import type { GuardSeverity, RuntimeEvaluator, ScanStatus, ToolDecision, ToolFacts, ToolUri, ToolViolation } from "./types.js";

const SEVERITY_RANK: Record<GuardSeverity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

const CLEAN: ToolDecision = Object.freeze({
  allowed: true,
  violations: Object.freeze([]),
  enforced: "observe",
  escalate: Object.freeze([]),
});

const EMPTY_FACTS: ToolFacts = Object.freeze({});

/** A found violation before enforcement decides whether it blocks. */
interface Found {
  code: ReasonCode;
  message: string;
}

type Check = (tool: ToolUri, facts: ToolFacts, out: Found[]) => void;
type FactCheck = (facts: ToolFacts, out: Found[]) => void;

/**
 * Compiles the effective runtime policy's tool rules once.
 *
 * @example
 * const runtime = compileRuntime(effective.runtime);
 * runtime.checkTool("mcp://vision-mcp/detect@1.2.0", { egressHost: "api.stripe.com" });
 * // → { allowed: true, violations: [], enforced: "observe", escalate: [] }
 */
export function compileRuntime(runtime: EffectiveRuntime): RuntimeEvaluator {
  const denyOn = new Set<ReasonCode>(runtime.enforcement?.deny_on ?? []);
  const escalateOn = new Set<ReasonCode>(runtime.enforcement?.escalate_on ?? []);
  const invalidEntries: string[] = [];

  const uriChecks: Check[] = [];
  const allowlist = runtime.tools?.allowlist;
  if (allowlist !== undefined) uriChecks.push(allowlistCheck(allowlist, invalidEntries));
  const versions = runtime.security?.allow_versions;
  const versionRules = versions === undefined ? [] : compileAllowVersions(versions);
  uriChecks.push(pinningCheck(runtime.tools?.deny_if_unpinned_version === true, versionRules));

  const factChecks = compileFactChecks(runtime);

  const decide = (found: readonly Found[], malformed: boolean): ToolDecision => {
    if (found.length === 0) return CLEAN;
    let blocked = false;
    const escalate: ReasonCode[] = [];
    const violations = found.map((f, i): ToolViolation => {
      const blocking = denyOn.has(f.code) || (malformed && i === 0);
      if (blocking) blocked = true;
      if (escalateOn.has(f.code) && !escalate.includes(f.code)) escalate.push(f.code);
      return { code: f.code, message: f.message, blocking };
    });
    return {
      allowed: !blocked,
      violations,
      enforced: blocked ? "deny" : escalate.length > 0 ? "escalate" : "observe",
      escalate,
    };
  };

  const checkTool = (uri: string, facts: ToolFacts = EMPTY_FACTS): ToolDecision => {
    const f = facts ?? EMPTY_FACTS;
    const found: Found[] = [];
    const tool = parseToolUri(uri);
    if (tool === undefined) {
      found.push({
        code: "tool_not_in_allowlist",
        message: `malformed tool URI ${describe(uri)}: expected mcp://<server>/<tool>[@<version>]; a URI that cannot be parsed is always denied`,
      });
    } else {
      for (const check of uriChecks) check(tool, f, found);
    }
    for (const check of factChecks) check(f, found);
    return decide(found, tool === undefined);
  };

  return { checkTool, invalidEntries: Object.freeze(invalidEntries) };
}

function describe(value: unknown): string {
  if (typeof value !== "string") return `(${value === null ? "null" : typeof value})`;
  return JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}…` : value);
}

// ---------------------------------------------------------------------------------------------
// URI checks

/** tool_not_in_allowlist: every inner list of the all-of must have an entry matching the tool. */
function allowlistCheck(value: readonly (readonly string[])[] | readonly string[], invalid: string[]): Check {
  const compiled = toAllOf(value).map((list) => {
    const matchers: ToolMatcher[] = [];
    for (const entry of list) {
      const m = compileToolPattern(entry);
      if (m === undefined) invalid.push(String(entry));
      else matchers.push(m);
    }
    return matchers;
  });
  return (tool, _facts, out) => {
    for (let i = 0; i < compiled.length; i++) {
      const matchers = compiled[i]!;
      if (!matchers.some((m) => m(tool))) {
        const which = compiled.length > 1 ? ` (allowlist ${i + 1} of ${compiled.length})` : "";
        out.push({ code: "tool_not_in_allowlist", message: `tool ${formatToolUri(tool)} is not in the tool allowlist${which}` });
        return;
      }
    }
  };
}

interface VersionRule {
  server: string;
  serverTest: WildcardMatcher;
  versions: readonly string[];
  versionTest: (version: string) => boolean;
}

/** `security.allow_versions`: server (wildcards allowed) → versions (wildcards allowed). */
function compileAllowVersions(map: Record<string, string[]>): VersionRule[] {
  return Object.keys(map).map((server) => {
    const versions = (Object.hasOwn(map, server) ? map[server] : undefined) ?? [];
    const tests = versions.filter((v): v is string => typeof v === "string").map((v) => compileWildcard(v));
    return { server, serverTest: compileWildcard(server), versions, versionTest: (v: string) => tests.some((t) => t(v)) };
  });
}

/** version_unpinned for unpinned calls; tool_not_in_allowlist for a pinned version allow_versions does not list. */
function pinningCheck(denyUnpinned: boolean, rules: readonly VersionRule[]): Check {
  return (tool, _facts, out) => {
    const applicable = rules.filter((r) => r.serverTest(tool.server));
    if (tool.version === undefined) {
      if (denyUnpinned) {
        out.push({ code: "version_unpinned", message: `tool ${formatToolUri(tool)} has no @version and unpinned versions are denied` });
      } else if (applicable.length > 0) {
        out.push({
          code: "version_unpinned",
          message: `tool ${formatToolUri(tool)} has no @version, so it cannot be checked against allow_versions for server "${tool.server}"`,
        });
      }
      return;
    }
    const version = tool.version;
    const refused = applicable.find((r) => !r.versionTest(version));
    if (refused !== undefined) {
      out.push({
        code: "tool_not_in_allowlist",
        message: `version ${version} of ${formatToolUri(tool)} is not allowed for server "${refused.server}": expected one of ${refused.versions.join(", ") || "(none)"}`,
      });
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Fact checks

function compileFactChecks(runtime: EffectiveRuntime): FactCheck[] {
  const checks: FactCheck[] = [];
  const flag = (key: keyof ToolFacts, code: ReasonCode, message: string): void => {
    checks.push((facts, out) => {
      if (facts[key] === true) out.push({ code, message });
    });
  };

  if (runtime.signing?.enabled === true) {
    checks.push((facts, out) => {
      if (facts.signaturePresent === false) {
        out.push({ code: "missing_audit_signature", message: "the call's audit record is not signed but signing is enabled" });
      }
    });
  }

  const requireKey =
    runtime.side_effects?.require_idempotency_key === true || runtime.security?.side_effects?.require_idempotency_key === true;
  if (requireKey) {
    checks.push((facts, out) => {
      if (facts.sideEffect === true && (typeof facts.idempotencyKey !== "string" || facts.idempotencyKey === "")) {
        out.push({ code: "missing_idempotency_for_side_effect", message: "a call with side effects has no idempotency key" });
      }
    });
  }

  const egress = runtime.security?.egress_allowlist;
  if (egress !== undefined) {
    const allowed = compileAllOf(egress, compileHostPattern);
    checks.push(listCheck("egressHost", toHost, allowed, "egress_violation", "host", "egress allowlist"));
  }
  const fs = runtime.security?.fs_allowlist;
  if (fs !== undefined) {
    const allowed = compileAllOf(fs, compilePathPattern);
    checks.push(listCheck("fsPath", normalizePath, allowed, "fs_violation", "path", "fs allowlist"));
  }

  const limits = runtime.security?.limits;
  if (typeof limits?.max_payload_kb === "number") {
    checks.push(limitCheck("payloadKb", limits.max_payload_kb, "payload_too_large", "payload", "KB"));
  }
  if (typeof limits?.max_duration_ms === "number") {
    checks.push(limitCheck("durationMs", limits.max_duration_ms, "duration_too_long", "duration", "ms"));
  }

  flag("registryMutated", "registry_mutation", "the tool registry was modified at runtime");
  flag("handlerSwapped", "handler_swap", "a tool handler was replaced at runtime");
  flag("serverCodeChanged", "server_code_changed", "the server's code changed from its baseline");
  flag("codeChanged", "tool_code_changed", "the tool's code changed from its baseline");
  flag("skillVersionChanged", "skill_version_changed", "a skill's version changed from its baseline");
  flag("skillCodeChanged", "skill_code_changed", "a skill's code changed from its baseline");
  checks.push(scanCheck("skillScan", "skill scan", "skill_scan_pending", "skill_scan_failed"));
  checks.push(scanCheck("sast", "static analysis (SAST)", "sast_pending", "sast_failed"));
  checks.push(scanCheck("dast", "dynamic analysis (DAST)", "dast_pending", "dast_failed"));

  const guard = runtime.agent_guard;
  if (guard !== undefined && guard.enabled !== false) checks.push(agentGuardCheck(guard.block_on_severity, guard.block_on_count));

  checks.push((facts, out) => {
    if (facts.contextual === "denied") out.push({ code: "contextual_evaluator_denied", message: "the contextual evaluator denied the call" });
    else if (facts.contextual === "escalated") {
      out.push({ code: "contextual_evaluator_escalated", message: "the contextual evaluator escalated the call" });
    }
  });
  return checks;
}

/** One violation per value (host or path) that is unreadable or not allowed by every inner list. */
function listCheck(
  key: "egressHost" | "fsPath",
  normalize: (v: unknown) => string | undefined,
  allowed: ValueTest,
  code: ReasonCode,
  noun: string,
  list: string,
): FactCheck {
  return (facts, out) => {
    const raw = facts[key];
    if (raw === undefined) return;
    const values: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      const normal = normalize(value);
      if (normal === undefined) out.push({ code, message: `${noun} ${describe(value)} cannot be read, so it cannot be allowed` });
      else if (!allowed(normal)) out.push({ code, message: `${noun} ${JSON.stringify(normal)} is not in the ${list}` });
    }
  };
}

function limitCheck(key: "payloadKb" | "durationMs", max: number, code: ReasonCode, noun: string, unit: string): FactCheck {
  return (facts, out) => {
    const value = facts[key];
    if (value === undefined) return;
    if (typeof value !== "number" || Number.isNaN(value)) {
      out.push({ code, message: `${noun} ${describe(value)} is not a number, so it cannot be checked against the limit of ${max} ${unit}` });
    } else if (value > max) {
      out.push({ code, message: `${noun} ${value} ${unit} exceeds the limit of ${max} ${unit}` });
    }
  };
}

function scanCheck(key: "skillScan" | "sast" | "dast", noun: string, pending: ReasonCode, failed: ReasonCode): FactCheck {
  return (facts, out) => {
    const status: ScanStatus | undefined = facts[key];
    if (status === undefined || status === "passed") return;
    if (status === "pending") out.push({ code: pending, message: `${noun} has not finished` });
    else out.push({ code: failed, message: status === "failed" ? `${noun} failed` : `${noun} reported ${describe(status)}, counted as failed` });
  };
}

function agentGuardCheck(severity: GuardSeverity | undefined, count: number | undefined): FactCheck {
  const minRank = severity === undefined ? undefined : (SEVERITY_RANK[severity] ?? SEVERITY_RANK.critical);
  return (facts, out) => {
    const findings = facts.agentGuardFindings;
    if (findings === undefined) return;
    const n = typeof findings.count === "number" && Number.isFinite(findings.count) && findings.count >= 0 ? findings.count : 1;
    if (n < 1) return;
    // an unknown severity counts as the highest: never let a typo pass a finding
    const rank = Object.hasOwn(SEVERITY_RANK, findings.severity) ? SEVERITY_RANK[findings.severity] : SEVERITY_RANK.critical;
    const bySeverity = minRank !== undefined && rank >= minRank;
    const byCount = count !== undefined && n >= count;
    if (bySeverity || byCount || (minRank === undefined && count === undefined)) {
      const why = bySeverity ? `severity ${findings.severity} reaches ${severity}` : byCount ? `${n} findings reach ${count}` : `${n} finding(s)`;
      out.push({ code: "agent_guard_failed", message: `agent guard blocked the call: ${why}` });
    }
  };
}
