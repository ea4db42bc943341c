/**
 * The RuntimePolicy tool check the loader serves: compiled once from the
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
import type { EffectiveRuntime } from "../effective.js";
import { compileWildcard } from "../match/wildcard.js";
import type { ReasonCode } from "../vocabulary.js";
import { compileAllOf, compileHostPattern, compilePathPattern, NEVER, normalizePath, toHost } from "./boundary.js";
import type { ValueTest } from "./boundary.js";
import { compileToolPattern, parseToolUri } from "./tool-uri.js";
import type { GuardSeverity, RuntimeEvaluator, ToolDecision, ToolFacts, ToolViolation } from "./types.js";

const SEVERITY_RANK: Record<GuardSeverity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

const CLEAN: ToolDecision = Object.freeze({
  allowed: true,
  violations: Object.freeze([]),
  enforced: "observe",
  escalate: Object.freeze([]),
});

const EMPTY_FACTS: ToolFacts = Object.freeze({});

/** Records one violation; `blocking` defaults to whether `deny_on` lists the code. */
type Report = (code: ReasonCode, message: string, blocking?: boolean) => void;

/** Boolean facts that raise their code when true, in the order their violations are listed. */
const FLAGS: readonly (readonly [keyof ToolFacts, ReasonCode, string])[] = [
  ["registryMutated", "registry_mutation", "the tool registry changed at runtime"],
  ["handlerSwapped", "handler_swap", "a tool handler changed at runtime"],
  ["serverCodeChanged", "server_code_changed", "the server's code changed"],
  ["codeChanged", "tool_code_changed", "the tool's code changed"],
  ["skillVersionChanged", "skill_version_changed", "a skill's version changed"],
  ["skillCodeChanged", "skill_code_changed", "a skill's code changed"],
];

/** Scan facts: the fact, its reason-code prefix (`<prefix>_pending`, `<prefix>_failed`) and its name in messages. */
const SCANS = [
  ["skillScan", "skill_scan", "skill scan"],
  ["sast", "sast", "static analysis (SAST)"],
  ["dast", "dast", "dynamic analysis (DAST)"],
] as const;

/**
 * Compiles the effective runtime policy's tool rules once.
 *
 * @example
 * const runtime = compileRuntime(effective.runtime);
 * runtime.checkTool("mcp://vision-mcp/detect@1.2.0", { egressHost: "api.stripe.com" });
 * // → { allowed: true, violations: [], enforced: "observe", escalate: [] }
 */
export function compileRuntime(runtime: EffectiveRuntime): RuntimeEvaluator {
  const { enforcement, security, tools } = runtime;
  const denyOn = new Set<ReasonCode>(enforcement?.deny_on ?? []);
  const escalateOn = new Set<ReasonCode>(enforcement?.escalate_on ?? []);

  // only undefined counts as absent: a present but malformed setting throws here (fail closed);
  // an allowlist entry that cannot be parsed matches nothing
  const allowlist = compileAllOf(tools?.allowlist, (entry) => compileToolPattern(entry) ?? NEVER);
  const denyUnpinned = tools?.deny_if_unpinned_version === true;
  const versions = compileAllowVersions(security?.allow_versions);
  const signing = runtime.signing?.enabled === true;
  const requireKey = runtime.side_effects?.require_idempotency_key === true || security?.side_effects?.require_idempotency_key === true;
  const egress = compileAllOf(security?.egress_allowlist, compileHostPattern);
  const fs = compileAllOf(security?.fs_allowlist, compilePathPattern);
  const maxPayload = security?.limits?.max_payload_kb;
  const maxDuration = security?.limits?.max_duration_ms;
  const guard = runtime.agent_guard;
  const checkGuard = guard !== undefined && guard.enabled !== false ? agentGuardCheck(guard.block_on_severity, guard.block_on_count) : undefined;

  const checkTool = (uri: string, facts?: ToolFacts): ToolDecision => {
    const f = facts ?? EMPTY_FACTS;
    const violations: ToolViolation[] = [];
    const escalate: ReasonCode[] = [];
    let blocked = false;
    const report: Report = (code, message, blocking = denyOn.has(code)) => {
      if (blocking) blocked = true;
      if (escalateOn.has(code) && !escalate.includes(code)) escalate.push(code);
      violations.push({ code, message, blocking });
    };

    const tool = parseToolUri(uri);
    if (tool === undefined) {
      report("tool_not_in_allowlist", `malformed tool URI ${describe(uri)}: expected mcp://<server>/<tool>[@<version>]`, true);
    } else {
      // the URI as parsed, its scheme in lower case (the parse matched the whole URI)
      const name = `mcp${uri.slice(3)}`;
      // every inner list of tools.allowlist must have an entry matching the tool
      const lists = allowlist ?? [];
      const i = lists.findIndex((allows) => !allows(tool));
      if (i >= 0) {
        const which = lists.length > 1 ? ` (allowlist ${i + 1} of ${lists.length})` : "";
        report("tool_not_in_allowlist", `tool ${name} is not in the tool allowlist${which}`);
      }
      // security.allow_versions: an unpinned call cannot be checked, a pinned one must be listed
      const applicable = versions.filter((r) => r.serverTest(tool.server));
      const version = tool.version;
      if (version === undefined) {
        if (denyUnpinned) report("version_unpinned", `tool ${name} has no @version and unpinned versions are denied`);
        else if (applicable.length > 0) {
          report("version_unpinned", `tool ${name} has no @version to check against allow_versions for server "${tool.server}"`);
        }
      } else {
        const refused = applicable.find((r) => !r.allows(version));
        if (refused !== undefined) {
          report(
            "tool_not_in_allowlist",
            `version ${version} of ${name} is not allowed for server "${refused.server}": expected one of ${refused.versions.join(", ") || "(none)"}`,
          );
        }
      }
    }

    if (signing && f.signaturePresent === false) report("missing_audit_signature", "the call's audit record is not signed");
    if (requireKey && f.sideEffect === true && (typeof f.idempotencyKey !== "string" || f.idempotencyKey === "")) {
      report("missing_idempotency_for_side_effect", "a call with side effects has no idempotency key");
    }
    checkList(f.egressHost, toHost, egress, "host", "egress", report);
    checkList(f.fsPath, normalizePath, fs, "path", "fs", report);
    checkLimit(f.payloadKb, maxPayload, "payload_too_large", "payload", "KB", report);
    checkLimit(f.durationMs, maxDuration, "duration_too_long", "duration", "ms", report);
    for (const [key, code, message] of FLAGS) if (f[key] === true) report(code, message);
    for (const [key, prefix, noun] of SCANS) {
      const status = f[key];
      if (status === undefined || status === "passed") continue;
      if (status === "pending") report(`${prefix}_pending`, `${noun} has not finished`);
      else report(`${prefix}_failed`, status === "failed" ? `${noun} failed` : `${noun} reported ${describe(status)}, counted as failed`);
    }
    const guardWhy = checkGuard?.(f.agentGuardFindings);
    if (guardWhy !== undefined) report("agent_guard_failed", `agent guard blocked the call: ${guardWhy}`);
    const verdict = f.contextual;
    if (verdict === "denied" || verdict === "escalated") report(`contextual_evaluator_${verdict}`, `the contextual evaluator ${verdict} the call`);

    if (violations.length === 0) return CLEAN;
    return { allowed: !blocked, violations, enforced: blocked ? "deny" : escalate.length > 0 ? "escalate" : "observe", escalate };
  };

  return { checkTool };
}

function describe(value: unknown): string {
  if (typeof value !== "string") return `(${value === null ? "null" : typeof value})`;
  return JSON.stringify(value.slice(0, 200));
}

interface VersionRule {
  readonly server: string;
  readonly serverTest: (server: string) => boolean;
  readonly versions: readonly string[];
  readonly allows: (version: string) => boolean;
}

/** `security.allow_versions`: server (wildcards allowed) → versions (wildcards allowed). */
function compileAllowVersions(map: Record<string, string[]> | undefined): VersionRule[] {
  if (map === undefined) return [];
  return Object.keys(map).map((server) => {
    const versions = map[server] ?? [];
    const tests = versions.filter((v): v is string => typeof v === "string").map((v) => compileWildcard(v));
    return { server, serverTest: compileWildcard(server), versions, allows: (v: string) => tests.some((t) => t(v)) };
  });
}

/** One `<list>_violation` per value (host or path) that is unreadable or not allowed by every inner list of a present list. */
function checkList(
  raw: string | readonly string[] | undefined,
  normalize: (v: unknown) => string | undefined,
  lists: ValueTest[] | undefined,
  noun: string,
  list: "egress" | "fs",
  report: Report,
): void {
  const code = `${list}_violation` as const;
  if (raw === undefined || lists === undefined) return;
  for (const value of Array.isArray(raw) ? (raw as readonly unknown[]) : [raw]) {
    const normal = normalize(value);
    if (normal === undefined) report(code, `${noun} ${describe(value)} cannot be read`);
    else if (!lists.every((allows) => allows(normal))) report(code, `${noun} ${JSON.stringify(normal)} is not in the ${list} allowlist`);
  }
}

/** A violation when the value is not a number or exceeds a limit that is set (a number). */
function checkLimit(value: unknown, max: unknown, code: ReasonCode, noun: string, unit: string, report: Report): void {
  if (value === undefined || typeof max !== "number") return;
  if (typeof value !== "number" || Number.isNaN(value)) {
    report(code, `${noun} ${describe(value)} is not a number (limit ${max} ${unit})`);
  } else if (value > max) {
    report(code, `${noun} ${value} ${unit} exceeds the limit of ${max} ${unit}`);
  }
}

/** A severity's rank; anything but a known severity ranks as critical. */
const rankOf = (severity: unknown): number => (Object.hasOwn(SEVERITY_RANK, severity as string) ? SEVERITY_RANK[severity as GuardSeverity] : SEVERITY_RANK.critical);

/** Why the agent guard blocks the findings, or undefined when they pass. */
type GuardCheck = (findings: ToolFacts["agentGuardFindings"]) => string | undefined;

function agentGuardCheck(severity: GuardSeverity | undefined, count: number | undefined): GuardCheck {
  // an unknown threshold (a name like "constructor" too) counts as the highest
  const minRank = severity === undefined ? undefined : rankOf(severity);
  return (findings) => {
    if (findings === undefined) return;
    // a report that is not {severity, count} (null too) is one finding of unknown severity: never let a malformed report pass
    const { count: found, severity: level } = findings ?? {};
    const n = Number.isFinite(found) && found! >= 0 ? found! : 1;
    if (n < 1) return;
    // an unknown severity counts as the highest: never let a typo pass a finding
    if (minRank !== undefined && rankOf(level) >= minRank) return `severity ${level} reaches ${severity}`;
    if (count !== undefined && n >= count) return `${n} findings reach ${count}`;
    if (minRank === undefined && count === undefined) return `${n} finding(s)`;
  };
}
