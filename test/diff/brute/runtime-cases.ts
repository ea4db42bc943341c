/**
 * Random RuntimePolicy (tool allowlist) diff cases for the brute-force oracle: 1–3 all-of
 * allowlists (or none), `deny_if_unpinned_version`, `security.allow_versions` and
 * `enforcement.deny_on`/`escalate_on`, and a head made by ONE random edit (or one pure
 * reordering). Entries come from a small menu so the oracle's URI universe is exhaustive.
 *
 * Plain TypeScript (fast-check arbitraries), no test-runner imports.
 */
import fc from "fast-check";
import type { EffectiveRuntime } from "../../../src/engine/effective.js";
import type { ReasonCode } from "../../../src/engine/vocabulary.js";

export const ENTRY_MENU = [
  "mcp://database-mcp/query@1.0",
  "mcp://database-mcp/query@2.0",
  "mcp://*/query@*",
  "mcp://db*/*",
  "mcp://database-mcp/*",
  "mcp://vision-mcp/detect",
  "mcp://vision-mcp/*@1.?",
  "*",
] as const;
export const ALLOW_VERSIONS_MENU: ReadonlyArray<readonly [string, string[]]> = [
  ["database-mcp", ["1.*"]],
  ["vision-*", ["1.0", "2.*"]],
  ["*", ["1.0"]],
];
export const DENY_ON_MENU: readonly ReasonCode[] = ["tool_not_in_allowlist", "version_unpinned", "egress_violation"];

export interface RuntimeCase {
  kind: "runtime";
  base: EffectiveRuntime;
  head: EffectiveRuntime;
  edit: string;
  pure: boolean;
}

const listArb = fc.uniqueArray(fc.constantFrom(...ENTRY_MENU), { minLength: 1, maxLength: 3 });

export const runtimeSideArb: fc.Arbitrary<EffectiveRuntime> = fc
  .record({
    allowlist: fc.option(fc.array(listArb, { minLength: 1, maxLength: 3 }), { nil: undefined, freq: 8 }),
    unpinned: fc.constantFrom(undefined, true, false),
    versions: fc.option(fc.uniqueArray(fc.nat(ALLOW_VERSIONS_MENU.length - 1), { minLength: 1, maxLength: 2 }), { nil: undefined, freq: 3 }),
    denyMain: fc.nat(9),
    denyExtra: fc.boolean(),
    escalate: fc.option(fc.constantFrom<ReasonCode[]>(["version_unpinned"], ["tool_not_in_allowlist"]), { nil: undefined, freq: 4 }),
  })
  .map(({ allowlist, unpinned, versions, denyMain, denyExtra, escalate }) => {
    const runtime: EffectiveRuntime = {};
    const tools: NonNullable<EffectiveRuntime["tools"]> = {};
    if (allowlist) tools.allowlist = allowlist.map((l) => [...l]);
    if (unpinned !== undefined) tools.deny_if_unpinned_version = unpinned;
    if (Object.keys(tools).length > 0) runtime.tools = tools;
    if (versions) runtime.security = { allow_versions: Object.fromEntries(versions.map((i) => [ALLOW_VERSIONS_MENU[i]![0], [...ALLOW_VERSIONS_MENU[i]![1]]])) };
    // deny_on holds both allowlist codes most of the time (otherwise nothing blocks)
    const deny: ReasonCode[] = denyMain < 7 ? ["tool_not_in_allowlist", "version_unpinned"] : denyMain < 8 ? ["tool_not_in_allowlist"] : denyMain < 9 ? ["version_unpinned"] : [];
    if (denyExtra) deny.push("egress_violation");
    runtime.enforcement = { deny_on: deny };
    if (escalate) runtime.enforcement.escalate_on = [...escalate];
    return runtime;
  });

export const RUNTIME_EDITS = [
  "add-entry",
  "remove-entry",
  "replace-entry",
  "add-list",
  "remove-list",
  "toggle-unpinned",
  "deny-on-add",
  "deny-on-remove",
  "allow-versions-add",
  "allow-versions-remove",
  "allowlist-drop",
] as const;
export const RUNTIME_PURE_EDITS = ["reorder-entries", "reorder-lists", "reorder-deny-on"] as const;

export interface RuntimeEdit {
  op: string;
  i: number;
  j: number;
  entry: string;
  list: string[];
}

const editArb = (ops: readonly string[]): fc.Arbitrary<RuntimeEdit> =>
  fc.record({ op: fc.constantFrom(...ops), i: fc.nat(20), j: fc.nat(20), entry: fc.constantFrom(...ENTRY_MENU), list: listArb });

/** Applies one edit; inapplicable edits fall back to adding an allowlist. */
export function applyRuntimeEdit(base: EffectiveRuntime, e: RuntimeEdit): { head: EffectiveRuntime; edit: string } {
  const head = structuredClone(base);
  const lists = head.tools?.allowlist;
  const k = lists && lists.length > 0 ? e.i % lists.length : -1;
  const list = k >= 0 ? lists![k]! : undefined;
  const at = `allowlist ${k + 1}`;
  const denyOn = head.enforcement?.deny_on ?? [];
  switch (e.op) {
    case "add-entry":
      if (list && !list.includes(e.entry)) {
        list.push(e.entry);
        return { head, edit: `add ${e.entry} to ${at}` };
      }
      break;
    case "remove-entry":
      if (list && list.length > 0) {
        const [gone] = list.splice(e.j % list.length, 1);
        return { head, edit: `remove ${gone} from ${at}${list.length === 0 ? " (now empty: allows nothing)" : ""}` };
      }
      break;
    case "replace-entry":
      if (list && list.length > 0 && !list.includes(e.entry)) {
        const m = e.j % list.length;
        const old = list[m];
        list[m] = e.entry;
        return { head, edit: `replace ${old} with ${e.entry} in ${at}` };
      }
      break;
    case "remove-list":
      if (lists && lists.length > 1) {
        lists.splice(k, 1);
        return { head, edit: `remove ${at}` };
      }
      break;
    case "toggle-unpinned": {
      const tools = (head.tools ??= {});
      const before = tools.deny_if_unpinned_version;
      tools.deny_if_unpinned_version = before !== true;
      return { head, edit: `deny_if_unpinned_version: ${String(before)} → ${String(tools.deny_if_unpinned_version)}` };
    }
    case "deny-on-add": {
      const code = DENY_ON_MENU.find((c, idx) => idx >= e.j % DENY_ON_MENU.length && !denyOn.includes(c)) ?? DENY_ON_MENU.find((c) => !denyOn.includes(c));
      if (code === undefined) break;
      head.enforcement = { ...(head.enforcement ?? {}), deny_on: [...denyOn, code] };
      return { head, edit: `deny_on += ${code}` };
    }
    case "deny-on-remove":
      if (denyOn.length > 0) {
        const m = e.j % denyOn.length;
        const code = denyOn[m];
        head.enforcement = { ...(head.enforcement ?? {}), deny_on: denyOn.filter((_, idx) => idx !== m) };
        return { head, edit: `deny_on -= ${code}` };
      }
      break;
    case "allow-versions-add": {
      const [server, versions] = ALLOW_VERSIONS_MENU[e.j % ALLOW_VERSIONS_MENU.length]!;
      const current = head.security?.allow_versions ?? {};
      if (Object.hasOwn(current, server)) {
        // widen that server's versions instead
        const more = ["2.0", "1.*", "3.?"].find((v) => !current[server]!.includes(v));
        if (!more) break;
        current[server] = [...current[server]!, more];
        return { head, edit: `allow_versions[${server}] += ${more}` };
      }
      head.security = { ...(head.security ?? {}), allow_versions: { ...current, [server]: [...versions] } };
      return { head, edit: `allow_versions[${server}] = ${JSON.stringify(versions)}` };
    }
    case "allow-versions-remove": {
      const current = head.security?.allow_versions;
      const servers = Object.keys(current ?? {});
      if (!current || servers.length === 0) break;
      const server = servers[e.j % servers.length]!;
      const versions = current[server]!;
      if (versions.length > 1 && e.i % 2 === 0) {
        const gone = versions.splice(e.j % versions.length, 1);
        return { head, edit: `allow_versions[${server}] -= ${gone[0]}` };
      }
      delete current[server];
      if (Object.keys(current).length === 0) delete head.security;
      return { head, edit: `remove allow_versions[${server}]` };
    }
    case "allowlist-drop":
      if (lists) {
        delete head.tools!.allowlist;
        if (Object.keys(head.tools!).length === 0) delete head.tools;
        return { head, edit: "remove tools.allowlist entirely (everything passes the allowlist)" };
      }
      break;
    case "reorder-entries":
      if (list && list.length >= 2) {
        list.reverse();
        return { head, edit: `reverse the entries of ${at}` };
      }
      return { head, edit: "reorder (nothing to reorder)" };
    case "reorder-lists":
      if (lists && lists.length >= 2) {
        lists.reverse();
        return { head, edit: "reverse the order of the allowlists" };
      }
      return { head, edit: "reorder (nothing to reorder)" };
    case "reorder-deny-on":
      if (denyOn.length >= 2) {
        head.enforcement = { ...(head.enforcement ?? {}), deny_on: [...denyOn].reverse() };
        return { head, edit: "reverse deny_on" };
      }
      return { head, edit: "reorder (nothing to reorder)" };
  }
  const tools = (head.tools ??= {});
  tools.allowlist = [...(tools.allowlist ?? []), [...e.list]];
  return { head, edit: `add allowlist ${tools.allowlist.length}: ${JSON.stringify(e.list)}` };
}

export const runtimeCaseArb: fc.Arbitrary<RuntimeCase> = fc.record({ base: runtimeSideArb, edit: editArb(RUNTIME_EDITS) }).map(({ base, edit }) => {
  const { head, edit: label } = applyRuntimeEdit(base, edit);
  return { kind: "runtime", base, head, edit: label, pure: false };
});

export const runtimePureCaseArb: fc.Arbitrary<RuntimeCase> = fc.record({ base: runtimeSideArb, edit: editArb(RUNTIME_PURE_EDITS) }).map(({ base, edit }) => {
  const { head, edit: label } = applyRuntimeEdit(base, edit);
  return { kind: "runtime", base, head, edit: label, pure: true };
});
