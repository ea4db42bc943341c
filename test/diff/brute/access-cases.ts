/**
 * Random AccessPolicy diff cases for the brute-force oracle: a small random base and a head made
 * from it by ONE random edit (or, for the neutrality property, one pure reordering/renaming).
 *
 * Everything is drawn from small menus (below) so the oracle's universe (./oracle.ts) is provably
 * exhaustive: actions and resources are matched by glob automata (./strings.ts), conditions keep
 * one operator family per key (./conditions.ts).
 *
 * fast-check arbitraries, so cases shrink; plain TypeScript with no test-runner imports, so
 * `fuzz/` draws from the same generators with `fc.sample`.
 */
import fc from "fast-check";
import type { EffectiveStatement } from "../../../src/engine/effective.js";
import type { AccessPolicy } from "../../../src/engine/access/index.js";
import type { ConditionBlock, ConditionValue } from "../../../src/engine/spec.js";

/** Services a, b; verbs X, Y, XY; the globs of the brief. */
export const ACTION_MENU = ["a:X", "a:Y", "a:XY", "b:X", "b:Y", "b:XY", "a:*", "a:X*", "*:Y", "a:?", "b:*", "*"] as const;
export const RESOURCE_MENU = ["r://p/*", "r://*/u", "r://p/u", "r://q/*", "r://q/u", "*"] as const;

/** One operator family per key (the oracle's exhaustiveness argument needs it). */
export const CONDITION_KEYS = {
  "source.ip": {
    operators: ["IpAddress", "NotIpAddress", "IpAddressIfExists", "NotIpAddressIfExists"],
    values: ["10.0.0.0/8", "10.1.0.0/16", "192.168.0.0/16", "10.1.2.3"],
  },
  "principal.role": {
    operators: ["StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIgnoreCase", "StringEqualsIfExists", "StringNotEqualsIfExists", "StringLikeIfExists"],
    values: ["dba", "ops", "d*", "DBA"],
  },
  level: {
    operators: ["NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "NumericLessThanIfExists"],
    values: [3, 5, "7.5"],
  },
  mfa: { operators: ["Bool", "BoolIfExists"], values: [true, false, "true"] },
  tags: {
    operators: ["ForAnyValue:StringEquals", "ForAllValues:StringEquals", "StringEquals", "ForAnyValue:StringLike", "ForAllValues:StringNotEquals"],
    values: ["red", "blue", "gr*"],
  },
} as const satisfies Record<string, { operators: readonly string[]; values: readonly ConditionValue[] }>;
export type ConditionKey = keyof typeof CONDITION_KEYS;
const KEYS = Object.keys(CONDITION_KEYS) as ConditionKey[];
/** Null may test any of the keys, and one no other operator uses. */
const NULL_KEYS = [...KEYS, "team"] as const;

export interface ConditionEntry {
  op: string;
  key: string;
  values: ConditionValue;
}

export interface AccessSide {
  Statement: EffectiveStatement[];
  RequireApproval?: { Actions: string[]; ApproverRole?: string };
  Description?: string;
}

export interface AccessCase {
  kind: "access";
  base: AccessSide;
  head: AccessSide;
  /** What the edit did, e.g. "remove-action a:X from statement 2". */
  edit: string;
  /** A pure reordering/renaming: no decision can change. */
  pure: boolean;
}

const conditionEntryArb: fc.Arbitrary<ConditionEntry> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...KEYS).chain((key) => {
    const menu = CONDITION_KEYS[key];
    return fc.record({
      op: fc.constantFrom(...menu.operators),
      key: fc.constant(key as string),
      values: fc.oneof(fc.constantFrom(...(menu.values as readonly ConditionValue[])), fc.uniqueArray(fc.constantFrom(...(menu.values as readonly (string | number | boolean)[])), { minLength: 1, maxLength: 2 })),
    });
  }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("Null"), key: fc.constantFrom(...NULL_KEYS) as fc.Arbitrary<string>, values: fc.boolean() as fc.Arbitrary<ConditionValue> }) },
);

/** Entries into a Condition block (a later entry for the same operator and key replaces an earlier one). */
export function toBlock(entries: readonly ConditionEntry[]): ConditionBlock {
  const block: ConditionBlock = {};
  for (const e of entries) block[e.op] = { ...(block[e.op] ?? {}), [e.key]: e.values };
  return block;
}

function fromBlock(block: ConditionBlock | undefined): ConditionEntry[] {
  const out: ConditionEntry[] = [];
  for (const [op, keys] of Object.entries(block ?? {})) for (const [key, values] of Object.entries(keys)) out.push({ op, key, values });
  return out;
}

const patterns = <T extends string>(menu: readonly T[], max = 3) => fc.uniqueArray(fc.constantFrom(...menu), { minLength: 1, maxLength: max });

export const statementArb: fc.Arbitrary<EffectiveStatement> = fc
  .record({
    Effect: fc.constantFrom("Allow" as const, "Deny" as const),
    actions: patterns(ACTION_MENU),
    notAction: fc.nat(9),
    resources: fc.option(patterns(RESOURCE_MENU, 2), { nil: undefined, freq: 4 }),
    notResource: fc.nat(5),
    condition: fc.option(fc.array(conditionEntryArb, { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 2 }),
    sid: fc.option(fc.constantFrom("S1", "S2", "S3", "S4"), { nil: undefined }),
    policy: fc.constantFrom("p", "q"),
  })
  .map(({ Effect, actions, notAction, resources, notResource, condition, sid, policy }) => {
    const s: EffectiveStatement = { Effect, source: { policy, file: `policies/${policy}.yaml` } };
    if (sid !== undefined) s.Sid = sid;
    // NotAction mostly in Deny statements (an Allow NotAction allows almost everything)
    if (notAction < (Effect === "Deny" ? 3 : 1)) s.NotAction = [...actions];
    else s.Action = [...actions];
    if (resources) {
      if (notResource === 0) s.NotResource = [...resources];
      else s.Resource = [...resources];
    }
    if (condition) s.Condition = toBlock(condition);
    return s;
  });

const approvalArb = fc.option(
  fc.record({ Actions: fc.uniqueArray(fc.constantFrom(...ACTION_MENU.filter((a) => a !== "*")), { minLength: 1, maxLength: 2 }), role: fc.option(fc.constantFrom("lead", "security"), { nil: undefined }) }),
  { nil: undefined, freq: 3 },
);

export const accessSideArb: fc.Arbitrary<AccessSide> = fc
  .record({ statements: fc.array(statementArb, { minLength: 1, maxLength: 5 }), approval: approvalArb })
  .map(({ statements, approval }) => {
    const side: AccessSide = { Statement: statements };
    if (approval) side.RequireApproval = approval.role ? { Actions: [...approval.Actions], ApproverRole: approval.role } : { Actions: [...approval.Actions] };
    return side;
  });

export const ACCESS_EDITS = [
  "add-statement",
  "remove-statement",
  "flip-effect",
  "add-action",
  "remove-action",
  "replace-action",
  "add-resource",
  "remove-resource",
  "replace-resource",
  "toggle-not-action",
  "toggle-not-resource",
  "add-condition",
  "remove-condition",
  "change-condition",
  "approval-add",
  "approval-remove",
  "approval-replace",
] as const;
export const ACCESS_PURE_EDITS = ["reorder-statements", "rename-sid", "description"] as const;

export interface AccessEdit {
  op: string;
  i: number;
  j: number;
  statement: EffectiveStatement;
  action: string;
  resource: string;
  condition: ConditionEntry;
}

const editArb = (ops: readonly string[]): fc.Arbitrary<AccessEdit> =>
  fc.record({
    op: fc.constantFrom(...ops),
    i: fc.nat(20),
    j: fc.nat(20),
    statement: statementArb,
    action: fc.constantFrom(...ACTION_MENU),
    resource: fc.constantFrom(...RESOURCE_MENU),
    condition: conditionEntryArb,
  });

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Applies one edit; returns the head and a description. Inapplicable edits fall back to adding a statement. */
export function applyAccessEdit(base: AccessSide, e: AccessEdit): { head: AccessSide; edit: string } {
  const head = clone(base);
  const n = head.Statement.length;
  const k = n === 0 ? -1 : e.i % n;
  const s = k >= 0 ? head.Statement[k]! : undefined;
  const at = `statement ${k + 1}`;
  const targetList = (st: EffectiveStatement, which: "action" | "resource"): string[] | undefined =>
    which === "action" ? (st.Action ?? st.NotAction) : (st.Resource ?? st.NotResource);
  switch (e.op) {
    case "remove-statement":
      if (s) {
        head.Statement.splice(k, 1);
        return { head, edit: `remove ${at}` };
      }
      break;
    case "flip-effect":
      if (s) {
        s.Effect = s.Effect === "Allow" ? "Deny" : "Allow";
        return { head, edit: `flip Effect of ${at} to ${s.Effect}` };
      }
      break;
    case "add-action":
    case "remove-action":
    case "replace-action":
    case "add-resource":
    case "remove-resource":
    case "replace-resource": {
      if (!s) break;
      const which = e.op.endsWith("action") ? "action" : "resource";
      const value = which === "action" ? e.action : e.resource;
      let list = targetList(s, which);
      if (list === undefined) {
        if (which === "action" || e.op !== "add-resource") break;
        s.Resource = list = [];
      }
      if (e.op.startsWith("add")) {
        if (list.includes(value)) break;
        list.push(value);
        return { head, edit: `add ${which} ${value} to ${at}` };
      }
      const m = e.j % list.length;
      if (e.op.startsWith("remove")) {
        const [gone] = list.splice(m, 1);
        if (list.length === 0) {
          // an empty Action list would be a different statement kind; an empty resource list goes away
          if (which === "action") break;
          delete s.Resource;
          delete s.NotResource;
        }
        return { head, edit: `remove ${which} ${gone} from ${at}` };
      }
      if (list.includes(value)) break;
      const old = list[m];
      list[m] = value;
      return { head, edit: `replace ${which} ${old} with ${value} in ${at}` };
    }
    case "toggle-not-action":
      if (s) {
        if (s.Action) {
          s.NotAction = s.Action;
          delete s.Action;
          return { head, edit: `Action → NotAction in ${at}` };
        }
        s.Action = s.NotAction;
        delete s.NotAction;
        return { head, edit: `NotAction → Action in ${at}` };
      }
      break;
    case "toggle-not-resource":
      if (s && (s.Resource || s.NotResource)) {
        if (s.Resource) {
          s.NotResource = s.Resource;
          delete s.Resource;
          return { head, edit: `Resource → NotResource in ${at}` };
        }
        s.Resource = s.NotResource;
        delete s.NotResource;
        return { head, edit: `NotResource → Resource in ${at}` };
      }
      break;
    case "add-condition":
    case "remove-condition":
    case "change-condition": {
      if (!s) break;
      const entries = fromBlock(s.Condition);
      if (e.op === "add-condition") {
        // each key has one operator family in the menu, so adding never mixes families
        s.Condition = toBlock([...entries, e.condition]);
        return { head, edit: `add condition ${e.condition.op} ${e.condition.key}: ${JSON.stringify(e.condition.values)} to ${at}` };
      }
      if (entries.length === 0) break;
      const m = e.j % entries.length;
      const old = entries[m]!;
      if (e.op === "remove-condition") {
        entries.splice(m, 1);
        if (entries.length === 0) delete s.Condition;
        else s.Condition = toBlock(entries);
        return { head, edit: `remove condition ${old.op} ${old.key} from ${at}` };
      }
      // change: same key, another operator or values of its family (or the drawn entry on the same key)
      const menu = (CONDITION_KEYS as Record<string, { operators: readonly string[]; values: readonly ConditionValue[] }>)[old.key];
      let changed: ConditionEntry;
      if (old.op === "Null" || menu === undefined) changed = { op: "Null", key: old.key, values: old.values === true ? false : true };
      else if (e.i % 2 === 0) changed = { ...old, op: menu.operators[e.j % menu.operators.length]! };
      else changed = { ...old, values: menu.values[e.j % menu.values.length]! };
      if (JSON.stringify(changed) === JSON.stringify(old)) changed = { ...old, values: Array.isArray(old.values) ? old.values[0]! : menu?.values.find((v) => v !== old.values) ?? old.values };
      entries[m] = changed;
      s.Condition = toBlock(entries);
      return { head, edit: `change condition ${old.op} ${old.key}: ${JSON.stringify(old.values)} → ${changed.op} ${JSON.stringify(changed.values)} in ${at}` };
    }
    case "approval-add": {
      const a = e.action === "*" ? "a:X" : e.action;
      const list = head.RequireApproval?.Actions ?? [];
      if (list.includes(a)) break;
      head.RequireApproval = { ...(head.RequireApproval ?? {}), Actions: [...list, a] };
      return { head, edit: `add approval action ${a}` };
    }
    case "approval-remove":
    case "approval-replace": {
      const list = head.RequireApproval?.Actions;
      if (!list || list.length === 0) break;
      const m = e.j % list.length;
      const old = list[m]!;
      if (e.op === "approval-remove") {
        list.splice(m, 1);
        if (list.length === 0) delete head.RequireApproval;
        return { head, edit: `remove approval action ${old}` };
      }
      const a = e.action === "*" ? "b:Y" : e.action;
      if (list.includes(a)) break;
      list[m] = a;
      return { head, edit: `replace approval action ${old} with ${a}` };
    }
    case "reorder-statements":
      if (n >= 2) {
        const m = e.j % n === k ? (k + 1) % n : e.j % n;
        [head.Statement[k], head.Statement[m]] = [head.Statement[m]!, head.Statement[k]!];
        return { head, edit: `swap statements ${k + 1} and ${m + 1}` };
      }
      return { head, edit: "reorder (nothing to reorder)" };
    case "rename-sid":
      if (s) {
        const old = s.Sid;
        const next = `Renamed${e.j}`;
        s.Sid = next;
        return { head, edit: `rename Sid ${old ?? "(none)"} → ${next} in ${at}` };
      }
      return { head, edit: "rename (nothing to rename)" };
    case "description":
      head.Description = `edited ${e.j}`;
      return { head, edit: `Description → "edited ${e.j}"` };
  }
  head.Statement.push(clone(e.statement));
  return { head, edit: `add statement ${head.Statement.length}` };
}

/** A random base and one random (decision-relevant) edit. */
export const accessCaseArb: fc.Arbitrary<AccessCase> = fc.record({ base: accessSideArb, edit: editArb(ACCESS_EDITS) }).map(({ base, edit }) => {
  const { head, edit: label } = applyAccessEdit(base, edit);
  return { kind: "access", base, head, edit: label, pure: false };
});

/** A random base and one pure reordering or renaming. */
export const accessPureCaseArb: fc.Arbitrary<AccessCase> = fc.record({ base: accessSideArb, edit: editArb(ACCESS_PURE_EDITS) }).map(({ base, edit }) => {
  const { head, edit: label } = applyAccessEdit(base, edit);
  return { kind: "access", base, head, edit: label, pure: true };
});

/** The evaluator's view of one side. */
export function accessPolicyOf(side: AccessSide): AccessPolicy {
  return side.RequireApproval ? { Statement: side.Statement, RequireApproval: side.RequireApproval } : { Statement: side.Statement };
}
