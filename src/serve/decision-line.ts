/**
 * What one decision looks like in the decision log, driven by the effective `AuditLog` of the
 * bundle that decided it. Pure: an entry and the settings in, one JSON line (or nothing) out.
 *
 * - Which decisions: with `AuditLog.Required` true (or `--decision-log-all`) every decision is
 *   logged; otherwise only denials and approvals. `Include` may narrow that with its decision
 *   classes (`all_actions`, `denials`, `approvals`, `allows`); `--decision-log-all` overrides them.
 * - Which fields: `Include`'s field values (`resources`, `context`, `outcomes`, `timestamps`,
 *   `inputs`, `results`) choose the parts of `input` and `result` written; an `Include` without
 *   field values keeps everything. Unknown values are ignored.
 * - `AuditLog.RedactPII` true: see ./redact.ts.
 */
import type { EffectiveTarget } from "../engine/effective.js";
import { redactInput, redactResult } from "./redact.js";
import type { FlaggedSpan, SpanScanner } from "./redact.js";

/** The effective `AuditLog` of the bundle that decided (Required, Include, RedactPII, RetentionDays). */
export type AuditSettings = EffectiveTarget["access"]["AuditLog"];

export type DecisionKind = "authorize" | "tools.check" | "data.decide" | "scan" | "posture";

export interface DecisionEntry {
  time: string;
  decision_id: string;
  kind: DecisionKind;
  input: unknown;
  result: { decision: string; reasons?: unknown } & Record<string, unknown>;
  bundle: { name: string; serial: number; revision: string };
  /** Digest of the host overlays applied, when any. */
  overlay?: string;
  duration_us: number;
}

/** The class of a decision, for filtering. */
export type DecisionClass = "denial" | "approval" | "allow";

const DENIAL_DECISIONS = new Set(["deny", "denied", "block", "blocked"]);
const APPROVAL_DECISIONS = new Set(["approval_required", "require_approval", "escalate", "escalated"]);

/**
 * Denial: `decision` is deny (or denied/block/blocked), or the result says `allowed: false` (a
 * tool check or a posture check that fails). Approval: approval_required, require_approval,
 * escalate(d), or a tool check the runtime policy escalates (`enforced: "escalate"`). Anything
 * else (allow, mask, observe, a scan's flagged/clean) is an allow.
 */
export function classifyDecision(result: DecisionEntry["result"]): DecisionClass {
  const decision = typeof result.decision === "string" ? result.decision.toLowerCase() : "";
  if (DENIAL_DECISIONS.has(decision) || result.allowed === false) return "denial";
  if (APPROVAL_DECISIONS.has(decision) || result.enforced === "escalate") return "approval";
  return "allow";
}

/** Parts of a line `Include` can select. */
export type IncludeField = "resources" | "context" | "outcomes" | "timestamps" | "inputs";

/** `Include` values, lowercased, and what they select. Values not listed are ignored. */
const INCLUDE_CLASSES: Readonly<Record<string, readonly DecisionClass[]>> = {
  all_actions: ["denial", "approval", "allow"],
  all: ["denial", "approval", "allow"],
  all_decisions: ["denial", "approval", "allow"],
  denials: ["denial"],
  denied: ["denial"],
  approvals: ["approval"],
  escalations: ["approval"],
  allows: ["allow"],
  allowed: ["allow"],
};
const INCLUDE_FIELDS: Readonly<Record<string, IncludeField>> = {
  resources: "resources",
  context: "context",
  outcomes: "outcomes",
  results: "outcomes",
  timestamps: "timestamps",
  inputs: "inputs",
};

export interface IncludeSelection {
  /** Decision classes `Include` names; undefined when it names none (no narrowing). */
  classes: ReadonlySet<DecisionClass> | undefined;
  /** Fields `Include` names; undefined when it names none (everything is written). */
  fields: ReadonlySet<IncludeField> | undefined;
}

/** Reads `AuditLog.Include`; unknown values (and anything that is not a string) are ignored, never an error. */
export function parseInclude(include: unknown): IncludeSelection {
  const classes = new Set<DecisionClass>();
  const fields = new Set<IncludeField>();
  if (Array.isArray(include)) {
    for (const raw of include) {
      if (typeof raw !== "string") continue;
      const value = raw.trim().toLowerCase().replace(/-/g, "_");
      for (const c of INCLUDE_CLASSES[value] ?? []) classes.add(c);
      const field = INCLUDE_FIELDS[value];
      if (field !== undefined) fields.add(field);
    }
  }
  return { classes: classes.size > 0 ? classes : undefined, fields: fields.size > 0 ? fields : undefined };
}

/** True when the decision is logged under these settings. */
export function shouldLog(result: DecisionEntry["result"], audit: AuditSettings | undefined, all: boolean): boolean {
  if (all) return true;
  const cls = classifyDecision(result);
  if (audit?.Required !== true && cls === "allow") return false;
  const { classes } = parseInclude(audit?.Include);
  return classes === undefined || classes.has(cls);
}

/**
 * Which field class an input key belongs to. `action` and `location` name what was attempted and
 * are always written; unknown keys count as context.
 */
const INPUT_KEY_FIELDS: Readonly<Record<string, IncludeField | "always">> = {
  action: "always",
  location: "always",
  resource: "resources",
  uri: "resources",
  dataset: "resources",
  fields: "resources",
  now: "timestamps",
  context: "context",
  facts: "context",
  requester: "context",
  dataset_region: "context",
  environment: "context",
  text: "context",
};

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function selectKeys(input: Record<string, unknown>, fields: ReadonlySet<IncludeField>, nested: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    // data.decide wraps its request: select inside it rather than keeping or dropping it whole
    if (!nested && key === "request" && isPlainRecord(value)) {
      out[key] = selectKeys(value, fields, true);
      continue;
    }
    const field = INPUT_KEY_FIELDS[key] ?? "context";
    if (field === "always" || fields.has(field)) out[key] = value;
  }
  return out;
}

/** The part of the input `Include` selects. */
export function selectInput(input: unknown, fields: ReadonlySet<IncludeField> | undefined): unknown {
  if (fields === undefined || fields.has("inputs") || !isPlainRecord(input)) return input;
  return selectKeys(input, fields, false);
}

/** The part of the result `Include` selects: everything with `outcomes`/`results`, else the decision alone. */
export function selectResult(result: DecisionEntry["result"], fields: ReadonlySet<IncludeField> | undefined): Record<string, unknown> {
  if (fields === undefined || fields.has("outcomes")) return result;
  return { decision: result.decision };
}

/**
 * A scan request's own findings flag spans of its text too (they may come from `output` rules,
 * which the log's scanner, run for `input`, does not apply).
 */
function withScanFindings(entry: DecisionEntry, scan: SpanScanner | undefined): SpanScanner | undefined {
  const text = isPlainRecord(entry.input) ? entry.input.text : undefined;
  const findings = entry.result.findings;
  if (entry.kind !== "scan" || typeof text !== "string" || !Array.isArray(findings)) return scan;
  const spans = findings.filter((f): f is FlaggedSpan => isPlainRecord(f) && typeof f.index === "number" && typeof f.length === "number");
  return (value) => {
    const found = scan === undefined ? [] : scan(value);
    return value === text ? [...found, ...spans] : found;
  };
}

export interface LineOptions {
  all: boolean;
  scan?: SpanScanner | undefined;
}

/**
 * The JSON line (without its newline) for one decision, or undefined when the settings leave it
 * out. Fields in a fixed order: time, decision_id, kind, input, result, bundle, overlay?, duration_us.
 */
export function toDecisionLine(entry: DecisionEntry, audit: AuditSettings | undefined, options: LineOptions): string | undefined {
  if (!shouldLog(entry.result, audit, options.all)) return undefined;
  const { fields } = parseInclude(audit?.Include);
  let input = selectInput(entry.input, fields);
  let result: unknown = selectResult(entry.result, fields);
  if (audit?.RedactPII === true) {
    input = redactInput(input, withScanFindings(entry, options.scan));
    result = redactResult(result);
  }
  const line: Record<string, unknown> = {
    time: entry.time,
    decision_id: entry.decision_id,
    kind: entry.kind,
    input,
    result,
    bundle: { name: entry.bundle.name, serial: entry.bundle.serial, revision: entry.bundle.revision },
  };
  if (entry.overlay !== undefined) line.overlay = entry.overlay;
  line.duration_us = entry.duration_us;
  return JSON.stringify(line);
}
