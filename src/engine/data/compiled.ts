/**
 * The compiled DataPolicy evaluator the loader serves. It
 * gives the same answers as ./reference.ts; rules are checked and compiled once, and rules with a
 * literal `match.dataset` are indexed by it.
 *
 * A rule matches a request when every part it sets holds:
 * - `match.dataset`: a wildcard (`*`, `?`, case-sensitive) over the dataset name; absent = any.
 * - `match.fields` (each criterion separately, all must hold):
 *   `sensitivity` / `category` (a string or a list, any of): some requested field has one of them
 *   (its own `sensitivity` / `category` attribute), and the same field satisfies `contains`:
 *   every listed tag is among the field's tags (`tags` ∪ {sensitivity, category});
 *   `any`: at least one of these field names is requested; `all`: every one of them is.
 *   Lists are taken literally: an empty any-of list matches nothing, an empty all-of list
 *   everything.
 * - `context`: `requester_role` / `requester_clearance` / `requester_region` compare with
 *   `requester.role` / `.clearance` / `.region`, `dataset_region` and `environment` with the
 *   request's; a string means equals, a list any of, `{not: x}` none of (exact, case-sensitive).
 *   A value the request lacks never matches, not even `{not: …}`: a rule only speaks about what
 *   the caller stated (supply every context value your rules use).
 * - `context.time`: see ./time-window.ts.
 *
 * Decision: the strongest action of the matching rules wins (deny > require_approval > mask >
 * allow); among rules of that action the highest `precedence` (ties: the later rule) supplies
 * `policy`, `reason` (default "matched rule <id>"), `ttl_seconds` and `approver_role`. For mask,
 * the masks of every matching mask rule combine, strictest method per field (./masking.ts). A mask
 * rule masks the requested fields its match selects: those passing its field-level criteria
 * (sensitivity, category, contains) and, when it names fields (`any`/`all`), named by it; every
 * requested field when it has no `match.fields`. The method is `masking.rules[<field>]`, else
 * `masking.default_method`, else `redact`. No rule matches: the target's `default_action` with
 * reason "no rule matched". A malformed request (or `now`) is denied with reason
 * "malformed request: …".
 *
 * A rule that cannot be evaluated (not exactly one action, a bad ttl, time or timezone, an
 * unknown masking method) makes {@link compileData} throw an EdictError (CONFIG_ERROR): the
 * loader then refuses the bundle instead of guessing.
 */
import { EdictError } from "../../errors.js";
import type { EffectiveData, EffectiveDataRule } from "../effective.js";
import { compileWildcard, hasWildcard } from "../match/wildcard.js";
import { isRecord } from "../record.js";
import type { ContextMatcher, DataSpec } from "../spec.js";
import type { DataAction, MaskingMethod } from "../vocabulary.js";
import { parseDurationMs } from "./duration.js";
import { FALLBACK_MASK_METHOD, isMaskingMethod, stricterMask } from "./masking.js";
import { readRequest } from "./request.js";
import type { ContextKey, RequestFacts, TaggedField } from "./request.js";
import { compileTimeWindow, wallClock } from "./time-window.js";
import type { DataDecision, DataEvaluator, DataRequest } from "./types.js";

/** Strength of each action: higher wins. */
export const ACTION_STRENGTH: Readonly<Record<DataAction, number>> = Object.freeze({
  deny: 3,
  require_approval: 2,
  mask: 1,
  allow: 0,
});

/** The actions, strongest first (the order of DATA_ACTIONS). */
const ACTIONS = Object.keys(ACTION_STRENGTH) as DataAction[];

const CONTEXT_KEYS: readonly ContextKey[] = ["requester_role", "requester_clearance", "requester_region", "dataset_region", "environment"];

/** The wall clock of each time zone the rules use, shared by the rules of one compiled policy. */
type Clocks = Map<string, (epochMs: number) => number>;

interface CompiledRule {
  /** Position among the effective rules. */
  readonly index: number;
  /** `match.dataset` when it has no wildcard: the rule can only match that dataset. */
  readonly literal: string | undefined;
  readonly id: string;
  readonly precedence: number;
  readonly action: DataAction;
  readonly reason: string;
  /** `ttl_seconds` and `approver_role` of the decision this rule gives when it wins. */
  readonly extras: Pick<DataDecision, "ttl_seconds" | "approver_role">;
  readonly matches: (f: RequestFacts) => boolean;
  /** The requested fields a mask rule masks, with their methods. */
  readonly masks: (f: RequestFacts, into: Map<string, MaskingMethod>) => void;
}

/**
 * Compiles the effective data rules once; `decideData` then answers requests.
 *
 * @example
 * const data = compileData(effective.data);
 * data.decideData({ dataset: "customers", fields: [{ name: "email", sensitivity: "pii" }], requester: { region: "US" }, dataset_region: "EU" });
 */
export function compileData(data: EffectiveData): DataEvaluator {
  const clocks: Clocks = new Map();
  // a request's candidates: the rules of its dataset (when literal) and the wildcard ones
  const exact = new Map<string, CompiledRule[]>();
  const wild: CompiledRule[] = [];
  data.rules.forEach((rule, index) => {
    const compiled = compileRule(rule, index, clocks);
    const literal = compiled.literal;
    const list = literal === undefined ? wild : (exact.get(literal) ?? []);
    list.push(compiled);
    if (literal !== undefined) exact.set(literal, list);
  });
  const defaultDecision: DataDecision = Object.freeze({
    // "allow" or "deny": the payload check and the merge guarantee it
    action: data.default_action,
    policy: null,
    reason: "no rule matched",
    matched: Object.freeze([]),
  });

  const decideData = (request: DataRequest, now: Date = new Date()): DataDecision => {
    const facts = readRequest(request, now);
    if (typeof facts === "string") return { action: "deny", policy: null, reason: `malformed request: ${facts}`, matched: [] };

    const candidates = [...(exact.get(request.dataset) ?? []), ...wild];
    const matched = candidates.filter((rule) => rule.matches(facts)).sort((a, b) => a.index - b.index);
    let winner = matched[0];
    if (winner === undefined) return defaultDecision;
    for (const rule of matched) {
      const stronger = ACTION_STRENGTH[rule.action] - ACTION_STRENGTH[winner.action];
      // the strongest action wins; among rules of that action the highest precedence, on a tie the later rule
      if (stronger > 0 || (stronger === 0 && rule.precedence >= winner.precedence)) winner = rule;
    }

    const action = winner.action;
    const decision: { -readonly [K in keyof DataDecision]: DataDecision[K] } = { action, policy: winner.id, reason: winner.reason, matched: matched.map((r) => r.id), ...winner.extras };
    if (action === "mask") {
      const masks = new Map<string, MaskingMethod>();
      for (const rule of matched) if (rule.action === "mask") rule.masks(facts, masks);
      decision.masks = Object.fromEntries(masks);
    }
    return decision;
  };
  return { decideData };
}

// ---------------------------------------------------------------------------------------------
// Compiling one rule

function compileRule(rule: EffectiveDataRule, index: number, clocks: Clocks): CompiledRule {
  const fail = (problem: string): never => {
    throw new EdictError("CONFIG_ERROR", `data rule ${rule.id} (${rule.source.file}): ${problem}`);
  };
  const spec: DataSpec = rule.spec;
  const action = actionOf(spec, fail);
  const tests: Array<(f: RequestFacts) => boolean> = [];

  const dataset = spec.match?.dataset;
  if (dataset !== undefined) {
    const test = compileWildcard(dataset);
    tests.push((f) => test(f.dataset));
  }

  const criteria = spec.match?.fields;
  const sensitivity = toSet(criteria?.sensitivity);
  const category = toSet(criteria?.category);
  const contains = criteria?.contains;
  const hasAttributes = sensitivity !== undefined || category !== undefined || contains !== undefined;
  const attributes = ({ field, tags }: TaggedField): boolean =>
    (sensitivity === undefined || (field.sensitivity !== undefined && sensitivity.has(field.sensitivity))) &&
    (category === undefined || (field.category !== undefined && category.has(field.category))) &&
    (contains === undefined || contains.every((t) => tags.has(t)));
  if (hasAttributes) tests.push((f) => f.fields.some(attributes));
  const any = criteria?.any;
  if (any !== undefined) tests.push((f) => any.some((n) => f.names.has(n)));
  const all = criteria?.all;
  if (all !== undefined) tests.push((f) => all.every((n) => f.names.has(n)));
  const named = any === undefined && all === undefined ? undefined : new Set([...(any ?? []), ...(all ?? [])]);

  const context = spec.context;
  for (const key of CONTEXT_KEYS) {
    const matcher = context?.[key];
    if (matcher === undefined) continue;
    const test = compileContextMatcher(matcher, (p) => fail(`context.${key}: ${p}`));
    tests.push((f) => test(f[key]));
  }
  if (context?.time !== undefined) {
    const window = compileTimeWindow(context.time);
    if (typeof window === "string") return fail(`context.time: ${window}`);
    const clock = clocks.get(window.zone) ?? wallClock(window.zone);
    clocks.set(window.zone, clock);
    tests.push((f) => window.contains(clock(f.epochMs)));
  }

  const { reason, ttl, approver_role } = spec.action;
  const extras: { -readonly [K in keyof CompiledRule["extras"]]: CompiledRule["extras"][K] } = {};
  if (ttl !== undefined) {
    const ms = parseDurationMs(ttl);
    if (ms === undefined) return fail(`action.ttl: bad duration ${JSON.stringify(ttl)}: expected e.g. "45m" or "1h30m"`);
    extras.ttl_seconds = Math.floor(ms / 1000);
  }
  if (approver_role !== undefined) extras.approver_role = approver_role;

  const methods = spec.masking?.rules ?? {};
  for (const [field, method] of Object.entries(methods)) {
    if (!isMaskingMethod(method)) fail(`masking.rules.${field}: unknown method ${JSON.stringify(method)}`);
  }
  const defaultMethod = spec.masking?.default_method;
  if (defaultMethod !== undefined && !isMaskingMethod(defaultMethod)) {
    fail(`masking.default_method: unknown method ${JSON.stringify(defaultMethod)}`);
  }

  return {
    index,
    literal: dataset === undefined || hasWildcard(dataset) ? undefined : dataset,
    id: rule.id,
    precedence: rule.precedence,
    action,
    reason: reason ?? `matched rule ${rule.id}`,
    extras,
    matches: (f) => tests.every((t) => t(f)),
    masks: (f, into) => {
      for (const field of f.fields) {
        const name = field.field.name;
        if ((hasAttributes && !attributes(field)) || (named !== undefined && !named.has(name))) continue;
        const method = (Object.hasOwn(methods, name) ? methods[name] : undefined) ?? defaultMethod ?? FALLBACK_MASK_METHOD;
        into.set(name, stricterMask(into.get(name), method));
      }
    },
  };
}

function actionOf(spec: DataSpec, fail: (p: string) => never): DataAction {
  const set = ACTIONS.filter((a) => spec.action?.[a] === true);
  if (set.length !== 1) {
    return fail(`action must set exactly one of ${ACTIONS.join(", ")} to true; got ${set.length === 0 ? "none" : set.join(", ")}`);
  }
  return set[0]!;
}

function toSet(value: string | string[] | undefined): ReadonlySet<string> | undefined {
  return value === undefined ? undefined : new Set(typeof value === "string" ? [value] : value);
}

/** string = equals, list = any of, {not: x} = none of; a missing value never matches. */
function compileContextMatcher(matcher: ContextMatcher, fail: (p: string) => never): (value: string | undefined) => boolean {
  if (typeof matcher === "string") return (v) => v === matcher;
  const not = isRecord(matcher) && "not" in matcher;
  if (!not && !Array.isArray(matcher)) return fail(`expected a string, a list or {not: …}; got ${JSON.stringify(matcher)}`);
  const set = toSet(not ? matcher.not : matcher) ?? new Set();
  return (v) => v !== undefined && set.has(v) !== not;
}
