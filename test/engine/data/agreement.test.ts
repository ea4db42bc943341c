import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileData, referenceDecideData } from "../../../src/engine/data/index.js";
import type { DataRequest, RequestedField } from "../../../src/engine/data/index.js";
import type { EffectiveDataRule } from "../../../src/engine/effective.js";
import type { ContextMatcher, DataSpec } from "../../../src/engine/spec.js";
import { DATA_ACTIONS, MASKING_METHODS } from "../../../src/engine/vocabulary.js";

// Small alphabets, so random rules and requests actually meet.
const DATASETS = ["customers", "orders", "finance_ledger", "finance"];
const DATASET_PATTERNS = ["customers", "orders", "finance_*", "*", "*s", "finance?ledger", "cust*"];
const NAMES = ["email", "ssn", "phone", "balance", "city", "__proto__"];
const SENSITIVITIES = ["pii", "internal", "public", "confidential"];
const CATEGORIES = ["contact", "financial", "identity"];
const TAGS = ["gdpr", "hipaa", "pii", "financial", "government_id"];
const ROLES = ["analyst", "admin", "data_engineer"];
const REGIONS = ["US", "EU", "APAC"];
const ENVS = ["production", "staging"];
const ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe"];
const TIMES = ["00:00", "06:30", "07:00", "09:15", "12:00", "17:45", "19:00", "23:59"];

const pick = <T>(items: readonly T[]) => fc.constantFrom(...items);
const some = <T>(items: readonly T[], max = 3) => fc.uniqueArray(pick(items), { maxLength: max });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const oneOrMany = (items: readonly string[]) => fc.oneof(pick(items), some(items));

function matcher(values: readonly string[]): fc.Arbitrary<ContextMatcher> {
  return fc.oneof(pick(values), some(values), fc.record({ not: oneOrMany(values) }));
}

/** Drops undefined properties, like a policy read from YAML would not have them. */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const fieldsCriteria = fc
  .record({
    sensitivity: optional(oneOrMany(SENSITIVITIES)),
    category: optional(oneOrMany(CATEGORIES)),
    contains: optional(some(TAGS, 2)),
    any: optional(some(NAMES)),
    all: optional(some(NAMES, 2)),
  })
  .map(clean);

const spec: fc.Arbitrary<DataSpec> = fc
  .record({
    dataset: optional(pick(DATASET_PATTERNS)),
    fields: optional(fieldsCriteria),
    requester_role: optional(matcher(ROLES)),
    requester_clearance: optional(matcher(["low", "high"])),
    requester_region: optional(matcher(REGIONS)),
    dataset_region: optional(matcher(REGIONS)),
    environment: optional(matcher(ENVS)),
    time: optional(fc.record({ after: optional(pick(TIMES)), before: optional(pick(TIMES)), timezone: optional(pick(ZONES)) }).map(clean)),
    action: pick(DATA_ACTIONS),
    reason: optional(pick(["r1", "r2"])),
    approver_role: optional(pick(["lead", "dpo"])),
    ttl: optional(pick(["45m", "1h30m", "500ms", "2d"])),
    default_method: optional(pick(MASKING_METHODS)),
    rules: optional(fc.dictionary(pick(NAMES), pick(MASKING_METHODS), { maxKeys: 3 })),
  })
  .map((r) => {
    const match = clean({ dataset: r.dataset, fields: r.fields });
    const context = clean({
      requester_role: r.requester_role,
      requester_clearance: r.requester_clearance,
      requester_region: r.requester_region,
      dataset_region: r.dataset_region,
      environment: r.environment,
      time: r.time,
    });
    const masking = clean({ default_method: r.default_method, rules: r.rules });
    return clean({
      match: Object.keys(match).length > 0 ? match : undefined,
      context: Object.keys(context).length > 0 ? context : undefined,
      action: clean({ [r.action]: true, reason: r.reason, approver_role: r.approver_role, ttl: r.ttl }),
      masking: Object.keys(masking).length > 0 ? masking : undefined,
    }) as DataSpec;
  });

const rules: fc.Arbitrary<EffectiveDataRule[]> = fc
  .array(fc.tuple(spec, fc.integer({ min: 0, max: 4 })), { maxLength: 8 })
  .map((list) => list.map(([s, precedence], i) => ({ id: `rule${i}`, precedence, source: { policy: `rule${i}`, file: `p${i}.yaml` }, spec: s })));

const field: fc.Arbitrary<RequestedField> = fc
  .record({ name: pick(NAMES), sensitivity: optional(pick(SENSITIVITIES)), category: optional(pick(CATEGORIES)), tags: optional(some(TAGS)) })
  .map(clean);

const request: fc.Arbitrary<DataRequest> = fc
  .record({
    dataset: pick(DATASETS),
    fields: fc.array(field, { maxLength: 4 }),
    requester: fc.record({ role: optional(pick(ROLES)), clearance: optional(pick(["low", "high"])), region: optional(pick(REGIONS)) }).map(clean),
    dataset_region: optional(pick(REGIONS)),
    environment: optional(pick(ENVS)),
  })
  .map(clean);

// 2024 through 2025, so DST transitions of every zone above are crossed
const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2025, 11, 31) }).map((ms) => new Date(ms));

describe("compiled and reference data evaluators agree", () => {
  it("on random rules, requests and times", () => {
    fc.assert(
      fc.property(rules, request, instant, pick(["allow", "deny"] as const), (rs, req, now, default_action) => {
        const data = { rules: rs, default_action };
        expect(compileData(data).decideData(req, now)).toEqual(referenceDecideData(data, req, now));
      }),
      { numRuns: 3000 },
    );
  });

  it("on many requests against one compiled policy (no state leaks between decisions)", () => {
    fc.assert(
      fc.property(rules, fc.array(fc.tuple(request, instant), { minLength: 1, maxLength: 10 }), (rs, reqs) => {
        const data = { rules: rs, default_action: "deny" as const };
        const engine = compileData(data);
        for (const [req, now] of reqs) expect(engine.decideData(req, now)).toEqual(referenceDecideData(data, req, now));
      }),
      { numRuns: 500 },
    );
  });

  it("and random policies do decide things (the generators are not vacuous)", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(rules, request, instant, (rs, req, now) => {
        seen.add(compileData({ rules: rs, default_action: "allow" }).decideData(req, now).action);
      }),
      { numRuns: 500 },
    );
    expect([...seen].sort()).toEqual(["allow", "deny", "mask", "require_approval"]);
  });
});
