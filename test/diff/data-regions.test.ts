/** The exact DataPolicy comparison: the bug-report cases, the dimensions one by one, and a brute-force differential property. */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareData, dimensionValues, explainData } from "../../src/diff/data-regions.js";
import { consistent } from "../../src/diff/data-space.js";
import type { DataComparison } from "../../src/diff/data-regions.js";
import { diffData } from "../../src/diff/data.js";
import type { EffectiveData, EffectiveDataRule } from "../../src/engine/effective.js";
import { referenceDecideData } from "../../src/engine/data/reference.js";
import type { DataRequest, RequestedField } from "../../src/engine/data/types.js";
import { matchWildcard } from "../../src/engine/match/wildcard.js";
import type { DataSpec } from "../../src/engine/spec.js";
import type { DataAction } from "../../src/engine/vocabulary.js";

const rule = (id: string, spec: DataSpec, precedence = 100): EffectiveDataRule => ({ id, precedence, source: { policy: id, file: `policies/${id}.yaml` }, spec });
const data = (rules: EffectiveDataRule[], default_action: "allow" | "deny" = "deny"): EffectiveData => ({ rules, default_action });
const ALLOW = { allow: true };
const MASK = { mask: true };
const DENY = { deny: true, reason: "no" };
const STRENGTH: Record<DataAction, number> = { allow: 0, mask: 1, require_approval: 2, deny: 3 };
const loosens = (before: DataAction, after: DataAction) => STRENGTH[after] < STRENGTH[before];

const decide = (d: EffectiveData, request: DataRequest, now: string | Date) => referenceDecideData(d, request, new Date(now)).action;

/** Every witness and every region example flips as stated; the result is proven. */
function checkHonest(base: EffectiveData, head: EffectiveData, r: DataComparison): void {
  expect(r.proof).toMatchObject({ proven: true, complete: true, reasons: [] });
  for (const c of r.changes) {
    expect(c.before).not.toBe(c.after);
    expect([decide(base, c.request, c.now), decide(head, c.request, c.now)]).toEqual([c.before, c.after]);
  }
  for (const g of r.regions) {
    const ex = g.example as { request: DataRequest; now: string };
    expect([decide(base, ex.request, ex.now), decide(head, ex.request, ex.now)]).toEqual([g.before, g.after]);
    expect(g.verdict).toBe(loosens(g.before as DataAction, g.after as DataAction) ? "loosened" : "tightened");
  }
}

function compare(base: EffectiveData, head: EffectiveData): DataComparison {
  const r = compareData(base, head);
  checkHonest(base, head, r);
  return r;
}

describe("compareData: the bug-report cases", () => {
  it("an allow rule that gains a requester_region/dataset_region context under default deny is tightened", () => {
    const base = data([rule("a", { match: { dataset: "customers" }, action: ALLOW })]);
    const head = data([rule("a", { match: { dataset: "customers" }, context: { requester_region: "US", dataset_region: "EU" }, action: ALLOW })]);
    const r = compare(base, head);
    expect(r.changes.length).toBeGreaterThan(0);
    expect(r.changes.every((c) => c.before === "allow" && c.after === "deny" && c.request.dataset === "customers")).toBe(true);
    const examples = r.regions.map((g) => (g.example as { request: DataRequest }).request);
    expect(examples.some((q) => q.requester.region !== "US")).toBe(true);
    expect(r.regions.map((g) => g.where)).toEqual([
      { dataset: "customers", dataset_region: "no dataset_region or other than EU" },
      { dataset: "customers", requester: "no requester.region or region other than US" },
    ]);
    expect(diffData(base, head, r)).toMatchObject([{ path: "rules.a", change: "changed", verdict: "tightened" }]);
  });

  it("match.dataset widened from customers to cust* is loosened, with a readable dataset of the new cell", () => {
    const base = data([rule("a", { match: { dataset: "customers" }, action: ALLOW })]);
    const head = data([rule("a", { match: { dataset: "cust*" }, action: ALLOW })]);
    const r = compare(base, head);
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]).toMatchObject({ request: { dataset: "customers_x" }, before: "deny", after: "allow" });
    expect(r.regions).toMatchObject([{ verdict: "loosened", where: { dataset: "any dataset matching `cust*` but not `customers`" } }]);
    expect(diffData(base, head, r)[0]).toMatchObject({ path: "rules.a", verdict: "loosened", note: "1 request loosened" });
  });

  it("match.fields.any widened is loosened for requests naming only the new field", () => {
    const base = data([rule("a", { match: { dataset: "customers", fields: { any: ["email"] } }, action: ALLOW })]);
    const head = data([rule("a", { match: { dataset: "customers", fields: { any: ["email", "phone"] } }, action: ALLOW })]);
    const r = compare(base, head);
    expect(r.changes).toHaveLength(1);
    const names = r.changes[0]!.request.fields.map((f) => f.name);
    expect(names).toContain("phone");
    expect(names).not.toContain("email");
    expect(r.regions[0]!.where).toEqual({ dataset: "customers", fields: "fields include phone; fields exclude email" });
  });
});

describe("compareData: dimensions", () => {
  it("a window moved from UTC to Europe/Berlin differs only in summer time", () => {
    const base = data([rule("w", { context: { time: { after: "08:00", before: "16:00" } }, action: ALLOW })]);
    const head = data([rule("w", { context: { time: { after: "09:00", before: "17:00", timezone: "Europe/Berlin" } }, action: ALLOW })]);
    const r = compare(base, head);
    const dstStart = Date.parse("2026-03-29T01:00:00Z");
    const dstEnd = Date.parse("2026-10-25T01:00:00Z");
    expect(r.changes.map((c) => [c.now, c.before, c.after])).toEqual([
      ["2026-03-29T07:00:00.000Z", "deny", "allow"],
      ["2026-03-29T15:00:00.000Z", "allow", "deny"],
    ]);
    for (const c of r.changes) expect(Date.parse(c.now) >= dstStart && Date.parse(c.now) < dstEnd).toBe(true);
    expect(r.regions.map((g) => g.where.time)).toEqual(["09:00–17:00 Europe/Berlin, but outside 08:00–16:00 UTC", "08:00–16:00 UTC, but outside 09:00–17:00 Europe/Berlin"]);
    // a summer instant inside the first region flips; the same wall time in winter does not
    const q: DataRequest = { dataset: "d", fields: [], requester: {} };
    expect([decide(base, q, "2026-07-01T07:30:00Z"), decide(head, q, "2026-07-01T07:30:00Z")]).toEqual(["deny", "allow"]);
    expect(decide(base, q, "2026-01-15T07:30:00Z")).toBe(decide(head, q, "2026-01-15T07:30:00Z"));
  });

  it("{not: …} never matches a missing value", () => {
    const base = data([], "allow");
    const head = data([rule("d", { context: { requester_role: { not: "admin" } }, action: DENY })], "allow");
    const r = compare(base, head);
    expect(r.changes.map((c) => c.request.requester.role)).toEqual(["other"]);
    expect(r.regions.map((g) => g.where)).toEqual([{ requester: "role other than admin" }]);
    expect(decide(head, { dataset: "x", fields: [], requester: {} }, "2026-01-01T00:00:00Z")).toBe("allow");
    expect(diffData(base, head, r)).toMatchObject([{ path: "rules.d", change: "added", verdict: "tightened" }]);
  });

  it("contains (a tag, or a field's sensitivity/category) is not any (a field name)", () => {
    const base = data([rule("m", { match: { fields: { contains: ["pii"] } }, action: MASK })], "allow");
    const head = data([rule("m", { match: { fields: { any: ["pii"] } }, action: MASK })], "allow");
    const r = compare(base, head);
    const loose = r.changes.filter((c) => c.after === "allow");
    const tight = r.changes.filter((c) => c.after === "mask");
    expect(loose.length).toBeGreaterThan(0);
    expect(tight.length).toBeGreaterThan(0);
    for (const c of loose) expect(c.request.fields.some((f) => f.tags?.includes("pii") && f.name !== "pii")).toBe(true);
    for (const c of tight) expect(c.request.fields.some((f) => f.name === "pii")).toBe(true);
    expect(diffData(base, head, r)[0]).toMatchObject({ path: "rules.m", verdict: "mixed" });
    // a sensitivity counts as a tag
    const bySensitivity = compare(data([rule("m", { match: { fields: { contains: ["pii"] } }, action: MASK })], "allow"), data([rule("m", { match: { fields: { sensitivity: "pii" } }, action: MASK })], "allow"));
    for (const c of bySensitivity.changes) expect(c.before).toBe("mask");
  });

  it("names listed together: one of them is enough for any, not for all", () => {
    const all = rule("d", { match: { fields: { all: ["phone", "fax"] } }, action: DENY });
    const r = compare(data([all]), data([all, rule("a", { match: { fields: { any: ["phone", "fax"] } }, action: ALLOW })]));
    expect(r.changes.map((c) => [c.request.fields.map((f) => f.name), c.before, c.after])).toEqual([[["fax"], "deny", "allow"]]);
    // phone and fax are interchangeable for every rule: the region speaks of both
    expect(r.regions.map((g) => g.where)).toEqual([{ fields: "fields include some but not all of fax and phone" }]);
  });

  it("deny beats mask: removing a deny under a mask-all rule loosens to mask, adding a mask under a deny changes nothing", () => {
    const maskAll = rule("m", { match: { dataset: "*" }, action: MASK });
    const denyHr = rule("d", { match: { dataset: "hr" }, action: DENY });
    const r = compare(data([maskAll, denyHr]), data([maskAll]));
    expect(r.changes.map((c) => [c.request.dataset, c.before, c.after])).toEqual([["hr", "deny", "mask"]]);
    const added = compare(data([denyHr]), data([denyHr, rule("m2", { match: { dataset: "hr" }, action: MASK })]));
    expect(added.changes).toEqual([]);
    expect(added.proof.total).toBeGreaterThan(0);
    expect(diffData(data([denyHr]), data([denyHr, rule("m2", { match: { dataset: "hr" }, action: MASK })]), added)).toMatchObject([{ path: "rules.m2", verdict: "neutral", note: "no decision changes" }]);
  });

  it("default_action deny → allow loosens exactly where no rule matches", () => {
    const rules = [rule("p", { match: { dataset: "public" }, action: ALLOW }), rule("s", { match: { dataset: "secret*" }, action: DENY })];
    const base = data(rules, "deny");
    const head = data(rules, "allow");
    const r = compare(base, head);
    expect(r.changes.map((c) => [c.request.dataset, c.before, c.after])).toEqual([["other", "deny", "allow"]]);
    expect(r.regions[0]!.where).toEqual({ dataset: "any dataset not `public` and `secret*`" });
    expect(diffData(base, head, r)).toMatchObject([{ path: "default_action", verdict: "loosened", before: "deny", after: "allow" }]);
  });

  it("a self-diff has no changes and is proven; a reorder alone changes no action", () => {
    const d = data([rule("a", { match: { dataset: "cust*" }, context: { requester_role: "analyst" }, action: ALLOW }), rule("b", { match: { fields: { contains: ["pii"] } }, action: MASK }, 50)]);
    expect(compareData(d, d)).toEqual({ changes: [], regions: [], proof: { proven: true, checked: 0, total: 0, complete: true, reasons: [] } });
    const moved = data([d.rules[0]!, { ...d.rules[1]!, precedence: 500 }]);
    const r = compare(d, moved);
    expect(r.changes).toEqual([]);
    expect(r.proof.total).toBeGreaterThan(0);
    expect(diffData(d, moved, r)).toMatchObject([{ path: "rules.a", change: "moved", verdict: "neutral" }, { path: "rules.b", change: "moved", verdict: "neutral" }]);
  });

  it("a budget that cuts the evaluation is not proven, and rows turn review instead of neutral", () => {
    const guard = rule("b", { context: { requester_role: "x" }, action: DENY });
    const base = data([rule("a", { match: { dataset: "a*" }, context: { requester_role: ["x", "y"] }, action: ALLOW }), guard]);
    const head = data([rule("a", { match: { dataset: "a*" }, context: { requester_role: ["x", "y"] }, action: ALLOW, masking: { default_method: "hash" } }), guard]);
    const r = compareData(base, head, { maxRegions: 1 });
    expect(r.proof).toMatchObject({ proven: false, checked: 1, complete: true });
    expect(r.proof.total).toBeGreaterThan(1);
    expect(r.proof.reasons[0]).toMatch(/^budget: checked 1 of \d+ cells$/);
    const rows = diffData(base, head, r);
    expect(rows).toMatchObject([{ path: "rules.a.masking.default_method", verdict: "review", review: true }]);
  });

  it("a state budget that cuts the enumeration leaves it incomplete", () => {
    const base = data([rule("a", { match: { dataset: "cust*", fields: { contains: ["pii"] } }, action: ALLOW })]);
    const head = data([rule("a", { match: { dataset: "customers", fields: { contains: ["pii"] } }, action: ALLOW })]);
    const r = compareData(base, head, { maxStates: 2 });
    expect(r.proof).toMatchObject({ proven: false, complete: false });
    expect(r.proof.reasons.every((x) => x.startsWith("budget: "))).toBe(true);
    expect(diffData(base, head, r).every((c) => c.verdict !== "neutral")).toBe(true);
  });

  it("leaf rows: masking and approver_role are review, ttl follows x-looser, a narrowed deny is a guardrail", () => {
    const base = data([rule("q", { match: { dataset: "d" }, action: { require_approval: true, reason: "r", approver_role: "lead", ttl: "1h" } })]);
    const head = data([rule("q", { match: { dataset: "d" }, action: { require_approval: true, reason: "r2", approver_role: "owner", ttl: "2h" } })]);
    expect(diffData(base, head).map((c) => [c.path, c.verdict])).toEqual([
      ["rules.q.action.reason", "neutral"],
      ["rules.q.action.approver_role", "review"],
      ["rules.q.action.ttl", "loosened"],
    ]);
    const narrowedDeny = diffData(data([rule("d", { match: { dataset: "*" }, action: DENY })]), data([rule("d", { match: { dataset: "fin_*" }, action: DENY })]));
    expect(narrowedDeny).toMatchObject([{ path: "rules.d", verdict: "neutral", guardrail: "narrowed" }]);
    const widenedDeny = diffData(data([rule("d", { match: { dataset: "fin_*" }, action: DENY })]), data([rule("d", { match: { dataset: "*" }, action: DENY })]));
    expect(widenedDeny[0]!.guardrail).toBeUndefined();
  });

  it("swapping base and head mirrors the result", () => {
    const base = data([rule("a", { match: { dataset: "cust*", fields: { any: ["email"] } }, context: { requester_role: { not: "intern" } }, action: ALLOW }), rule("b", { match: { fields: { contains: ["pii"] } }, action: MASK })]);
    const head = data([rule("a", { match: { dataset: "customers" }, context: { time: { after: "22:00", before: "06:00", timezone: "America/New_York" } }, action: ALLOW }), rule("c", { context: { environment: "production" }, action: DENY })], "allow");
    const r = compare(base, head);
    const s = compare(head, base);
    expect(r.changes.length).toBeGreaterThan(0);
    expect(s.changes).toEqual(r.changes.map((c) => ({ ...c, before: c.after, after: c.before })));
    expect(s.regions).toEqual(r.regions.map((g) => ({ ...g, before: g.after, after: g.before, verdict: g.verdict === "loosened" ? "tightened" : "loosened" })));
  });
});

// ---- the brute-force differential property ----

const DATASETS = [undefined, "customers", "cust*", "orders", "*s"];
const FIELDS: Array<NonNullable<DataSpec["match"]>["fields"] | undefined> = [
  undefined,
  { any: ["email"] },
  { all: ["email", "ssn"] },
  { contains: ["pii"] },
  { sensitivity: "high" },
  { sensitivity: ["high", "low"], contains: ["pii"] },
  { category: "finance", any: ["ssn"] },
  { any: ["phone", "fax"] },
  { all: ["phone", "fax"], contains: ["pii"] },
];
const CONTEXTS: Array<DataSpec["context"] | undefined> = [
  undefined,
  { requester_role: "analyst" },
  { requester_role: ["analyst", "admin"] },
  { requester_role: { not: "admin" } },
  { requester_region: "US", dataset_region: "EU" },
  { requester_region: { not: ["US"] } },
  { environment: "production" },
  { requester_clearance: "secret" },
  { time: { after: "09:00", before: "17:00", timezone: "Europe/Berlin" } },
  { time: { after: "22:00", before: "06:00" } },
  { time: { before: "12:00", timezone: "America/New_York" } },
];
const ACTIONS: DataSpec["action"][] = [ALLOW, MASK, { require_approval: true, reason: "r", approver_role: "lead" }, DENY];

const specArb: fc.Arbitrary<DataSpec> = fc
  .record({ dataset: fc.constantFrom(...DATASETS), fields: fc.constantFrom(...FIELDS), context: fc.constantFrom(...CONTEXTS), action: fc.constantFrom(...ACTIONS) })
  .map(({ dataset, fields, context, action }) => {
    const spec: DataSpec = { action };
    if (dataset !== undefined || fields !== undefined) spec.match = { ...(dataset !== undefined ? { dataset } : {}), ...(fields !== undefined ? { fields } : {}) };
    if (context !== undefined) spec.context = context;
    return spec;
  });

type Edit = { kind: "add"; spec: DataSpec } | { kind: "remove" | "reorder"; at: number } | { kind: "replace"; at: number; spec: DataSpec } | { kind: "default" };
const editArb: fc.Arbitrary<Edit> = fc.oneof(
  specArb.map((spec) => ({ kind: "add" as const, spec })),
  fc.nat(3).map((at) => ({ kind: "remove" as const, at })),
  fc.nat(3).map((at) => ({ kind: "reorder" as const, at })),
  fc.record({ at: fc.nat(3), spec: specArb }).map((e) => ({ kind: "replace" as const, ...e })),
  fc.constant({ kind: "default" as const }),
);

function applyEdit(d: EffectiveData, e: Edit): EffectiveData {
  const rules = [...d.rules];
  const at = "at" in e ? e.at % Math.max(1, rules.length) : 0;
  if (e.kind === "default") return { rules, default_action: d.default_action === "allow" ? "deny" : "allow" };
  if (e.kind === "add") rules.push(rule(`r${rules.length}x`, e.spec, 50));
  else if (rules.length > 0 && e.kind === "remove") rules.splice(at, 1);
  else if (rules.length > 0 && e.kind === "replace") rules[at] = rule(rules[at]!.id, e.spec, rules[at]!.precedence);
  else if (rules.length > 0 && e.kind === "reorder") rules[at] = { ...rules[at]!, precedence: 1000 };
  return { rules, default_action: d.default_action };
}

const uniq = <T>(xs: Iterable<T>): T[] => [...new Set(xs)];
const literalsOf = (m: unknown): string[] => (m === undefined ? [] : typeof m === "string" ? [m] : Array.isArray(m) ? m : literalsOf((m as { not: unknown }).not));

/**
 * A finite universe that covers every literal the rules use, another value and none; field lists
 * of one field of every type and (with `pairs`) of two fields.
 */
function universe(sides: EffectiveData[], pairs: boolean): { requests: DataRequest[]; instants: Date[] } {
  const specs = sides.flatMap((s) => s.rules.map((r) => r.spec));
  const patterns = uniq(specs.flatMap((s) => (s.match?.dataset === undefined ? [] : [s.match.dataset])));
  const datasets = uniq(["other", ...patterns.flatMap((p) => ["", "s"].map((fill) => p.replaceAll("*", fill)))]);
  const ctx = (key: keyof NonNullable<DataSpec["context"]>): Array<string | undefined> => {
    const lits = uniq(specs.flatMap((s) => literalsOf(s.context?.[key])));
    return lits.length === 0 ? [undefined] : [undefined, "zz", ...lits];
  };
  const f = specs.map((s) => s.match?.fields).filter((x) => x !== undefined);
  const names = uniq(["other", ...f.flatMap((x) => [...(x.any ?? []), ...(x.all ?? [])])]);
  const sens = uniq(f.flatMap((x) => literalsOf(x.sensitivity)));
  const cats = uniq(f.flatMap((x) => literalsOf(x.category)));
  const tags = uniq(f.flatMap((x) => x.contains ?? []));
  const attrs: Array<Omit<RequestedField, "name">> = [];
  for (const s of [undefined, ...sens]) for (const c of [undefined, ...cats]) for (const t of [undefined, ...tags]) attrs.push({ ...(s ? { sensitivity: s } : {}), ...(c ? { category: c } : {}), ...(t ? { tags: [t] } : {}) });
  const types = names.flatMap((name) => attrs.map((a) => ({ name, ...a })));
  // one field of every type; two fields where each carries a name or attributes (not both), to keep the universe small
  const simple = [...names.map((name) => ({ name })), ...attrs.slice(1).map((a) => ({ name: "other", ...a }))];
  const lists: RequestedField[][] = [[], ...types.map((t) => [t])];
  if (pairs) for (let i = 0; i < simple.length; i++) for (let j = i + 1; j < simple.length; j++) lists.push([simple[i]!, simple[j]!]);
  const requests: DataRequest[] = [];
  for (const dataset of datasets)
    for (const fields of lists)
      for (const role of ctx("requester_role"))
        for (const clearance of ctx("requester_clearance"))
          for (const region of ctx("requester_region"))
            for (const dr of ctx("dataset_region"))
              for (const env of ctx("environment")) {
                const requester = { ...(role ? { role } : {}), ...(clearance ? { clearance } : {}), ...(region ? { region } : {}) };
                requests.push({ dataset, fields, requester, ...(dr ? { dataset_region: dr } : {}), ...(env ? { environment: env } : {}) });
              }
  // instants: each window edge, ±1 minute, on a winter and a summer day, in the edge's zone
  const instants = [new Date("2026-01-15T12:00:00Z")];
  for (const s of specs) {
    const t = s.context?.time;
    if (!t) continue;
    const zone = t.timezone ?? "UTC";
    for (const day of ["2026-01-15", "2026-07-15"]) {
      const noon = Date.parse(`${day}T12:00:00Z`);
      const local = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", hour: "numeric", minute: "numeric" }).formatToParts(noon);
      const wall = Number(local.find((p) => p.type === "hour")!.value) * 60 + Number(local.find((p) => p.type === "minute")!.value);
      const offset = wall - 12 * 60;
      for (const edge of [t.after, t.before, "00:00"]) {
        if (edge === undefined) continue;
        const m = Number(edge.slice(0, 2)) * 60 + Number(edge.slice(3));
        for (const d of [-1, 1]) instants.push(new Date(Date.parse(`${day}T00:00:00Z`) + ((m - offset + d + 1440) % 1440) * 60_000));
      }
    }
  }
  return { requests, instants: uniq(instants.map((i) => i.getTime())).map((t) => new Date(t)) };
}

/** Points (requests × instants) brute-forced per run at most; past it, two-field lists are left out, then the run is skipped. */
const MAX_POINTS = 30_000;

describe("compareData against brute force", () => {
  // the reference evaluator builds an Intl.DateTimeFormat per time window and call; sharing them (they are immutable) makes brute force affordable
  const RealDateTimeFormat = Intl.DateTimeFormat;
  beforeAll(() => {
    const formats = new Map<string, Intl.DateTimeFormat>();
    const Shared = function (locales?: string | string[], options?: Intl.DateTimeFormatOptions) {
      const key = JSON.stringify([locales, options]);
      let f = formats.get(key);
      if (!f) {
        f = new RealDateTimeFormat(locales, options);
        formats.set(key, f);
      }
      return f;
    } as unknown as typeof Intl.DateTimeFormat;
    Object.defineProperty(Shared, "supportedLocalesOf", { value: RealDateTimeFormat.supportedLocalesOf });
    Intl.DateTimeFormat = Shared;
  });
  afterAll(() => {
    Intl.DateTimeFormat = RealDateTimeFormat;
  });

  it("reflects every flip of an exhaustive small universe, and every witness flips as stated", () => {
    let evaluated = 0;
    let skipped = 0;
    let coveredRuns = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(specArb, fc.nat(3)), { maxLength: 4 }),
        fc.constantFrom<"allow" | "deny">("allow", "deny"),
        editArb,
        (specs, dflt, edit) => {
          const base = data(specs.map(([spec, p], i) => rule(`r${i}`, spec, p * 10)), dflt);
          const head = applyEdit(base, edit);
          const { comparison: r, dims, specs: regions, covered } = explainData(base, head);
          if (covered) coveredRuns++;
          checkHonest(base, head, r);
          // a cell of the partition is the set of rules matched on each side: every flip's cell must be reported
          const cellOf = (b: { matched: readonly string[] }, h: { matched: readonly string[] }) => `${b.matched.join(",")}|${h.matched.join(",")}`;
          const reported = new Map(r.changes.map((c) => [cellOf(referenceDecideData(base, c.request, new Date(c.now)), referenceDecideData(head, c.request, new Date(c.now))), c]));
          const inside = (request: DataRequest, now: Date) => {
            const values = dimensionValues(dims, request, now);
            const atoms = dims.map((dim, d) => dim.atomsOf(values[d]));
            return regions.filter((g) => dims.every((_, d) => consistent(atoms[d]!, g.kept[d]!)));
          };
          // every witness lies in a region that states its decisions
          for (const c of r.changes) expect(inside(c.request, new Date(c.now)).some((g) => g.before === c.before && g.after === c.after)).toBe(true);
          let { requests, instants } = universe([base, head], true);
          if (requests.length * instants.length > MAX_POINTS) ({ requests, instants } = universe([base, head], false));
          if (requests.length * instants.length > MAX_POINTS) {
            skipped++;
            return;
          }
          for (const request of requests) {
            for (const now of instants) {
              evaluated++;
              const before = referenceDecideData(base, request, now);
              const after = referenceDecideData(head, request, now);
              // honest regions: every one that admits the request states its decisions
              for (const g of inside(request, now)) {
                if (g.before !== before.action || g.after !== after.action) throw new Error(`region ${JSON.stringify(g.kept)} admits ${JSON.stringify(request)} at ${now.toISOString()}: ${before.action} → ${after.action}`);
              }
              if (before.action === after.action) continue;
              if (covered && inside(request, now).length === 0) throw new Error(`no region for ${JSON.stringify(request)} at ${now.toISOString()}`);
              const c = reported.get(cellOf(before, after));
              if (c?.before !== before.action || c.after !== after.action) {
                throw new Error(`missed ${before.action} → ${after.action} for ${JSON.stringify(request)} at ${now.toISOString()}`);
              }
            }
          }
          const mirrored = compareData(head, base);
          expect(mirrored.changes).toEqual(r.changes.map((c) => ({ ...c, before: c.after, after: c.before })));
        },
      ),
      // DR_RUNS / DR_SEED explore further by hand (e.g. DR_RUNS=400 DR_SEED=7)
      { numRuns: Number(process.env.DR_RUNS ?? 150), seed: Number(process.env.DR_SEED ?? 2026) },
    );
    expect(evaluated).toBeGreaterThan(100_000);
    expect(skipped).toBeLessThan(15);
    expect(coveredRuns).toBeGreaterThan(100);
  });

  it("datasets in the witnesses are in their cells (checked with the real matcher)", () => {
    const base = data([rule("a", { match: { dataset: "cust*" }, action: ALLOW }), rule("b", { match: { dataset: "*_pii" }, action: DENY })]);
    const head = data([rule("a", { match: { dataset: "c?st*" }, action: ALLOW }), rule("b", { match: { dataset: "*_pii" }, action: DENY })]);
    const r = compare(base, head);
    for (const c of r.changes) expect(matchWildcard("c?st*", c.request.dataset) && !matchWildcard("cust*", c.request.dataset)).toBe(true);
  });
});
