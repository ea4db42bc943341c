/**
 * The access engines under test, each built from the same generated statements and answering
 * the same request stream: edict's compiled evaluator, edict's reference evaluator, the floor,
 * Cedar (wasm; per-call parse and preparsed) and casbin.
 *
 * Equivalence: actions are exact or `svc:Family*`; resources are `*`, exact, or prefix globs with
 * one trailing `*`; one optional CIDR condition on the source IP; Deny wins over Allow; no match
 * denies. Requests spell actions exactly as the policies do, so case-insensitive matching (edict)
 * and case-sensitive matching (Cedar, casbin) agree.
 */
import * as cedar from "@cedar-policy/cedar-wasm/nodejs";
import { newEnforcer, newModelFromString, StringAdapter } from "casbin";
import { compileAccess, evaluateAccessReference } from "../../src/engine/access/index.js";
import type { AccessPolicy, AccessRequest } from "../../src/engine/access/index.js";
import { compileWildcard } from "../../src/engine/match/wildcard.js";
import type { WildcardMatcher } from "../../src/engine/match/wildcard.js";
import { VERBS, toEffectiveStatement } from "./generate.js";
import type { GenRequest, GenStatement } from "./generate.js";
import { msSince, nowNs } from "./measure.js";

/** An engine ready to answer request `i` of the stream it was built with. */
export interface Engine {
  name: string;
  /** Milliseconds spent compiling / parsing / loading the policy set. */
  setupMs: number;
  /** Fast engines are measured in tight batches; slow ones call by call within a time budget. */
  fast: boolean;
  /** True when request `i` is allowed. */
  decide(i: number): boolean;
  /** Fast engines: evaluates every request once in a tight loop and returns the number allowed. */
  runAll?(): number;
  /** Extra facts for the report (policy rows, text size…). */
  info?: string;
}

export function toAccessPolicy(statements: readonly GenStatement[]): AccessPolicy {
  return { Statement: statements.map(toEffectiveStatement) };
}

export function toAccessRequests(requests: readonly GenRequest[]): AccessRequest[] {
  return requests.map((r) => ({ action: r.action, resource: r.resource, context: { "source.ip": r.ip } }));
}

export function edictCompiled(statements: readonly GenStatement[], requests: readonly GenRequest[]): Engine {
  const policy = toAccessPolicy(statements);
  const reqs = toAccessRequests(requests);
  const start = nowNs();
  const engine = compileAccess(policy);
  const setupMs = msSince(start);
  const n = reqs.length;
  return {
    name: "edict compileAccess().authorize",
    setupMs,
    fast: true,
    decide: (i) => engine.authorize(reqs[i] as AccessRequest).decision === "allow",
    runAll() {
      let allowed = 0;
      for (let i = 0; i < n; i++) if (engine.authorize(reqs[i] as AccessRequest).decision === "allow") allowed++;
      return allowed;
    },
  };
}

export function edictReference(statements: readonly GenStatement[], requests: readonly GenRequest[]): Engine {
  const policy = toAccessPolicy(statements);
  const reqs = toAccessRequests(requests);
  return {
    name: "edict evaluateAccessReference (oracle)",
    setupMs: 0,
    fast: false,
    decide: (i) => evaluateAccessReference(policy, reqs[i] as AccessRequest).decision === "allow",
  };
}

/**
 * The floor: what any engine must at least do per request, one Map lookup (by action) plus one
 * precompiled pattern test (of the resource). Its answers are not decisions; only its speed counts.
 */
export function floor(statements: readonly GenStatement[], requests: readonly GenRequest[]): Engine {
  const start = nowNs();
  const byAction = new Map<string, WildcardMatcher>();
  for (const s of statements) {
    const test = compileWildcard(s.resources[0] as string);
    for (const a of s.actions) {
      const expanded = a.endsWith("*") ? VERBS.filter((v) => v.startsWith(a.slice(a.indexOf(":") + 1, -1))).map((v) => `${s.service}:${v}`) : [a];
      for (const x of expanded) if (!byAction.has(x)) byAction.set(x, test);
    }
  }
  const setupMs = msSince(start);
  const reqs = requests.map((r) => ({ action: r.action, resource: r.resource }));
  const n = reqs.length;
  const one = (i: number): boolean => {
    const r = reqs[i] as { action: string; resource: string };
    const test = byAction.get(r.action);
    return test !== undefined && test(r.resource);
  };
  return {
    name: "floor: Map lookup + 1 pattern test",
    setupMs,
    fast: true,
    decide: one,
    runAll() {
      let hits = 0;
      for (let i = 0; i < n; i++) {
        const r = reqs[i] as { action: string; resource: string };
        const test = byAction.get(r.action);
        if (test !== undefined && test(r.resource)) hits++;
      }
      return hits;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Cedar

function cedarString(text: string): string {
  return JSON.stringify(text);
}

/** A Cedar `like` pattern: a trailing `*` stays a wildcard; a literal `*` elsewhere is escaped. */
function cedarLike(pattern: string): string {
  const body = pattern.endsWith("*") ? `${pattern.slice(0, -1).replace(/\*/g, "\\*")}*` : pattern.replace(/\*/g, "\\*");
  return cedarString(body);
}

/** One statement as a Cedar policy: exact actions in the scope, globs and resources in `when`. */
export function toCedarPolicy(s: GenStatement): string {
  const conditions: string[] = [];
  let actionScope = "action";
  if (s.actions.some((a) => a.includes("*"))) {
    conditions.push(`(${s.actions.map((a) => (a.includes("*") ? `action.name like ${cedarLike(a)}` : `action.name == ${cedarString(a)}`)).join(" || ")})`);
  } else if (s.actions.length === 1) {
    actionScope = `action == Action::${cedarString(s.actions[0] as string)}`;
  } else {
    actionScope = `action in [${s.actions.map((a) => `Action::${cedarString(a)}`).join(", ")}]`;
  }
  if (!s.resources.includes("*")) {
    conditions.push(`(${s.resources.map((r) => (r.endsWith("*") ? `resource.path like ${cedarLike(r)}` : `resource.path == ${cedarString(r)}`)).join(" || ")})`);
  }
  if (s.cidr !== undefined) conditions.push(`context.ip.isInRange(ip(${cedarString(s.cidr)}))`);
  const when = conditions.length === 0 ? "" : ` when { ${conditions.join(" && ")} }`;
  return `@id(${cedarString(s.sid)})\n${s.deny ? "forbid" : "permit"} (principal, ${actionScope}, resource)${when};`;
}

export function toCedarPolicies(statements: readonly GenStatement[]): string {
  return statements.map(toCedarPolicy).join("\n");
}

type CedarCall = Omit<cedar.AuthorizationCall, "policies" | "schema" | "validateRequest">;

function toCedarCall(r: GenRequest): CedarCall {
  const action = { type: "Action", id: r.action };
  const resource = { type: "Resource", id: r.resource };
  return {
    principal: { type: "Agent", id: "bench-agent" },
    action,
    resource,
    context: { ip: { __extn: { fn: "ip", arg: r.ip } } },
    entities: [
      { uid: resource, attrs: { path: r.resource }, parents: [] },
      { uid: action, attrs: { name: r.action }, parents: [] },
    ],
  };
}

function cedarAllowed(answer: cedar.AuthorizationAnswer): boolean {
  if (answer.type === "failure") throw new Error(`cedar: ${answer.errors.map((e) => e.message).join("; ")}`);
  if (answer.response.diagnostics.errors.length > 0) {
    throw new Error(`cedar: policy evaluation errors: ${answer.response.diagnostics.errors.map((e) => e.error.message).join("; ").slice(0, 300)}`);
  }
  return answer.response.decision === "allow";
}

/** `isAuthorized`: the policy text is parsed on every call (Cedar's stateless API). */
export function cedarIsAuthorized(statements: readonly GenStatement[], requests: readonly GenRequest[]): Engine {
  const text = toCedarPolicies(statements);
  const start = nowNs();
  const check = cedar.checkParsePolicySet({ staticPolicies: text });
  if (check.type !== "success") throw new Error(`cedar: policy set does not parse: ${check.errors.map((e) => e.message).join("; ")}`);
  const setupMs = msSince(start);
  const calls = requests.map((r) => ({ ...toCedarCall(r), policies: { staticPolicies: text } }));
  return {
    name: "cedar-wasm isAuthorized",
    setupMs,
    fast: false,
    info: `${statements.length} policies, ${text.length.toLocaleString("en-US")} chars`,
    decide: (i) => cedarAllowed(cedar.isAuthorized(calls[i] as cedar.AuthorizationCall)),
  };
}

/** `statefulIsAuthorized`: the policy set is parsed once (`preparsePolicySet`) and reused. */
export function cedarStateful(statements: readonly GenStatement[], requests: readonly GenRequest[]): Engine {
  const text = toCedarPolicies(statements);
  const id = `bench-${statements.length}`;
  const start = nowNs();
  const parsed = cedar.preparsePolicySet(id, { staticPolicies: text });
  if (parsed.type !== "success") throw new Error(`cedar: preparse failed: ${parsed.errors.map((e) => e.message).join("; ")}`);
  const setupMs = msSince(start);
  const calls = requests.map((r) => ({ ...toCedarCall(r), preparsedPolicySetId: id }));
  return {
    name: "cedar-wasm statefulIsAuthorized (preparsed)",
    setupMs,
    fast: false,
    decide: (i) => cedarAllowed(cedar.statefulIsAuthorized(calls[i] as cedar.StatefulAuthorizationCall)),
  };
}

export function cedarVersion(): string {
  return cedar.getCedarVersion();
}

// ---------------------------------------------------------------------------------------------
// casbin

export const CASBIN_MODEL = `[request_definition]
r = act, obj, ip

[policy_definition]
p = act, obj, ip, eft

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = globMatch(r.act, p.act) && keyMatch(r.obj, p.obj) && ipMatch(r.ip, p.ip)
`;

/** One casbin policy row per (action, resource) pair of a statement; no condition = `0.0.0.0/0`. */
export function toCasbinRows(statements: readonly GenStatement[]): string[][] {
  const seen = new Set<string>();
  const rows: string[][] = [];
  for (const s of statements) {
    for (const a of s.actions) {
      for (const r of s.resources) {
        const row = [a, r, s.cidr ?? "0.0.0.0/0", s.deny ? "deny" : "allow"];
        const key = row.join("\u0000");
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push(row);
      }
    }
  }
  return rows;
}

export async function casbinEngine(statements: readonly GenStatement[], requests: readonly GenRequest[]): Promise<Engine> {
  const rows = toCasbinRows(statements);
  const csv = rows.map((r) => `p, ${r.join(", ")}`).join("\n");
  const start = nowNs();
  const enforcer = await newEnforcer(newModelFromString(CASBIN_MODEL), new StringAdapter(csv));
  const setupMs = msSince(start);
  const reqs = requests.map((r) => [r.action, r.resource, r.ip]);
  return {
    name: "casbin enforceSync (globMatch + keyMatch + ipMatch)",
    setupMs,
    fast: false,
    info: `${rows.length.toLocaleString("en-US")} policy rows`,
    decide: (i) => enforcer.enforceSync(...(reqs[i] as string[])),
  };
}
