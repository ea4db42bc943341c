/**
 * The brute-force oracle of the semantic diff: for one diff case (base, head), it
 * enumerates a universe of requests that is exhaustive for the case's patterns and values,
 * evaluates both sides with the reference evaluators, and checks what `diffTargetMerges` says
 * against what really flips.
 *
 * Universes (why each is exhaustive is argued where it is built):
 * - access: actions × resources × contexts. Actions and resources: one string per match vector
 *   over every Action/NotAction/RequireApproval (case-insensitive) and Resource/NotResource
 *   pattern of both sides (./strings.ts). Contexts: one per vector of statement Condition
 *   results (./conditions.ts). A decision depends on the request only through those.
 * - data: per dimension of a rule's match (dataset; fields; requester role, clearance, region;
 *   dataset_region; environment; time) the cells that dimension distinguishes, combined by AND
 *   into the vector of "which rules match" and deduplicated on it (`dataUniverse`).
 * - tools: server × tool × version (or unpinned), each part one string per match vector over the
 *   allowlist entries' and allow_versions' patterns for that part (`toolUniverse`).
 *
 * Checked (the contract of diffTargetMerges with `maxExamples` large):
 * 1. no miss: a loosening flip ⇒ verdict loosened or mixed; a tightening flip ⇒ tightened or
 *    mixed; and the comparison is proven (`proof.proven`);
 * 2. witnesses are real: every reported witness flips as reported, in the right list; region
 *    examples flip as their region says;
 * 3. pure reorderings/renamings are neutral or unchanged.
 *
 * Plain TypeScript, no test-runner imports: `fuzz/` runs the same oracle.
 */
import { diffTargetMerges, emptyTargetMerge } from "../../../src/diff/index.js";
import type { TargetDiff } from "../../../src/diff/index.js";
import type { EffectiveData, EffectiveDataRule, EffectiveRuntime } from "../../../src/engine/effective.js";
import { evaluateAccessReference } from "../../../src/engine/access/index.js";
import type { AccessDecisionKind, AccessPolicy, AccessRequest } from "../../../src/engine/access/index.js";
import { referenceDecideData } from "../../../src/engine/data/reference.js";
import type { DataRequest, RequestedField } from "../../../src/engine/data/types.js";
import { compileRuntime } from "../../../src/engine/runtime/index.js";
import type { TargetMerge } from "../../../src/model/merge/index.js";
import type { DataSpec } from "../../../src/engine/spec.js";
import type { DataAction } from "../../../src/engine/vocabulary.js";
import { accessPolicyOf } from "./access-cases.js";
import type { AccessCase, AccessSide } from "./access-cases.js";
import { contextUniverse } from "./conditions.js";
import type { Context } from "./conditions.js";
import type { DataCase } from "./data-cases.js";
import type { RuntimeCase } from "./runtime-cases.js";
import { stringUniverse } from "./strings.js";

export type DiffCase = AccessCase | DataCase | RuntimeCase;
export type Direction = "loosened" | "tightened";

/** Options the oracle passes to the engine: every witness, not a sample. */
export const ENGINE_OPTIONS = { maxExamples: 100_000 } as const;

// ---------------------------------------------------------------------------------------------
// Problems

export const PROBLEM_GROUPS = {
  /** Property 1: a brute-force flip the verdict does not show. */
  miss: ["miss-loosening", "miss-tightening"],
  /** Property 2: a reported witness that does not flip as reported. */
  witness: ["false-witness", "wrong-list", "totals", "false-region"],
  /** Property 1 (contract): proven, never neutral when not proven, a flip comes with a witness. */
  proof: ["not-proven", "unproven-neutral", "no-witness"],
  /** Property 3: a pure reordering/renaming reported as a change. */
  neutral: ["false-alarm"],
  /** Always failures: the engine threw, or the oracle contradicts itself. */
  broken: ["engine-threw", "oracle-bug"],
} as const;
export type Category = (typeof PROBLEM_GROUPS)[keyof typeof PROBLEM_GROUPS][number] | "over-approximation";

export interface Problem {
  category: Category;
  message: string;
}

/** Not failures: the verdict claims a direction no request of the exhaustive universe shows. */
export const INFO_CATEGORIES: readonly Category[] = ["over-approximation"];

export interface Flip<R> {
  request: R;
  before: string;
  after: string;
  direction: Direction;
}

export interface BruteForce<R> {
  /** Requests evaluated on both sides. */
  cells: number;
  /** Universe dimensions, for reports ("actions": 12, …). */
  universe: Record<string, number>;
  loosening: number;
  tightening: number;
  /** The first few flips of each direction. */
  examples: Flip<R>[];
  exhaustive: boolean;
  notes: string[];
}

export interface CaseResult {
  case: DiffCase;
  diff?: TargetDiff;
  brute: BruteForce<unknown>;
  problems: Problem[];
  ms: { engine: number; brute: number };
}

const KEEP_EXAMPLES = 3;

function record<R>(brute: BruteForce<R>, flip: Flip<R>): void {
  if (flip.direction === "loosened") brute.loosening++;
  else brute.tightening++;
  if (brute.examples.filter((f) => f.direction === flip.direction).length < KEEP_EXAMPLES) brute.examples.push(flip);
}

// ---------------------------------------------------------------------------------------------
// Access

const ACCESS_RANK: Record<AccessDecisionKind, number> = { deny: 0, approval_required: 1, allow: 2 };

export interface AccessUniverse {
  actions: string[];
  resources: string[];
  contexts: Context[];
  exhaustive: boolean;
  notes: string[];
}

export function accessUniverse(base: AccessPolicy, head: AccessPolicy): AccessUniverse {
  const statements = [...base.Statement, ...head.Statement];
  const actionPatterns = [
    ...statements.flatMap((s) => [...(s.Action ?? []), ...(s.NotAction ?? [])]),
    ...(base.RequireApproval?.Actions ?? []),
    ...(head.RequireApproval?.Actions ?? []),
  ];
  const resourcePatterns = statements.flatMap((s) => [...(s.Resource ?? []), ...(s.NotResource ?? [])]);
  const actions = stringUniverse([...new Set(actionPatterns)].map((pattern) => ({ pattern, ignoreCase: true }))).values;
  const resources = stringUniverse([...new Set(resourcePatterns)].map((pattern) => ({ pattern }))).values;
  const ctx = contextUniverse(statements);
  return { actions, resources, contexts: ctx.contexts, exhaustive: ctx.exhaustive, notes: ctx.notes };
}

export function bruteForceAccess(baseSide: AccessSide, headSide: AccessSide): BruteForce<AccessRequest> {
  const base = accessPolicyOf(baseSide);
  const head = accessPolicyOf(headSide);
  const u = accessUniverse(base, head);
  const brute: BruteForce<AccessRequest> = {
    cells: 0,
    universe: { actions: u.actions.length, resources: u.resources.length, contexts: u.contexts.length },
    loosening: 0,
    tightening: 0,
    examples: [],
    exhaustive: u.exhaustive,
    notes: u.notes,
  };
  for (const action of u.actions) {
    for (const resource of u.resources) {
      for (const context of u.contexts) {
        const request: AccessRequest = { action, resource, context };
        const before = evaluateAccessReference(base, request).decision;
        const after = evaluateAccessReference(head, request).decision;
        brute.cells++;
        if (before === after) continue;
        record(brute, { request, before, after, direction: ACCESS_RANK[after] > ACCESS_RANK[before] ? "loosened" : "tightened" });
      }
    }
  }
  return brute;
}

// ---------------------------------------------------------------------------------------------
// Data

const DATA_RANK: Record<DataAction, number> = { allow: 0, mask: 1, require_approval: 2, deny: 3 };

/** Winter and summer days (UTC): with at most one daylight-saving zone they show every offset combination. */
export const DATA_DAYS = ["2025-01-15", "2025-07-15"] as const;

type Dim = "dataset" | "fields" | "requester_role" | "requester_clearance" | "requester_region" | "dataset_region" | "environment" | "time";
const ATTRIBUTE_DIMS = ["requester_role", "requester_clearance", "requester_region", "dataset_region", "environment"] as const;
const OTHER_VALUE = "zz-other";
const OTHER_NAME = "zz_other";

/** The rule cut down to one dimension of its match, with an allow action. */
function stripped(rule: EffectiveDataRule, dim: Dim | "field-level"): EffectiveDataRule {
  const s = rule.spec;
  const spec: DataSpec = { action: { allow: true } };
  if (dim === "dataset" && s.match?.dataset !== undefined) spec.match = { dataset: s.match.dataset };
  if (dim === "fields" && s.match?.fields !== undefined) spec.match = { fields: s.match.fields };
  if (dim === "field-level" && s.match?.fields !== undefined) {
    const { sensitivity, category, contains } = s.match.fields;
    const fl: NonNullable<NonNullable<DataSpec["match"]>["fields"]> = {};
    if (sensitivity !== undefined) fl.sensitivity = sensitivity;
    if (category !== undefined) fl.category = category;
    if (contains !== undefined) fl.contains = contains;
    spec.match = { fields: fl };
  }
  if (dim === "time" && s.context?.time !== undefined) spec.context = { time: s.context.time };
  if ((ATTRIBUTE_DIMS as readonly string[]).includes(dim)) {
    const m = s.context?.[dim as (typeof ATTRIBUTE_DIMS)[number]];
    if (m !== undefined) spec.context = { [dim]: m };
  }
  return { ...rule, spec };
}

const BLANK_REQUEST: DataRequest = { dataset: OTHER_VALUE, fields: [], requester: {} };
const NOON = new Date(`${DATA_DAYS[0]}T12:00:00Z`);

/** Does `rule`'s `dim` part match the request (by the reference evaluator, on the cut-down rule)? */
function dimMatches(rule: EffectiveDataRule, dim: Dim | "field-level", request: DataRequest, now: Date): boolean {
  return referenceDecideData({ rules: [stripped(rule, dim)], default_action: "deny" }, request, now).matched.length > 0;
}

interface Cell {
  vector: boolean[];
  patch: (r: DataRequest) => DataRequest;
  now?: Date;
}

function dedupe(cells: Cell[]): Cell[] {
  const seen = new Map<string, Cell>();
  for (const c of cells) {
    const k = c.vector.map((b) => (b ? "1" : "0")).join("");
    if (!seen.has(k)) seen.set(k, c);
  }
  return [...seen.values()];
}

const wallFormats = new Map<string, Intl.DateTimeFormat>();
/** "HH:MM" in the zone, as the reference evaluator reads it (minute resolution). */
function wallTime(now: Date, zone: string): string {
  let f = wallFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    wallFormats.set(zone, f);
  }
  return f.format(now).replace(/^24/, "00");
}

const dayMinutes: Date[] = DATA_DAYS.flatMap((d) => Array.from({ length: 1440 }, (_, m) => new Date(Date.parse(`${d}T00:00:00Z`) + m * 60_000)));
const wallTables = new Map<string, string[]>();
/** The wall-clock "HH:MM" in `zone` of every minute of `dayMinutes` (computed once per zone). */
function wallTable(zone: string): string[] {
  let t = wallTables.get(zone);
  if (!t) {
    t = dayMinutes.map((d) => wallTime(d, zone));
    wallTables.set(zone, t);
  }
  return t;
}

function inWindow(time: { after?: string; before?: string; timezone?: string }, minute: number): boolean {
  const t = wallTable(time.timezone ?? "UTC")[minute]!;
  const { after, before } = time;
  if (after !== undefined && before !== undefined) return after < before ? t >= after && t < before : after > before ? t >= after || t < before : false;
  if (after !== undefined) return t >= after;
  if (before !== undefined) return t < before;
  return true;
}

export interface DataCell {
  request: DataRequest;
  now: Date;
}

/**
 * The data universe: one request (and instant) per reachable vector of "which rules match".
 *
 * Why exhaustive: a rule matches when every dimension of it matches (src/engine/data/
 * reference.ts, `ruleMatches`), each dimension reading its own part of the request; so the
 * rule-match vector is the AND of per-dimension vectors, and combining every cell of every
 * dimension (deduplicated on the vector at each step) reaches every vector. The decision's
 * action is a function of that vector. Per dimension:
 * - dataset: one string per match vector of the rules' dataset globs (./strings.ts);
 * - requester role / clearance / region, dataset_region, environment: every literal any matcher
 *   names, another value, and missing (matchers test equality with literals only);
 * - fields: a field passes a rule's field-level criteria by its sensitivity (one of the named ones,
 *   another, none), its category (likewise) and which `contains` tags it carries (its tags plus
 *   its sensitivity and category): every combination is tried, giving every per-field vector. A
 *   request passes by the OR of its fields' vectors and by which named fields (any/all) it has;
 *   every OR of per-field vectors (closure) × every subset of the named fields, plus the empty
 *   list, is tried. (A field without attributes passes only rules whose criteria are vacuous, so
 *   giving the names to such fields adds nothing to the OR.)
 * - time: the window membership of every minute of a winter and a summer day (UTC). Membership
 *   depends only on the wall-clock minute in each zone; over one day every UTC minute occurs with
 *   that season's offsets, and with at most one daylight-saving zone in the menu the two seasons
 *   are every offset combination there is.
 */
export function dataUniverse(base: EffectiveData, head: EffectiveData): { cells: DataCell[]; dims: Record<string, number> } {
  const rules = [...base.rules, ...head.rules];
  const dims: Record<string, number> = {};
  const vec = (dim: Dim | "field-level", request: DataRequest, now: Date = NOON) => rules.map((r) => dimMatches(r, dim, request, now));

  const dimensions: Array<[Dim, Cell[]]> = [];
  // dataset
  const datasets = stringUniverse([...new Set(rules.map((r) => r.spec.match?.dataset).filter((d): d is string => d !== undefined))].map((pattern) => ({ pattern }))).values;
  dimensions.push(["dataset", datasets.map((dataset) => ({ vector: vec("dataset", { ...BLANK_REQUEST, dataset }), patch: (r) => ({ ...r, dataset }) }))]);

  // fields
  const f = rules.map((r) => r.spec.match?.fields ?? {});
  const many = (v: string | string[] | undefined) => (v === undefined ? [] : typeof v === "string" ? [v] : v);
  const sens = [...new Set(f.flatMap((x) => many(x.sensitivity)))];
  const cats = [...new Set(f.flatMap((x) => many(x.category)))];
  const tags = [...new Set(f.flatMap((x) => x.contains ?? []))];
  const names = [...new Set(f.flatMap((x) => [...(x.any ?? []), ...(x.all ?? [])]))];
  const perField = new Map<string, RequestedField[]>();
  for (const s of [undefined, OTHER_VALUE, ...sens]) {
    for (const c of [undefined, OTHER_VALUE, ...cats]) {
      for (let mask = 0; mask < 1 << tags.length; mask++) {
        const field: RequestedField = {
          name: OTHER_NAME,
          ...(s !== undefined ? { sensitivity: s } : {}),
          ...(c !== undefined ? { category: c } : {}),
          ...(mask !== 0 ? { tags: tags.filter((_, i) => mask & (1 << i)) } : {}),
        };
        const k = vec("field-level", { ...BLANK_REQUEST, fields: [field] }).map(Number).join("");
        if (!perField.has(k)) perField.set(k, [field]);
      }
    }
  }
  // OR-closure of the per-field vectors (as lists of fields)
  for (let grew = true; grew; ) {
    grew = false;
    const current = [...perField.values()];
    for (const a of current) {
      for (const b of current) {
        const joined = [...a, ...b];
        const k = vec("field-level", { ...BLANK_REQUEST, fields: joined }).map(Number).join("");
        if (!perField.has(k)) {
          perField.set(k, joined);
          grew = true;
        }
      }
    }
  }
  const fieldCells: Cell[] = [{ vector: vec("fields", BLANK_REQUEST), patch: (r) => ({ ...r, fields: [] }) }];
  // named fields alone first (a nicer witness when they suffice; covered by the product below too)
  for (let mask = 1; mask < 1 << names.length; mask++) {
    const fields = names.filter((_, i) => mask & (1 << i)).map((name) => ({ name }));
    fieldCells.push({ vector: vec("fields", { ...BLANK_REQUEST, fields }), patch: (r) => ({ ...r, fields }) });
  }
  for (const carried of perField.values()) {
    for (let mask = 0; mask < 1 << names.length; mask++) {
      const fields = [...names.filter((_, i) => mask & (1 << i)).map((name) => ({ name })), ...carried];
      fieldCells.push({ vector: vec("fields", { ...BLANK_REQUEST, fields }), patch: (r) => ({ ...r, fields }) });
    }
  }
  dimensions.push(["fields", fieldCells]);

  // requester attributes, dataset_region, environment
  for (const dim of ATTRIBUTE_DIMS) {
    const literals = new Set<string>();
    for (const r of rules) {
      const m = r.spec.context?.[dim];
      if (m === undefined) continue;
      const list = typeof m === "string" ? [m] : Array.isArray(m) ? m : typeof m.not === "string" ? [m.not] : m.not;
      for (const v of list) literals.add(v);
    }
    const set = (r: DataRequest, v: string | undefined): DataRequest => {
      if (dim === "dataset_region" || dim === "environment") {
        const out: { -readonly [K in keyof DataRequest]: DataRequest[K] } = { ...r };
        if (v === undefined) delete out[dim];
        else out[dim] = v;
        return out;
      }
      const key = dim.slice("requester_".length) as "role" | "clearance" | "region";
      const requester = { ...r.requester };
      if (v === undefined) delete requester[key];
      else requester[key] = v;
      return { ...r, requester };
    };
    const values = [undefined, OTHER_VALUE, ...literals];
    dimensions.push([dim, values.map((v) => ({ vector: vec(dim, set(BLANK_REQUEST, v)), patch: (r: DataRequest) => set(r, v) }))]);
  }

  // time: every minute of a winter and a summer day, by window membership
  const windows = rules.map((r) => r.spec.context?.time);
  const timeCells = new Map<string, Date>();
  dayMinutes.forEach((now, minute) => {
    const k = windows.map((w) => (w === undefined || inWindow(w, minute) ? "1" : "0")).join("");
    if (!timeCells.has(k)) timeCells.set(k, now);
  });
  const times: Cell[] = [];
  for (const [k, now] of timeCells) {
    const vector = vec("time", BLANK_REQUEST, now);
    if (vector.map(Number).join("") !== k) throw new Error(`oracle: time window membership at ${now.toISOString()} disagrees with the reference evaluator`);
    times.push({ vector, patch: (r) => r, now });
  }
  dimensions.push(["time", times]);

  let states: Cell[] = [{ vector: rules.map(() => true), patch: (r) => r, now: NOON }];
  for (const [dim, cells] of dimensions) {
    const distinct = dedupe(cells);
    dims[dim] = distinct.length;
    const next: Cell[] = [];
    for (const s of states) {
      for (const c of distinct) {
        next.push({ vector: s.vector.map((b, i) => b && c.vector[i]!), patch: (r) => c.patch(s.patch(r)), now: c.now ?? s.now });
      }
    }
    states = dedupe(next);
  }
  return { cells: states.map((s) => ({ request: s.patch(BLANK_REQUEST), now: s.now ?? NOON })), dims };
}

export function bruteForceData(base: EffectiveData, head: EffectiveData): BruteForce<DataCell> {
  const { cells, dims } = dataUniverse(base, head);
  const brute: BruteForce<DataCell> = { cells: 0, universe: { ...dims, vectors: cells.length }, loosening: 0, tightening: 0, examples: [], exhaustive: true, notes: [] };
  for (const cell of cells) {
    const before = referenceDecideData(base, cell.request, cell.now).action;
    const after = referenceDecideData(head, cell.request, cell.now).action;
    brute.cells++;
    if (before === after) continue;
    record(brute, { request: cell, before, after, direction: DATA_RANK[after] < DATA_RANK[before] ? "loosened" : "tightened" });
  }
  return brute;
}

// ---------------------------------------------------------------------------------------------
// Tools

const PRINTABLE = /^[\x21-\x7e]+$/;
const ENTRY = /^mcp:\/\/([^/@]+)\/([^@]+)(?:@([^@]+))?$/i;

/**
 * Tool URIs: one server × tool × version (or unpinned) per combination of match vectors.
 * `checkTool(uri)` without facts reads the URI only through its parts: each allowlist entry
 * matches server, tool and version separately (src/engine/runtime/tool-uri.ts), and
 * allow_versions matches the server and the version; so a URI's decision is a function of the
 * three parts' match vectors, and the product of one string per vector per part (over the
 * characters each part may hold: no `/` or `@` in a server, no `@` in a tool or version, no `*`
 * or `?` anywhere, printable ASCII) covers every well-formed URI. Malformed URIs are denied on
 * both sides and cannot flip.
 */
export function toolUniverse(base: EffectiveRuntime, head: EffectiveRuntime): { uris: string[]; parts: Record<string, number> } {
  const servers = new Set<string>();
  const tools = new Set<string>();
  const versions = new Set<string>();
  for (const side of [base, head]) {
    const lists = side.tools?.allowlist ?? [];
    for (const list of lists) {
      for (const entry of Array.isArray(list) ? list : [list]) {
        if (typeof entry !== "string" || /^\*+$/.test(entry)) continue;
        const m = PRINTABLE.test(entry) ? ENTRY.exec(entry) : null;
        if (!m) continue;
        servers.add(m[1]!);
        tools.add(m[2]!);
        if (m[3] !== undefined) versions.add(m[3]);
      }
    }
    for (const [server, vs] of Object.entries(side.security?.allow_versions ?? {})) {
      servers.add(server);
      for (const v of vs) if (typeof v === "string") versions.add(v);
    }
  }
  const part = (patterns: Set<string>, forbidden: string) => stringUniverse([...patterns].map((pattern) => ({ pattern })), { forbidden, minLength: 1 }).values;
  const s = part(servers, "/@*? ");
  const t = part(tools, "@*? ");
  const v = part(versions, "@*? ");
  const uris: string[] = [];
  for (const server of s) for (const tool of t) for (const version of [undefined, ...v]) uris.push(`mcp://${server}/${tool}${version === undefined ? "" : `@${version}`}`);
  return { uris, parts: { servers: s.length, tools: t.length, versions: v.length + 1 } };
}

const allowedWord = (b: boolean): "allowed" | "denied" => (b ? "allowed" : "denied");

export function bruteForceTools(base: EffectiveRuntime, head: EffectiveRuntime): BruteForce<string> {
  const { uris, parts } = toolUniverse(base, head);
  const a = compileRuntime(base);
  const b = compileRuntime(head);
  const brute: BruteForce<string> = { cells: 0, universe: parts, loosening: 0, tightening: 0, examples: [], exhaustive: true, notes: [] };
  for (const uri of uris) {
    const before = a.checkTool(uri).allowed;
    const after = b.checkTool(uri).allowed;
    brute.cells++;
    if (before === after) continue;
    record(brute, { request: uri, before: allowedWord(before), after: allowedWord(after), direction: after ? "loosened" : "tightened" });
  }
  return brute;
}

// ---------------------------------------------------------------------------------------------
// Running the engine

export const TARGET = "production";

export function mergeOf(c: DiffCase, side: "base" | "head"): TargetMerge {
  const m = emptyTargetMerge(TARGET);
  if (c.kind === "access") {
    const s = c[side];
    m.effective.access = { Statement: s.Statement, ...(s.RequireApproval ? { RequireApproval: s.RequireApproval } : {}), ...(s.Description !== undefined ? { Description: s.Description } : {}) };
  } else if (c.kind === "data") m.effective.data = c[side];
  else m.effective.runtime = c[side];
  return structuredClone(m);
}

export function runEngine(c: DiffCase): TargetDiff {
  return diffTargetMerges(mergeOf(c, "base"), mergeOf(c, "head"), ENGINE_OPTIONS);
}

// ---------------------------------------------------------------------------------------------
// Checking

const LOOSENING_VERDICTS = new Set(["loosened", "mixed"]);
const TIGHTENING_VERDICTS = new Set(["tightened", "mixed"]);
const QUIET_VERDICTS = new Set(["neutral", "unchanged"]);

function verdictProblems(diff: TargetDiff, brute: BruteForce<unknown>, describe: (f: Flip<unknown>) => string): Problem[] {
  const out: Problem[] = [];
  const proof = diff.proof as TargetDiff["proof"] | undefined;
  const proven = proof?.proven === true;
  for (const direction of ["loosened", "tightened"] as const) {
    const n = direction === "loosened" ? brute.loosening : brute.tightening;
    if (n === 0) continue;
    const ok = direction === "loosened" ? LOOSENING_VERDICTS : TIGHTENING_VERDICTS;
    if (ok.has(diff.verdict)) continue;
    const example = brute.examples.find((f) => f.direction === direction)!;
    if (diff.verdict === "review" && proof !== undefined && !proven) {
      out.push({ category: "not-proven", message: `${n} ${direction} flip(s) and verdict review (not proven: ${proof.checked}/${proof.total}, ${proof.reasons.join("; ")}); e.g. ${describe(example)}` });
    } else {
      out.push({ category: direction === "loosened" ? "miss-loosening" : "miss-tightening", message: `verdict ${diff.verdict} but ${n} request(s) ${direction}; e.g. ${describe(example)}` });
    }
  }
  if (!proven) {
    out.push({ category: "not-proven", message: proof === undefined ? "no proof status (TargetDiff.proof is missing)" : `proof.proven is false: ${proof.checked}/${proof.total} regions, complete ${proof.complete}; ${proof.reasons.join("; ")}` });
    if (proof !== undefined && QUIET_VERDICTS.has(diff.verdict)) out.push({ category: "unproven-neutral", message: `verdict ${diff.verdict} although not proven` });
  }
  if (brute.exhaustive) {
    if (LOOSENING_VERDICTS.has(diff.verdict) && brute.loosening === 0) out.push({ category: "over-approximation", message: `verdict ${diff.verdict} but no request of the exhaustive universe (${brute.cells} cells) loosens` });
    if (TIGHTENING_VERDICTS.has(diff.verdict) && brute.tightening === 0) out.push({ category: "over-approximation", message: `verdict ${diff.verdict} but no request of the exhaustive universe (${brute.cells} cells) tightens` });
  }
  return out;
}

function pureProblems(c: DiffCase, diff: TargetDiff, brute: BruteForce<unknown>): Problem[] {
  if (!c.pure) return [];
  if (brute.loosening + brute.tightening > 0) return [{ category: "oracle-bug", message: `a pure edit (${c.edit}) flips ${brute.loosening + brute.tightening} request(s): the generator is wrong` }];
  if (!QUIET_VERDICTS.has(diff.verdict)) {
    const why = diff.changes.filter((ch) => ch.verdict !== "neutral").map((ch) => `${ch.path}: ${ch.verdict}${ch.note ? ` (${ch.note})` : ""}`);
    return [{ category: "false-alarm", message: `pure edit "${c.edit}" gives verdict ${diff.verdict}${why.length ? `; changes: ${why.join(", ")}` : ""}` }];
  }
  return [];
}

function list<T>(v: T[] | undefined): T[] {
  return Array.isArray(v) ? v : [];
}

function totalProblem(name: string, listed: number, total: number | undefined): Problem[] {
  if (total === undefined) return listed > 0 ? [{ category: "totals", message: `${name}Total missing while ${listed} listed` }] : [];
  if (total < listed || (total <= ENGINE_OPTIONS.maxExamples && total !== listed)) return [{ category: "totals", message: `${name}Total ${total} but ${listed} listed with maxExamples ${ENGINE_OPTIONS.maxExamples}` }];
  return [];
}

export function formatContext(context: Record<string, unknown> | undefined): string {
  const entries = Object.entries(context ?? {});
  return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(", ")} }`;
}

function describeAccessFlip(f: Flip<unknown>): string {
  const r = f.request as AccessRequest;
  return `${r.action} on ${r.resource} with ${formatContext(r.context as Record<string, unknown>)}: ${f.before} → ${f.after}`;
}

export function checkAccess(c: AccessCase, diff: TargetDiff, brute: BruteForce<AccessRequest>): Problem[] {
  const base = accessPolicyOf(c.base);
  const head = accessPolicyOf(c.head);
  const out = [...verdictProblems(diff, brute, describeAccessFlip), ...pureProblems(c, diff, brute)];
  const lists = { newlyAllowed: list(diff.newlyAllowed), newlyDenied: list(diff.newlyDenied), approvalChanges: list(diff.approvalChanges) };
  let looseWitness = false;
  let tightWitness = false;
  for (const [name, witnesses] of Object.entries(lists)) {
    for (const w of witnesses) {
      const request: AccessRequest = { action: w.action, resource: w.resource, context: w.context };
      const before = evaluateAccessReference(base, request).decision;
      const after = evaluateAccessReference(head, request).decision;
      const shown = `${w.action} on ${w.resource} with ${formatContext(w.context)}`;
      if (before !== w.before || after !== w.after || before === after) {
        out.push({ category: "false-witness", message: `${name} lists ${shown} as ${w.before} → ${w.after}, but the reference evaluator says ${before} → ${after}` });
        continue;
      }
      const expected = after === "allow" ? "newlyAllowed" : before === "allow" ? "newlyDenied" : "approvalChanges";
      if (name !== expected) out.push({ category: "wrong-list", message: `${shown} (${before} → ${after}) is listed under ${name}, expected ${expected}` });
      if (ACCESS_RANK[after] > ACCESS_RANK[before]) looseWitness = true;
      else tightWitness = true;
    }
  }
  out.push(...totalProblem("newlyAllowed", lists.newlyAllowed.length, diff.newlyAllowedTotal));
  out.push(...totalProblem("newlyDenied", lists.newlyDenied.length, diff.newlyDeniedTotal));
  out.push(...totalProblem("approvalChanges", lists.approvalChanges.length, diff.approvalChangesTotal));
  if (brute.loosening > 0 && !looseWitness) out.push({ category: "no-witness", message: `${brute.loosening} request(s) loosen but no loosening access witness is listed; e.g. ${describeAccessFlip(brute.examples.find((f) => f.direction === "loosened")!)}` });
  if (brute.tightening > 0 && !tightWitness) out.push({ category: "no-witness", message: `${brute.tightening} request(s) tighten but no tightening access witness is listed; e.g. ${describeAccessFlip(brute.examples.find((f) => f.direction === "tightened")!)}` });
  out.push(...regionProblems(diff, "access", (ex) => {
    const w = ex as { action?: unknown; resource?: unknown; context?: unknown };
    if (typeof w.action !== "string" || typeof w.resource !== "string") return undefined;
    const request: AccessRequest = { action: w.action, resource: w.resource, context: (w.context ?? {}) as AccessRequest["context"] };
    const before = evaluateAccessReference(base, request).decision;
    const after = evaluateAccessReference(head, request).decision;
    return { before, after, loosens: ACCESS_RANK[after] > ACCESS_RANK[before], shown: `${w.action} on ${w.resource} with ${formatContext(w.context as Record<string, unknown>)}` };
  }));
  return out;
}

function regionProblems(diff: TargetDiff, kind: "access" | "data" | "tool", evaluate: (example: unknown) => { before: string; after: string; loosens: boolean; shown: string } | undefined): Problem[] {
  const out: Problem[] = [];
  for (const region of list(diff.regions).filter((r) => r.kind === kind)) {
    const r = evaluate(region.example);
    if (r === undefined) {
      out.push({ category: "false-region", message: `${kind} region ${JSON.stringify(region.where)} has an example of the wrong shape: ${JSON.stringify(region.example)}` });
      continue;
    }
    const direction = r.before === r.after ? "none" : r.loosens ? "loosened" : "tightened";
    const sidesNamed = [region.before, region.after].every((x) => ["allow", "deny", "approval_required", "require_approval", "mask", "allowed", "denied"].includes(x));
    if (direction !== region.verdict || (sidesNamed && (region.before !== r.before || region.after !== r.after))) {
      out.push({ category: "false-region", message: `${kind} region ${region.before} → ${region.after} (${region.verdict}) ${JSON.stringify(region.where)}: its example ${r.shown} goes ${r.before} → ${r.after}` });
    }
  }
  return out;
}

function describeDataFlip(f: Flip<unknown>): string {
  const cell = f.request as DataCell;
  return `${JSON.stringify(cell.request)} at ${cell.now.toISOString()}: ${f.before} → ${f.after}`;
}

export function checkData(c: DataCase, diff: TargetDiff, brute: BruteForce<DataCell>): Problem[] {
  const out = [...verdictProblems(diff, brute, describeDataFlip), ...pureProblems(c, diff, brute)];
  const witnesses = list(diff.dataChanges);
  let looseWitness = false;
  let tightWitness = false;
  const decide = (request: DataRequest, nowText: unknown) => {
    const now = typeof nowText === "string" ? new Date(nowText) : new Date(Number.NaN);
    if (Number.isNaN(now.getTime())) return undefined;
    return { before: referenceDecideData(c.base, request, now).action, after: referenceDecideData(c.head, request, now).action };
  };
  for (const w of witnesses) {
    const r = decide(w.request, w.now);
    const shown = `${JSON.stringify(w.request)} at ${String(w.now)}`;
    if (r === undefined) {
      out.push({ category: "false-witness", message: `dataChanges lists ${shown} with an unreadable time` });
      continue;
    }
    if (r.before !== w.before || r.after !== w.after || r.before === r.after) {
      out.push({ category: "false-witness", message: `dataChanges lists ${shown} as ${w.before} → ${w.after}, but the reference evaluator says ${r.before} → ${r.after}` });
      continue;
    }
    if (DATA_RANK[r.after] < DATA_RANK[r.before]) looseWitness = true;
    else tightWitness = true;
  }
  out.push(...totalProblem("dataChanges", witnesses.length, diff.dataChangesTotal));
  if (brute.loosening > 0 && !looseWitness) out.push({ category: "no-witness", message: `${brute.loosening} data request(s) loosen but dataChanges lists none; e.g. ${describeDataFlip(brute.examples.find((f) => f.direction === "loosened")!)}` });
  if (brute.tightening > 0 && !tightWitness) out.push({ category: "no-witness", message: `${brute.tightening} data request(s) tighten but dataChanges lists none; e.g. ${describeDataFlip(brute.examples.find((f) => f.direction === "tightened")!)}` });
  out.push(...regionProblems(diff, "data", (ex) => {
    const e = ex as { request?: DataRequest; now?: unknown };
    if (e.request === undefined) return undefined;
    const r = decide(e.request, e.now);
    if (r === undefined) return undefined;
    return { ...r, loosens: DATA_RANK[r.after] < DATA_RANK[r.before], shown: `${JSON.stringify(e.request)} at ${String(e.now)}` };
  }));
  return out;
}

function describeToolFlip(f: Flip<unknown>): string {
  return `${String(f.request)}: ${f.before} → ${f.after}`;
}

export function checkRuntime(c: RuntimeCase, diff: TargetDiff, brute: BruteForce<string>): Problem[] {
  const out = [...verdictProblems(diff, brute, describeToolFlip), ...pureProblems(c, diff, brute)];
  const a = compileRuntime(c.base);
  const b = compileRuntime(c.head);
  const witnesses = list(diff.toolChanges);
  let looseWitness = false;
  let tightWitness = false;
  for (const w of witnesses) {
    const before = allowedWord(a.checkTool(w.uri).allowed);
    const after = allowedWord(b.checkTool(w.uri).allowed);
    if (before !== w.before || after !== w.after || before === after) {
      out.push({ category: "false-witness", message: `toolChanges lists ${w.uri} as ${w.before} → ${w.after}, but checkTool says ${before} → ${after}` });
      continue;
    }
    if (after === "allowed") looseWitness = true;
    else tightWitness = true;
  }
  out.push(...totalProblem("toolChanges", witnesses.length, diff.toolChangesTotal));
  if (brute.loosening > 0 && !looseWitness) out.push({ category: "no-witness", message: `${brute.loosening} tool call(s) newly allowed but toolChanges lists none; e.g. ${describeToolFlip(brute.examples.find((f) => f.direction === "loosened")!)}` });
  if (brute.tightening > 0 && !tightWitness) out.push({ category: "no-witness", message: `${brute.tightening} tool call(s) newly denied but toolChanges lists none; e.g. ${describeToolFlip(brute.examples.find((f) => f.direction === "tightened")!)}` });
  out.push(...regionProblems(diff, "tool", (ex) => {
    const uri = (ex as { uri?: unknown }).uri;
    if (typeof uri !== "string") return undefined;
    const before = allowedWord(a.checkTool(uri).allowed);
    const after = allowedWord(b.checkTool(uri).allowed);
    return { before, after, loosens: after === "allowed", shown: uri };
  }));
  return out;
}

export function bruteForce(c: DiffCase): BruteForce<unknown> {
  if (c.kind === "access") return bruteForceAccess(c.base, c.head);
  if (c.kind === "data") return bruteForceData(c.base, c.head);
  return bruteForceTools(c.base, c.head);
}

/** Runs the engine and the brute force on one case and lists every problem (info ones included). */
export function runCase(c: DiffCase): CaseResult {
  let t = performance.now();
  const brute = bruteForce(c);
  const bruteMs = performance.now() - t;
  t = performance.now();
  let diff: TargetDiff;
  try {
    diff = runEngine(c);
  } catch (e) {
    return { case: c, brute, problems: [{ category: "engine-threw", message: String((e as Error)?.stack ?? e) }], ms: { engine: performance.now() - t, brute: bruteMs } };
  }
  const engineMs = performance.now() - t;
  const problems =
    c.kind === "access" ? checkAccess(c, diff, brute as BruteForce<AccessRequest>) : c.kind === "data" ? checkData(c, diff, brute as BruteForce<DataCell>) : checkRuntime(c, diff, brute as BruteForce<string>);
  return { case: c, diff, brute, problems, ms: { engine: engineMs, brute: bruteMs } };
}

// ---------------------------------------------------------------------------------------------
// Reports

function describeStatement(s: AccessSide["Statement"][number]): string {
  const parts = [`[${s.source.policy}${s.Sid ? `:${s.Sid}` : ""}] ${s.Effect}`];
  if (s.Action) parts.push(`Action ${JSON.stringify(s.Action)}`);
  if (s.NotAction) parts.push(`NotAction ${JSON.stringify(s.NotAction)}`);
  if (s.Resource) parts.push(`Resource ${JSON.stringify(s.Resource)}`);
  if (s.NotResource) parts.push(`NotResource ${JSON.stringify(s.NotResource)}`);
  if (s.Condition) parts.push(`Condition ${JSON.stringify(s.Condition)}`);
  return parts.join(" ");
}

function describeAccessSide(side: AccessSide): string[] {
  const lines = side.Statement.map((s, i) => `  ${i + 1}. ${describeStatement(s)}`);
  if (side.RequireApproval) lines.push(`  RequireApproval ${JSON.stringify(side.RequireApproval)}`);
  if (side.Description !== undefined) lines.push(`  Description ${JSON.stringify(side.Description)}`);
  return lines.length ? lines : ["  (no statements)"];
}

function describeDataSide(data: EffectiveData): string[] {
  return [`  default_action: ${data.default_action}`, ...data.rules.map((r) => `  ${r.id} (precedence ${r.precedence}): ${JSON.stringify(r.spec)}`)];
}

/** base, head, the edit, the verdict, the brute-force flips and the problems: what a failure prints. */
export function describeResult(r: CaseResult, only?: readonly Category[]): string {
  const c = r.case;
  const lines: string[] = [`${c.kind} case — edit: ${c.edit}${c.pure ? " (pure)" : ""}`];
  const side = (name: "base" | "head") =>
    c.kind === "access" ? describeAccessSide(c[name]) : c.kind === "data" ? describeDataSide(c[name]) : [`  ${JSON.stringify(c[name])}`];
  lines.push("base:", ...side("base"), "head:", ...side("head"));
  if (r.diff) {
    const d = r.diff;
    const proof = d.proof as TargetDiff["proof"] | undefined;
    lines.push(
      `engine: verdict ${d.verdict}; newlyAllowed ${d.newlyAllowedTotal}, newlyDenied ${d.newlyDeniedTotal}, approvalChanges ${d.approvalChangesTotal}, dataChanges ${d.dataChangesTotal ?? "-"}, toolChanges ${d.toolChangesTotal ?? "-"}; proof ${proof ? `${proof.proven ? "proven" : "NOT proven"} ${proof.checked}/${proof.total}` : "missing"}`,
    );
    const changes = d.changes.map((ch) => `${ch.path} ${ch.change}: ${ch.verdict}${ch.note ? ` (${ch.note})` : ""}`);
    if (changes.length) lines.push(`engine changes: ${changes.join("; ")}`);
  }
  lines.push(`brute force: ${r.brute.cells} cells ${JSON.stringify(r.brute.universe)}, ${r.brute.loosening} loosening, ${r.brute.tightening} tightening${r.brute.exhaustive ? "" : " (universe NOT exhaustive: " + r.brute.notes.join("; ") + ")"}`);
  const describe = c.kind === "access" ? describeAccessFlip : c.kind === "data" ? describeDataFlip : describeToolFlip;
  for (const f of r.brute.examples) lines.push(`  flip (${f.direction}): ${describe(f)}`);
  const shown = only ? r.problems.filter((p) => only.includes(p.category)) : r.problems;
  lines.push("problems:", ...shown.map((p) => `  [${p.category}] ${p.message}`));
  return lines.join("\n");
}
