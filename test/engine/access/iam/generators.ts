/**
 * Random identity policies over real AWS actions and ARNs, and requests against them, for the
 * differential test against @cloud-copilot/iam-simulate.
 *
 * {@link iamCaseArb}: a case picks one to three "focus" targets (action + resource); most
 * Action/Resource patterns are derived from them (exact, `Get*`, `*Object`, `?`, mixed letter
 * case, `service:*`, `*`, a resource id with wildcards or another letter case, whole ARN
 * segments as `*`), the rest from any target or from decoys, and most requests are for them, so
 * statements and requests actually meet. {@link iamConditionCaseArb}: one statement (or `Allow *`
 * and one Deny) that always applies but for its Condition, so every answer is a condition's.
 *
 * Conditions draw a key from ./catalog.ts, an operator of the String family or of the key's own
 * family (or Null), an optional `ForAnyValue:`/`ForAllValues:` prefix and `IfExists` suffix, and
 * one to three values well-formed for that family. A request sends each key its action knows
 * with probability ½ (lists, possibly empty, for multi-valued keys), so every key is tried
 * present and absent. Cases stay in the agreed domain by construction (./domain.ts states it):
 * Deny statements give multi-valued keys set operators only, and the rare request a resource
 * pattern matches as a whole string but not segment by segment (difference 3) is left out.
 *
 * Everything is built from plain records mapped to the case (no `chain`), so fast-check shrinks
 * statements, requests, keys and values independently. Plain TypeScript, no test-runner
 * imports: `fuzz/` samples the same arbitrary.
 */
import fc from "fast-check";
import {
  DECOY_ACTIONS,
  DECOY_RESOURCES,
  familyOperators,
  KEYS,
  keyApplies,
  policyValueArb,
  requestValueArb,
  STRING_OPERATORS,
  TARGETS,
} from "./catalog.js";
import type { KeySpec, Target } from "./catalog.js";
import { arnParts, resourceTypePrefix, sameBothWays } from "./arn.js";

export type PolicyValue = string | number | boolean;
export type ConditionBlockJson = Record<string, Record<string, PolicyValue | PolicyValue[]>>;

/** One IAM statement, in the JSON both sides read (edict's EffectiveStatement adds `source`). */
export interface IamStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Condition?: ConditionBlockJson;
}

export interface IamRequest {
  action: string;
  resource: string;
  /** Strings for single-valued keys, lists for multi-valued ones. */
  context: Record<string, string | string[]>;
}

export interface IamCase {
  statements: IamStatement[];
  requests: IamRequest[];
}

// ---- small helpers ----

const at = <T>(items: readonly T[], i: number): T => items[i % items.length]!;

/** Flips the letter case of the characters whose bit in `mask` is set. */
function flipCase(text: string, mask: number): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const flip = ((mask >>> i % 31) & 1) === 1;
    out += flip ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c;
  }
  return out;
}

/** A wildcard edit of `text`: `prefix*`, `*suffix`, one `?`, `pre*post`, or `*`; positions are taken modulo the length. */
function wildcardEdit(text: string, kind: number, a: number, b: number): string {
  const n = text.length;
  const i = n === 0 ? 0 : a % (n + 1);
  const j = n === 0 ? 0 : b % (n + 1);
  switch (kind % 5) {
    case 0:
      return `${text.slice(0, i)}*`;
    case 1:
      return `*${text.slice(i)}`;
    case 2:
      return n === 0 ? "?" : `${text.slice(0, i % n)}?${text.slice((i % n) + 1)}`;
    case 3:
      return `${text.slice(0, Math.min(i, j))}*${text.slice(Math.max(i, j))}`;
    default:
      return "*";
  }
}

// ---- actions ----

interface ActionPick {
  source: "focus" | "any" | "decoy";
  index: number;
  /** 0 exact, 1 wildcard edit of the action name, 2 `service:*`, 3 `*` */
  shape: number;
  kind: number;
  a: number;
  b: number;
  /** Mixed letter case (a bit mask), 0 for none. */
  caseMask: number;
}

const actionPickArb: fc.Arbitrary<ActionPick> = fc.record({
  source: fc.constantFrom<ActionPick["source"]>("focus", "focus", "focus", "focus", "any", "decoy"),
  index: fc.nat(),
  shape: fc.constantFrom(0, 0, 1, 1, 1, 2, 3),
  kind: fc.nat(),
  a: fc.nat(),
  b: fc.nat(),
  caseMask: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat() }),
});

function renderAction(p: ActionPick, focus: readonly Target[]): string {
  if (p.source === "decoy") return flipCase(at(DECOY_ACTIONS, p.index), p.caseMask);
  const action = (p.source === "focus" ? at(focus, p.index) : at(TARGETS, p.index)).action;
  const [service, name] = action.split(":") as [string, string];
  // the service prefix stays literal (IAM refuses wildcards there); only its case may change
  const pattern =
    p.shape === 0 ? action : p.shape === 1 ? `${service}:${wildcardEdit(name, p.kind, p.a, p.b)}` : p.shape === 2 ? `${service}:*` : "*";
  return flipCase(pattern, p.caseMask);
}

// ---- resources ----

interface ResourcePick {
  source: "focus" | "any" | "decoy";
  index: number;
  /** Partition, service, region, account made `*` (a bit each), when set. */
  segments: number;
  /** 0 exact id, 1 wildcard edit of the id, 2 id with its letter case flipped, 3 the whole pattern `*` */
  shape: number;
  kind: number;
  a: number;
  b: number;
  caseMask: number;
}

const resourcePickArb: fc.Arbitrary<ResourcePick> = fc.record({
  source: fc.constantFrom<ResourcePick["source"]>("focus", "focus", "focus", "focus", "any", "decoy"),
  index: fc.nat(),
  segments: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 15 }) }),
  shape: fc.constantFrom(0, 0, 1, 1, 1, 2, 3),
  kind: fc.nat(),
  a: fc.nat(),
  b: fc.nat(),
  caseMask: fc.nat(),
});

function renderResource(p: ResourcePick, focus: readonly Target[]): string {
  if (p.source === "decoy") return at(DECOY_RESOURCES, p.index);
  const resource = (p.source === "focus" ? at(focus, p.index) : at(TARGETS, p.index)).resource;
  const parts = arnParts(resource);
  if (p.shape === 3 || parts === undefined) return "*";
  const [arn, ...segs] = parts;
  // whole segments as `*` (partition, service, region, account), lower case otherwise
  for (let k = 0; k < 4; k++) if (((p.segments >>> k) & 1) === 1) segs[k] = "*";
  const [partition, service, region, account, rest] = segs as [string, string, string, string, string];
  const prefix = resourceTypePrefix(service, region, account, rest);
  const id = rest.slice(prefix.length);
  const newId = p.shape === 1 ? wildcardEdit(id, p.kind, p.a, p.b) : p.shape === 2 ? flipCase(id, p.caseMask) : id;
  return [arn, partition, service, region, account, prefix + newId].join(":");
}

// ---- conditions ----

interface ConditionPick {
  key: number;
  /** Lower-case the key name in the policy. */
  lowerKey: boolean;
  /** 0..5 String family, 6..9 the key's own family (String keys: String again), 10 Null */
  family: number;
  op: number;
  set: "" | "ForAnyValue:" | "ForAllValues:";
  ifExists: boolean;
  values: PolicyValueSlot[];
  scalar: boolean;
}

/** Values of every family drawn up front, so the key and operator chosen at render time pick from them. */
interface PolicyValueSlot {
  byFamily: Record<string, PolicyValue[]>;
}

function valueSlotArb(key: KeySpec): fc.Arbitrary<PolicyValueSlot> {
  const fam = key.type;
  return fc
    .record({
      String: fc.tuple(policyValueArb(key, "String", false)),
      Like: fc.tuple(policyValueArb(key, "String", true)),
      Own: fc.tuple(policyValueArb(key, fam, false)),
      Null: fc.tuple(policyValueArb(key, "Null", false)),
    })
    .map((r) => ({ byFamily: { String: r.String, Like: r.Like, Own: r.Own, Null: r.Null } }));
}

const conditionPickArb: fc.Arbitrary<ConditionPick> = fc.oneof(
  ...KEYS.map((spec, key) =>
    fc.record({
      key: fc.constant(key),
      lowerKey: fc.constantFrom(false, false, false, false, true),
      family: fc.integer({ min: 0, max: 10 }),
      op: fc.nat(),
      set: spec.multi
        ? fc.constantFrom<ConditionPick["set"]>("", "ForAnyValue:", "ForAnyValue:", "ForAllValues:", "ForAllValues:")
        : fc.constantFrom<ConditionPick["set"]>("", "", "", "", "ForAnyValue:", "ForAllValues:"),
      ifExists: fc.constantFrom(false, false, false, true),
      values: fc.array(valueSlotArb(spec), { minLength: 1, maxLength: 3 }),
      scalar: fc.boolean(),
    }),
  ),
);

interface RenderedCondition {
  operator: string;
  key: string;
  values: PolicyValue | PolicyValue[];
}

function renderCondition(p: ConditionPick, effect: "Allow" | "Deny"): RenderedCondition {
  const key = KEYS[p.key]!;
  const name = p.lowerKey ? key.name.toLowerCase() : key.name;
  if (p.family === 10) {
    const values = p.values.map((v) => v.byFamily.Null![0]!);
    return { operator: "Null", key: name, values: p.scalar && values.length === 1 ? values[0]! : values };
  }
  const own = p.family >= 6 && key.type !== "String";
  const base = own ? at(familyOperators(key.type), p.op) : at(STRING_OPERATORS, p.op);
  const like = base.includes("Like") && !base.startsWith("Arn");
  const values = p.values.map((v) => (own ? v.byFamily.Own! : like ? v.byFamily.Like! : v.byFamily.String!)[0]!);
  // a Deny never gives a single-valued operator a list-valued key: there edict's fail-closed
  // "error" applies the Deny where IAM's false does not (deliberate difference 2)
  const set = p.set === "" && key.multi && effect === "Deny" ? "ForAnyValue:" : p.set;
  const operator = `${set}${base}${p.ifExists ? "IfExists" : ""}`;
  return { operator, key: name, values: p.scalar && values.length === 1 ? values[0]! : values };
}

// ---- statements ----

interface StatementPick {
  effect: "Allow" | "Deny";
  notAction: boolean;
  actions: ActionPick[];
  notResource: boolean;
  resources: ResourcePick[];
  conditions: ConditionPick[];
  sid: boolean;
}

const statementPickArb: fc.Arbitrary<StatementPick> = fc.record({
  effect: fc.constantFrom<"Allow" | "Deny">("Allow", "Allow", "Allow", "Deny", "Deny"),
  notAction: fc.constantFrom(false, false, false, false, true),
  actions: fc.array(actionPickArb, { minLength: 1, maxLength: 3 }),
  notResource: fc.constantFrom(false, false, false, false, true),
  resources: fc.array(resourcePickArb, { minLength: 1, maxLength: 3 }),
  conditions: fc.oneof({ weight: 1, arbitrary: fc.constant<ConditionPick[]>([]) }, { weight: 4, arbitrary: fc.array(conditionPickArb, { minLength: 1, maxLength: 4 }) }),
  sid: fc.boolean(),
});

function renderStatement(p: StatementPick, focus: readonly Target[], index: number): IamStatement {
  const actions = [...new Set(p.actions.map((a) => renderAction(a, focus)))];
  const resources = [...new Set(p.resources.map((r) => renderResource(r, focus)))];
  const s: IamStatement = { Effect: p.effect };
  if (p.sid) s.Sid = `S${index}`;
  if (p.notAction) s.NotAction = actions;
  else s.Action = actions;
  if (p.notResource) s.NotResource = resources;
  else s.Resource = resources;
  if (p.conditions.length > 0) {
    const block: ConditionBlockJson = {};
    for (const c of p.conditions.map((x) => renderCondition(x, p.effect))) (block[c.operator] ??= {})[c.key] = c.values;
    s.Condition = block;
  }
  return s;
}

// ---- requests ----

interface RequestPick {
  target: number;
  fromFocus: boolean;
  /** Letter case flipped in key names (context keys are case-insensitive), 0 for none. */
  keyCase: number;
  /** Lower-case the action (actions are case-insensitive). */
  lowerAction: boolean;
  /** Per key of the catalogue: absent, or its value(s). */
  context: Array<string[] | null>;
}

const requestPickArb: fc.Arbitrary<RequestPick> = fc.record({
  target: fc.nat(),
  fromFocus: fc.constantFrom(true, true, true, true, false),
  keyCase: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat() }),
  lowerAction: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
  context: fc.tuple(
    ...KEYS.map((key) => fc.option(fc.array(requestValueArb(key), { minLength: key.multi ? 0 : 1, maxLength: key.multi ? 3 : 1 }), { freq: 2 })),
  ),
});

function renderRequest(p: RequestPick, focus: readonly Target[]): IamRequest {
  const target = p.fromFocus ? at(focus, p.target) : at(TARGETS, p.target);
  const context: Record<string, string | string[]> = {};
  KEYS.forEach((key, i) => {
    const values = p.context[i];
    // a key the action does not know would be dropped by the simulator: it is not sent at all
    if (values === null || values === undefined || !keyApplies(key, target.action)) return;
    context[flipCase(key.name, p.keyCase)] = key.multi ? values : values[0]!;
  });
  return { action: p.lowerAction ? target.action.toLowerCase() : target.action, resource: target.resource, context };
}

// ---- cases ----

export const iamCaseArb: fc.Arbitrary<IamCase> = fc
  .record({
    focus: fc.array(fc.nat({ max: TARGETS.length - 1 }), { minLength: 1, maxLength: 3 }),
    statements: fc.array(statementPickArb, { minLength: 1, maxLength: 4 }),
    requests: fc.array(requestPickArb, { minLength: 1, maxLength: 5 }),
  })
  .map(({ focus, statements, requests }) => {
    const targets = focus.map((i) => TARGETS[i]!);
    const rendered = statements.map((s, i) => renderStatement(s, targets, i));
    const patterns = rendered.flatMap((s) => [...(s.Resource ?? []), ...(s.NotResource ?? [])]);
    return {
      statements: rendered,
      // a request some pattern matches as a whole string but not segment by segment (or the
      // reverse) is deliberate difference 3: it is left out (rare: a whole-segment `*` against a
      // resource with colons in its id)
      requests: requests.map((r) => renderRequest(r, targets)).filter((r) => patterns.every((p) => sameBothWays(p, r.resource))),
    };
  })
  .filter((c) => c.requests.length > 0);

/**
 * Condition-dense cases: one target, and either `Allow <action> when C` or `Allow *` plus `Deny
 * <action> on <resource> when C`, so every request's answer is C's value on its context; C has
 * one to three operator/key pairs. Mixed with {@link iamCaseArb} by {@link iamMixedCaseArb}.
 */
export const iamConditionCaseArb: fc.Arbitrary<IamCase> = fc
  .record({
    target: fc.nat({ max: TARGETS.length - 1 }),
    deny: fc.boolean(),
    conditions: fc.array(conditionPickArb, { minLength: 1, maxLength: 3 }),
    requests: fc.array(requestPickArb, { minLength: 1, maxLength: 5 }),
  })
  .map(({ target, deny, conditions, requests }) => {
    const t = TARGETS[target]!;
    const effect = deny ? "Deny" : "Allow";
    const block: ConditionBlockJson = {};
    for (const c of conditions.map((x) => renderCondition(x, effect))) (block[c.operator] ??= {})[c.key] = c.values;
    const statements: IamStatement[] = deny
      ? [
          { Effect: "Allow", Action: ["*"], Resource: ["*"] },
          { Effect: "Deny", Action: [t.action], Resource: [t.resource], Condition: block },
        ]
      : [{ Effect: "Allow", Action: [t.action], Resource: ["*"], Condition: block }];
    return { statements, requests: requests.map((r) => renderRequest({ ...r, fromFocus: true }, [t])) };
  });

/** Half whole random policies, half condition-dense cases. */
export const iamMixedCaseArb: fc.Arbitrary<IamCase> = fc.oneof(iamCaseArb, iamConditionCaseArb);
