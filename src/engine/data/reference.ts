/**
 * The reference DataPolicy evaluator: read literally, rule by rule, with no index and
 * no caching. It exists to be obviously right; the fast-check property in the tests holds the
 * compiled evaluator (./compiled.ts, which documents the semantics) to its answers. It assumes a
 * valid policy (the compiled evaluator rejects invalid ones when compiling).
 */
import type { EffectiveData, EffectiveDataRule } from "../effective.js";
import { matchWildcard } from "../match/wildcard.js";
import type { ContextMatcher } from "../spec.js";
import type { DataAction, MaskingMethod } from "../vocabulary.js";
import { requestProblem } from "./request.js";
import type { DataDecision, DataRequest, RequestedField } from "./types.js";

const STRENGTH: DataAction[] = ["allow", "mask", "require_approval", "deny"]; // weakest first
const STRICTNESS: MaskingMethod[] = ["truncate", "partial", "full", "hash", "redact", "nullify"]; // weakest first

function tagsOf(field: RequestedField): string[] {
  const tags = [...(field.tags ?? [])];
  if (field.sensitivity !== undefined) tags.push(field.sensitivity);
  if (field.category !== undefined) tags.push(field.category);
  return tags;
}

function anyOf(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : typeof value === "string" ? [value] : value;
}

/** Does the field pass the rule's field-level criteria (sensitivity, category, contains)? */
function fieldPasses(rule: EffectiveDataRule, field: RequestedField): boolean {
  const c = rule.spec.match?.fields ?? {};
  const sensitivity = anyOf(c.sensitivity);
  const category = anyOf(c.category);
  if (sensitivity !== undefined && !(field.sensitivity !== undefined && sensitivity.includes(field.sensitivity))) return false;
  if (category !== undefined && !(field.category !== undefined && category.includes(field.category))) return false;
  if (c.contains !== undefined && !c.contains.every((tag) => tagsOf(field).includes(tag))) return false;
  return true;
}

function hasFieldLevelCriteria(rule: EffectiveDataRule): boolean {
  const c = rule.spec.match?.fields ?? {};
  return c.sensitivity !== undefined || c.category !== undefined || c.contains !== undefined;
}

function contextMatches(matcher: ContextMatcher, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (typeof matcher === "string") return value === matcher;
  if (Array.isArray(matcher)) return matcher.includes(value);
  const not = typeof matcher.not === "string" ? [matcher.not] : matcher.not;
  return !not.includes(value);
}

/** "HH:MM" in the zone; zero-padded, so strings compare like times. */
function wallTime(now: Date, zone: string): string {
  const text = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(now);
  return text.replace(/^24/, "00");
}

function inWindow(time: { after?: string; before?: string; timezone?: string }, now: Date): boolean {
  const t = wallTime(now, time.timezone ?? "UTC");
  const { after, before } = time;
  if (after !== undefined && before !== undefined) {
    if (after < before) return t >= after && t < before;
    if (after > before) return t >= after || t < before;
    return false;
  }
  if (after !== undefined) return t >= after;
  if (before !== undefined) return t < before;
  return true;
}

function ruleMatches(rule: EffectiveDataRule, request: DataRequest, now: Date): boolean {
  const { match, context } = rule.spec;
  if (match?.dataset !== undefined && !matchWildcard(match.dataset, request.dataset)) return false;

  const names = request.fields.map((f) => f.name);
  if (hasFieldLevelCriteria(rule) && !request.fields.some((f) => fieldPasses(rule, f))) return false;
  if (match?.fields?.any !== undefined && !match.fields.any.some((n) => names.includes(n))) return false;
  if (match?.fields?.all !== undefined && !match.fields.all.every((n) => names.includes(n))) return false;

  const requester = request.requester ?? {};
  const values: Record<string, string | undefined> = {
    requester_role: requester.role,
    requester_clearance: requester.clearance,
    requester_region: requester.region,
    dataset_region: request.dataset_region,
    environment: request.environment,
  };
  for (const key of Object.keys(values)) {
    const matcher = context?.[key as keyof typeof context] as ContextMatcher | undefined;
    if (matcher !== undefined && !contextMatches(matcher, values[key])) return false;
  }
  if (context?.time !== undefined && !inWindow(context.time, now)) return false;
  return true;
}

function actionOf(rule: EffectiveDataRule): DataAction {
  return STRENGTH.find((a) => rule.spec.action[a] === true)!;
}

/** The reference answer to one request (same contract as `compileData(data).decideData`). */
export function referenceDecideData(data: EffectiveData, request: DataRequest, now: Date = new Date()): DataDecision {
  const problem = requestProblem(request, now);
  if (problem !== undefined) return { action: "deny", policy: null, reason: `malformed request: ${problem}`, matched: [] };

  const matched = data.rules.filter((rule) => ruleMatches(rule, request, now));
  if (matched.length === 0) {
    return { action: data.default_action === "allow" ? "allow" : "deny", policy: null, reason: "no rule matched", matched: [] };
  }

  const strongest = STRENGTH[Math.max(...matched.map((r) => STRENGTH.indexOf(actionOf(r))))]!;
  const sameAction = matched.filter((r) => actionOf(r) === strongest);
  // highest precedence; on a tie the later rule
  let top = sameAction[0]!;
  for (const r of sameAction) if (r.precedence >= top.precedence) top = r;

  const decision: DataDecision & { ttl_seconds?: number; approver_role?: string; masks?: Record<string, MaskingMethod> } = {
    action: strongest,
    policy: top.id,
    reason: top.spec.action.reason ?? `matched rule ${top.id}`,
    matched: matched.map((r) => r.id),
  };
  if (top.spec.action.ttl !== undefined) decision.ttl_seconds = ttlSeconds(top.spec.action.ttl);
  if (top.spec.action.approver_role !== undefined) decision.approver_role = top.spec.action.approver_role;

  if (strongest === "mask") {
    const masks: Record<string, MaskingMethod> = {};
    for (const rule of sameAction) {
      const named = [...(rule.spec.match?.fields?.any ?? []), ...(rule.spec.match?.fields?.all ?? [])];
      const namesFields = rule.spec.match?.fields?.any !== undefined || rule.spec.match?.fields?.all !== undefined;
      for (const field of request.fields) {
        if (hasFieldLevelCriteria(rule) && !fieldPasses(rule, field)) continue;
        if (namesFields && !named.includes(field.name)) continue;
        const rules = rule.spec.masking?.rules ?? {};
        const method = (Object.hasOwn(rules, field.name) ? rules[field.name] : undefined) ?? rule.spec.masking?.default_method ?? "redact";
        const before = Object.hasOwn(masks, field.name) ? masks[field.name] : undefined;
        const stricter = before === undefined || STRICTNESS.indexOf(method) > STRICTNESS.indexOf(before) ? method : before;
        Object.defineProperty(masks, field.name, { value: stricter, enumerable: true, writable: true, configurable: true });
      }
    }
    decision.masks = masks;
  }
  return decision;
}

/** "45m" → 2700; units ms s m h d w, one or more parts from the largest. */
function ttlSeconds(ttl: string): number {
  const ms: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
  let total = 0;
  for (const m of ttl.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * ms[m[2]!]!;
  return Math.floor(Math.round(total) / 1000);
}
