/**
 * Random DataPolicy diff cases for the brute-force oracle: 1–4 rules and a default action, and a
 * head made by ONE random edit (or one pure reordering/renaming). Values come from small menus
 * so the oracle's universe (./oracle.ts, `dataUniverse`) is exhaustive.
 *
 * Plain TypeScript (fast-check arbitraries), no test-runner imports.
 */
import fc from "fast-check";
import type { EffectiveData, EffectiveDataRule } from "../../../src/engine/effective.js";
import type { ContextMatcher, DataSpec } from "../../../src/engine/spec.js";

export const DATASET_MENU = ["cust*", "customers", "orders", "*", "ord?rs", "*s"] as const;
export const SENSITIVITY_MENU = ["pii", "internal", "public"] as const;
export const CATEGORY_MENU = ["contact", "financial"] as const;
export const TAG_MENU = ["gdpr", "pii", "financial"] as const;
export const NAME_MENU = ["email", "ssn", "phone"] as const;
export const ROLE_MENU = ["analyst", "admin"] as const;
export const CLEARANCE_MENU = ["low", "high"] as const;
export const REGION_MENU = ["US", "EU"] as const;
export const ENV_MENU = ["production", "staging"] as const;
export const TIME_MENU = ["07:00", "09:30", "17:00", "19:00", "00:00", "23:59"] as const;
/** At most one zone with daylight saving time: a winter and a summer date see every offset combination. */
export const ZONE_MENU = ["UTC", "Europe/Berlin", "Asia/Kolkata"] as const;

export const CONTEXT_MENUS = {
  requester_role: ROLE_MENU,
  requester_clearance: CLEARANCE_MENU,
  requester_region: REGION_MENU,
  dataset_region: REGION_MENU,
  environment: ENV_MENU,
} as const;
type ContextKey = keyof typeof CONTEXT_MENUS;
const CONTEXT_KEYS = Object.keys(CONTEXT_MENUS) as ContextKey[];

export interface DataCase {
  kind: "data";
  base: EffectiveData;
  head: EffectiveData;
  edit: string;
  pure: boolean;
}

const oneOrMany = (menu: readonly string[]): fc.Arbitrary<string | string[]> =>
  fc.oneof(fc.constantFrom(...menu), fc.uniqueArray(fc.constantFrom(...menu), { minLength: 1, maxLength: 2 }));

const matcherArb = (menu: readonly string[]): fc.Arbitrary<ContextMatcher> =>
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...menu) }, { weight: 1, arbitrary: fc.uniqueArray(fc.constantFrom(...menu), { minLength: 1, maxLength: 2 }) }, { weight: 1, arbitrary: oneOrMany(menu).map((not) => ({ not })) });

type Fields = NonNullable<NonNullable<DataSpec["match"]>["fields"]>;
const FIELD_PARTS = ["sensitivity", "category", "contains", "any", "all"] as const;

const fieldsArb: fc.Arbitrary<Fields> = fc.record(
  {
    sensitivity: oneOrMany(SENSITIVITY_MENU),
    category: oneOrMany(CATEGORY_MENU),
    contains: fc.uniqueArray(fc.constantFrom(...TAG_MENU), { minLength: 1, maxLength: 2 }),
    any: fc.uniqueArray(fc.constantFrom(...NAME_MENU), { minLength: 1, maxLength: 2 }),
    all: fc.uniqueArray(fc.constantFrom(...NAME_MENU), { minLength: 1, maxLength: 2 }),
  },
  { requiredKeys: [] },
);

const timeArb = fc
  .record({ after: fc.option(fc.constantFrom(...TIME_MENU), { nil: undefined }), before: fc.option(fc.constantFrom(...TIME_MENU), { nil: undefined }), timezone: fc.option(fc.constantFrom(...ZONE_MENU), { nil: undefined }) })
  .map(({ after, before, timezone }) => {
    const t: { after?: string; before?: string; timezone?: string } = {};
    if (after !== undefined || before === undefined) t.after = after ?? "09:30";
    if (before !== undefined) t.before = before;
    if (timezone !== undefined) t.timezone = timezone;
    return t;
  });

type Action = DataSpec["action"];
const actionArb: fc.Arbitrary<{ action: Action; masking?: DataSpec["masking"] }> = fc.constantFrom(
  { action: { deny: true, reason: "blocked" } },
  { action: { require_approval: true, reason: "needs sign-off", approver_role: "dpo" } },
  { action: { mask: true }, masking: { default_method: "redact" as const } },
  { action: { mask: true }, masking: { default_method: "hash" as const, rules: { email: "partial" as const } } },
  { action: { allow: true } },
);

const contextArb = fc.record(
  {
    requester_role: matcherArb(ROLE_MENU),
    requester_clearance: matcherArb(CLEARANCE_MENU),
    requester_region: matcherArb(REGION_MENU),
    dataset_region: matcherArb(REGION_MENU),
    environment: matcherArb(ENV_MENU),
    time: timeArb,
  },
  { requiredKeys: [] },
);

export const dataSpecArb: fc.Arbitrary<DataSpec> = fc
  .record({
    dataset: fc.option(fc.constantFrom(...DATASET_MENU), { nil: undefined, freq: 3 }),
    fields: fc.option(fieldsArb, { nil: undefined }),
    context: fc.option(contextArb, { nil: undefined }),
    action: actionArb,
  })
  .map(({ dataset, fields, context, action }) => {
    const spec: DataSpec = { action: { ...action.action } };
    const match: NonNullable<DataSpec["match"]> = {};
    if (dataset !== undefined) match.dataset = dataset;
    if (fields !== undefined && Object.keys(fields).length > 0) match.fields = fields;
    if (Object.keys(match).length > 0) spec.match = match;
    if (context !== undefined && Object.keys(context).length > 0) spec.context = context;
    if (action.masking) spec.masking = structuredClone(action.masking);
    return spec;
  });

function rule(id: string, precedence: number, spec: DataSpec): EffectiveDataRule {
  return { id, precedence, source: { policy: id, file: `policies/${id}.yaml` }, spec };
}

export const dataSideArb: fc.Arbitrary<EffectiveData> = fc
  .record({ specs: fc.array(dataSpecArb, { minLength: 1, maxLength: 4 }), order: fc.nat(23), default_action: fc.constantFrom("allow" as const, "deny" as const) })
  .map(({ specs, order, default_action }) => {
    // distinct precedences (positions in precedence order), in a drawn permutation
    const prec = specs.map((_, i) => (i + order) % specs.length);
    return { rules: specs.map((s, i) => rule(`r${i + 1}`, prec[i]! * 10 + 10, s)), default_action };
  });

export const DATA_EDITS = ["add-rule", "remove-rule", "change-action", "change-dataset", "change-fields", "change-context", "change-time", "change-precedence", "toggle-default"] as const;
export const DATA_PURE_EDITS = ["reorder-rules", "description", "rename-id"] as const;

export interface DataEdit {
  op: string;
  i: number;
  j: number;
  spec: DataSpec;
}

const editArb = (ops: readonly string[]): fc.Arbitrary<DataEdit> => fc.record({ op: fc.constantFrom(...ops), i: fc.nat(20), j: fc.nat(20), spec: dataSpecArb });

/** Applies one edit; inapplicable edits fall back to adding a rule. */
export function applyDataEdit(base: EffectiveData, e: DataEdit): { head: EffectiveData; edit: string } {
  const head = structuredClone(base);
  const n = head.rules.length;
  const k = n === 0 ? -1 : e.i % n;
  const r = k >= 0 ? head.rules[k]! : undefined;
  const drawn = e.spec;
  switch (e.op) {
    case "remove-rule":
      if (r) {
        head.rules.splice(k, 1);
        return { head, edit: `remove rule ${r.id}` };
      }
      break;
    case "change-action":
      if (r && JSON.stringify(r.spec.action) !== JSON.stringify(drawn.action)) {
        const before = Object.keys(r.spec.action).find((a) => (r.spec.action as Record<string, unknown>)[a] === true);
        r.spec.action = structuredClone(drawn.action);
        if (drawn.masking) r.spec.masking = structuredClone(drawn.masking);
        else delete r.spec.masking;
        return { head, edit: `change action of ${r.id}: ${before} → ${Object.keys(drawn.action).find((a) => (drawn.action as Record<string, unknown>)[a] === true)}` };
      }
      break;
    case "change-dataset":
      if (r) {
        const before = r.spec.match?.dataset;
        const after = drawn.match?.dataset;
        if (before === after) break;
        const match = { ...(r.spec.match ?? {}) };
        if (after === undefined) delete match.dataset;
        else match.dataset = after;
        if (Object.keys(match).length === 0) delete r.spec.match;
        else r.spec.match = match;
        return { head, edit: `change dataset of ${r.id}: ${before ?? "(any)"} → ${after ?? "(any)"}` };
      }
      break;
    case "change-fields":
      if (r) {
        const part = FIELD_PARTS[e.j % FIELD_PARTS.length]!;
        const fields: Fields = { ...(r.spec.match?.fields ?? {}) };
        const before = fields[part];
        const after = drawn.match?.fields?.[part];
        if (JSON.stringify(before) === JSON.stringify(after)) break;
        if (after === undefined) delete fields[part];
        else (fields as Record<string, unknown>)[part] = structuredClone(after);
        const match = { ...(r.spec.match ?? {}) };
        if (Object.keys(fields).length === 0) delete match.fields;
        else match.fields = fields;
        if (Object.keys(match).length === 0) delete r.spec.match;
        else r.spec.match = match;
        return { head, edit: `change match.fields.${part} of ${r.id}: ${JSON.stringify(before) ?? "(none)"} → ${JSON.stringify(after) ?? "(none)"}` };
      }
      break;
    case "change-context":
    case "change-time":
      if (r) {
        const key = e.op === "change-time" ? "time" : CONTEXT_KEYS[e.j % CONTEXT_KEYS.length]!;
        const context = { ...(r.spec.context ?? {}) } as Record<string, unknown>;
        const before = context[key];
        let after = (drawn.context as Record<string, unknown> | undefined)?.[key];
        if (after === undefined && before === undefined) {
          // draw something to add
          const menu = key === "time" ? undefined : CONTEXT_MENUS[key as ContextKey];
          after = menu ? menu[e.i % menu.length] : { after: TIME_MENU[e.i % TIME_MENU.length], before: TIME_MENU[e.j % TIME_MENU.length], timezone: ZONE_MENU[e.j % ZONE_MENU.length] };
        }
        if (JSON.stringify(before) === JSON.stringify(after)) break;
        if (after === undefined) delete context[key];
        else context[key] = structuredClone(after);
        if (Object.keys(context).length === 0) delete r.spec.context;
        else r.spec.context = context as DataSpec["context"];
        return { head, edit: `change context.${key} of ${r.id}: ${JSON.stringify(before) ?? "(none)"} → ${JSON.stringify(after) ?? "(none)"}` };
      }
      break;
    case "change-precedence":
      if (r) {
        const before = r.precedence;
        const after = (e.j % 6) * 10 + 5;
        r.precedence = after;
        return { head, edit: `change precedence of ${r.id}: ${before} → ${after}` };
      }
      break;
    case "toggle-default":
      head.default_action = head.default_action === "allow" ? "deny" : "allow";
      return { head, edit: `default_action → ${head.default_action}` };
    case "reorder-rules":
      if (n >= 2) {
        const m = e.j % n === k ? (k + 1) % n : e.j % n;
        [head.rules[k], head.rules[m]] = [head.rules[m]!, head.rules[k]!];
        return { head, edit: `swap rules ${head.rules[m]!.id} and ${head.rules[k]!.id} in the list (precedences kept)` };
      }
      return { head, edit: "reorder (nothing to reorder)" };
    case "description":
      if (r) {
        r.spec.description = `edited ${e.j}`;
        return { head, edit: `description of ${r.id} → "edited ${e.j}"` };
      }
      break;
    case "rename-id":
      if (r) {
        const old = r.id;
        const id = `renamed${e.j}`;
        head.rules[k] = { ...r, id, source: { policy: id, file: `policies/${id}.yaml` } };
        return { head, edit: `rename rule ${old} → ${id}` };
      }
      break;
  }
  const ids = new Set(head.rules.map((x) => x.id));
  let m = head.rules.length + 1;
  while (ids.has(`r${m}`)) m++;
  head.rules.push(rule(`r${m}`, (e.j % 6) * 10 + 5, structuredClone(drawn)));
  return { head, edit: `add rule r${m}` };
}

export const dataCaseArb: fc.Arbitrary<DataCase> = fc.record({ base: dataSideArb, edit: editArb(DATA_EDITS) }).map(({ base, edit }) => {
  const { head, edit: label } = applyDataEdit(base, edit);
  return { kind: "data", base, head, edit: label, pure: false };
});

export const dataPureCaseArb: fc.Arbitrary<DataCase> = fc.record({ base: dataSideArb, edit: editArb(DATA_PURE_EDITS) }).map(({ base, edit }) => {
  const { head, edit: label } = applyDataEdit(base, edit);
  return { kind: "data", base, head, edit: label, pure: true };
});
