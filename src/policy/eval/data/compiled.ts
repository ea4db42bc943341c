/**
 * The compiled DataPolicy evaluator the loader serves (SPEC §2.3, §8 `engine.decideData`). It
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
import { EdictError } from "../../../errors.js";
import type { EffectiveData, EffectiveDataRule } from "../../effective.js";
import { compileWildcard, hasWildcard } from "../../match/wildcard.js";
import type { ContextMatcher, DataSpec } from "../../types.js";
import { parseDuration } from "../../values/units.js";
import { DATA_ACTIONS } from "../../vocabulary.js";
import type { DataAction, MaskingMethod } from "../../vocabulary.js";
import { FALLBACK_MASK_METHOD, isMaskingMethod, stricterMask } from "./masking.js";
import { requestProblem } from "./request.js";
import { compileTimeWindow, wallClock } from "./time-window.js";
import type { DataDecision, DataEvaluator, DataRequest, RequestedField } from "./types.js";

/** Strength of each action: higher wins. */
export const ACTION_STRENGTH: Readonly<Record<DataAction, number>> = Object.freeze({
  deny: 3,
  require_approval: 2,
  mask: 1,
  allow: 0,
});

/** A requested field with its tag set, computed once per request. */
interface Field {
  readonly name: string;
  readonly sensitivity: string | undefined;
  readonly category: string | undefined;
  readonly tags: ReadonlySet<string>;
}

/** Everything a rule looks at, computed once per request. */
interface Facts {
  readonly dataset: string;
  readonly fields: readonly Field[];
  readonly names: ReadonlySet<string>;
  readonly context: Readonly<Record<ContextKey, string | undefined>>;
  /** Minute of the day per time zone, filled on first use. */
  readonly minuteIn: (zone: string) => number;
}

type ContextKey = "requester_role" | "requester_clearance" | "requester_region" | "dataset_region" | "environment";
const CONTEXT_KEYS: readonly ContextKey[] = ["requester_role", "requester_clearance", "requester_region", "dataset_region", "environment"];

interface CompiledRule {
  readonly index: number;
  readonly id: string;
  readonly precedence: number;
  readonly action: DataAction;
  readonly strength: number;
  readonly reason: string;
  readonly ttlSeconds: number | undefined;
  readonly approverRole: string | undefined;
  readonly matches: (f: Facts) => boolean;
  /** The requested fields a mask rule masks, with their methods. */
  readonly masks: (f: Facts, into: Map<string, MaskingMethod>) => void;
}

/**
 * Compiles the effective data rules once; `decideData` then answers requests.
 *
 * @example
 * const data = compileData(effective.data);
 * data.decideData({ dataset: "customers", fields: [{ name: "email", sensitivity: "pii" }], requester: { region: "US" }, dataset_region: "EU" });
 */
export function compileData(data: EffectiveData): DataEvaluator {
  const clocks = new Map<string, (epochMs: number) => number>();
  const rules = data.rules.map((rule, index) => compileRule(rule, index, clocks));
  const exact = new Map<string, CompiledRule[]>();
  const wild: CompiledRule[] = [];
  data.rules.forEach((rule, i) => {
    const dataset = rule.spec.match?.dataset;
    const compiled = rules[i]!;
    if (dataset === undefined || hasWildcard(dataset)) wild.push(compiled);
    else {
      const list = exact.get(dataset);
      if (list) list.push(compiled);
      else exact.set(dataset, [compiled]);
    }
  });
  const defaultDecision: DataDecision = Object.freeze({
    action: data.default_action === "allow" ? "allow" : "deny",
    policy: null,
    reason: "no rule matched",
    matched: Object.freeze([]),
  });

  const decideData = (request: DataRequest, now: Date = new Date()): DataDecision => {
    const problem = requestProblem(request, now);
    if (problem !== undefined) return { action: "deny", policy: null, reason: `malformed request: ${problem}`, matched: [] };
    const facts = toFacts(request, now.getTime(), clocks);
    const candidates = mergeByIndex(exact.get(request.dataset), wild);

    const matched: CompiledRule[] = [];
    let winner: CompiledRule | undefined;
    for (const rule of candidates) {
      if (!rule.matches(facts)) continue;
      matched.push(rule);
      if (
        winner === undefined ||
        rule.strength > winner.strength ||
        (rule.strength === winner.strength && rule.precedence >= winner.precedence)
      ) {
        winner = rule;
      }
    }
    if (winner === undefined) return defaultDecision;

    const decision: {
      action: DataAction;
      policy: string;
      reason: string;
      ttl_seconds?: number;
      approver_role?: string;
      masks?: Record<string, MaskingMethod>;
      matched: string[];
    } = { action: winner.action, policy: winner.id, reason: winner.reason, matched: matched.map((r) => r.id) };
    if (winner.ttlSeconds !== undefined) decision.ttl_seconds = winner.ttlSeconds;
    if (winner.approverRole !== undefined) decision.approver_role = winner.approverRole;
    if (winner.action === "mask") {
      const masks = new Map<string, MaskingMethod>();
      for (const rule of matched) if (rule.action === "mask") rule.masks(facts, masks);
      decision.masks = Object.fromEntries(masks);
    }
    return decision;
  };
  return { decideData };
}

/** Candidates of both lists in rule order (each list is already in rule order). */
function mergeByIndex(a: readonly CompiledRule[] | undefined, b: readonly CompiledRule[]): readonly CompiledRule[] {
  if (a === undefined || a.length === 0) return b;
  if (b.length === 0) return a;
  const out: CompiledRule[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]!.index < b[j]!.index)) out.push(a[i++]!);
    else out.push(b[j++]!);
  }
  return out;
}

function toFacts(request: DataRequest, epochMs: number, clocks: Map<string, (epochMs: number) => number>): Facts {
  const fields = request.fields.map(toField);
  const requester = request.requester ?? {};
  const minutes = new Map<string, number>();
  return {
    dataset: request.dataset,
    fields,
    names: new Set(fields.map((f) => f.name)),
    context: {
      requester_role: requester.role,
      requester_clearance: requester.clearance,
      requester_region: requester.region,
      dataset_region: request.dataset_region,
      environment: request.environment,
    },
    minuteIn: (zone) => {
      let m = minutes.get(zone);
      if (m === undefined) {
        m = clocks.get(zone)!(epochMs);
        minutes.set(zone, m);
      }
      return m;
    },
  };
}

function toField(f: RequestedField): Field {
  const tags = new Set(f.tags ?? []);
  if (f.sensitivity !== undefined) tags.add(f.sensitivity);
  if (f.category !== undefined) tags.add(f.category);
  return { name: f.name, sensitivity: f.sensitivity, category: f.category, tags };
}

// ---------------------------------------------------------------------------------------------
// Compiling one rule

function compileRule(rule: EffectiveDataRule, index: number, clocks: Map<string, (epochMs: number) => number>): CompiledRule {
  const fail = (problem: string): never => {
    throw new EdictError("CONFIG_ERROR", `data rule ${rule.id} (${rule.source.file}): ${problem}`);
  };
  const spec: DataSpec = rule.spec;
  const action = actionOf(spec, fail);
  const tests: Array<(f: Facts) => boolean> = [];

  const dataset = spec.match?.dataset;
  const datasetTest = dataset === undefined ? undefined : compileWildcard(dataset);

  const criteria = spec.match?.fields;
  const sensitivity = toSet(criteria?.sensitivity);
  const category = toSet(criteria?.category);
  const contains = criteria?.contains;
  const hasAttributes = sensitivity !== undefined || category !== undefined || contains !== undefined;
  const attributes = (f: Field): boolean =>
    (sensitivity === undefined || (f.sensitivity !== undefined && sensitivity.has(f.sensitivity))) &&
    (category === undefined || (f.category !== undefined && category.has(f.category))) &&
    (contains === undefined || contains.every((t) => f.tags.has(t)));
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
    tests.push((f) => test(f.context[key]));
  }
  if (context?.time !== undefined) {
    const window = compileTimeWindow(context.time);
    if (typeof window === "string") return fail(`context.time: ${window}`);
    if (!clocks.has(window.zone)) clocks.set(window.zone, wallClock(window.zone));
    tests.push((f) => window.contains(f.minuteIn(window.zone)));
  }

  let ttlSeconds: number | undefined;
  if (spec.action.ttl !== undefined) {
    const ttl = parseDuration(spec.action.ttl);
    if (!ttl.ok) return fail(`action.ttl: ${ttl.message}`);
    ttlSeconds = Math.floor(ttl.value / 1000);
  }

  const methods = spec.masking?.rules ?? {};
  for (const [field, method] of Object.entries(methods)) {
    if (!isMaskingMethod(method)) fail(`masking.rules.${field}: unknown method ${JSON.stringify(method)}`);
  }
  const defaultMethod = spec.masking?.default_method;
  if (defaultMethod !== undefined && !isMaskingMethod(defaultMethod)) {
    fail(`masking.default_method: unknown method ${JSON.stringify(defaultMethod)}`);
  }
  const methodFor = (name: string): MaskingMethod =>
    (Object.hasOwn(methods, name) ? methods[name] : undefined) ?? defaultMethod ?? FALLBACK_MASK_METHOD;

  const matches = (f: Facts): boolean => {
    if (datasetTest !== undefined && !datasetTest(f.dataset)) return false;
    for (let i = 0; i < tests.length; i++) if (!tests[i]!(f)) return false;
    return true;
  };

  return {
    index,
    id: rule.id,
    precedence: rule.precedence,
    action,
    strength: ACTION_STRENGTH[action],
    reason: spec.action.reason ?? `matched rule ${rule.id}`,
    ttlSeconds,
    approverRole: spec.action.approver_role,
    matches,
    masks: (f, into) => {
      for (const field of f.fields) {
        if (hasAttributes && !attributes(field)) continue;
        if (named !== undefined && !named.has(field.name)) continue;
        const method = methodFor(field.name);
        const previous = into.get(field.name);
        into.set(field.name, previous === undefined ? method : stricterMask(previous, method));
      }
    },
  };
}

function actionOf(spec: DataSpec, fail: (p: string) => never): DataAction {
  const set = DATA_ACTIONS.filter((a) => spec.action?.[a] === true);
  if (set.length !== 1) {
    return fail(`action must set exactly one of ${DATA_ACTIONS.join(", ")} to true; got ${set.length === 0 ? "none" : set.join(", ")}`);
  }
  return set[0]!;
}

function toSet(value: string | string[] | undefined): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  return new Set(typeof value === "string" ? [value] : value);
}

/** string = equals, list = any of, {not: x} = none of; a missing value never matches. */
function compileContextMatcher(matcher: ContextMatcher, fail: (p: string) => never): (value: string | undefined) => boolean {
  if (typeof matcher === "string") return (v) => v === matcher;
  if (Array.isArray(matcher)) {
    const set = new Set(matcher);
    return (v) => v !== undefined && set.has(v);
  }
  if (typeof matcher === "object" && matcher !== null && "not" in matcher) {
    const not = matcher.not;
    const set = new Set(typeof not === "string" ? [not] : not);
    return (v) => v !== undefined && !set.has(v);
  }
  return fail(`expected a string, a list or {not: …}; got ${JSON.stringify(matcher)}`);
}
