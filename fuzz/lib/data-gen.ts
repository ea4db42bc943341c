/**
 * Random DataPolicy rules and requests for the compiled-vs-reference differential (the same
 * vocabulary as test/engine/data/agreement.test.ts, drawn from a seeded PRNG so a million
 * cases are cheap), plus prototype-named fields and datasets.
 */
import type { EffectiveData, EffectiveDataRule } from "../../src/engine/effective.js";
import type { DataRequest, RequestedField } from "../../src/engine/data/types.js";
import type { ContextMatcher, DataSpec } from "../../src/engine/spec.js";
import { DATA_ACTIONS, MASKING_METHODS } from "../../src/engine/vocabulary.js";
import type { Rng } from "./rng.js";

const DATASETS = ["customers", "orders", "finance_ledger", "finance", "__proto__", "constructor", "", "Customers"];
const DATASET_PATTERNS = ["customers", "orders", "finance_*", "*", "*s", "finance?ledger", "cust*", "__proto__", "constructor", "?*", "**"];
const NAMES = ["email", "ssn", "phone", "balance", "city", "__proto__", "constructor", "toString", "hasOwnProperty"];
const SENSITIVITIES = ["pii", "internal", "public", "confidential"];
const CATEGORIES = ["contact", "financial", "identity"];
const TAGS = ["gdpr", "hipaa", "pii", "financial", "government_id", "contact"];
const ROLES = ["analyst", "admin", "data_engineer"];
const REGIONS = ["US", "EU", "APAC"];
const ENVS = ["production", "staging"];
const ZONES = ["UTC", "America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns"];
const TIMES = ["00:00", "06:30", "07:00", "09:15", "12:00", "17:45", "19:00", "23:59", "02:30", "01:59"];

function maybe<T>(rng: Rng, make: () => T, p = 0.5): T | undefined {
  return rng.chance(p) ? make() : undefined;
}

function unique<T>(rng: Rng, items: readonly T[], max: number): T[] {
  return [...new Set(rng.some(items, max))];
}

function oneOrMany(rng: Rng, items: readonly string[]): string | string[] {
  return rng.chance(0.5) ? rng.pick(items) : unique(rng, items, 3);
}

function matcher(rng: Rng, items: readonly string[]): ContextMatcher {
  const r = rng.below(3);
  return r === 0 ? rng.pick(items) : r === 1 ? unique(rng, items, 3) : { not: oneOrMany(rng, items) };
}

function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function spec(rng: Rng): DataSpec {
  const fields = maybe(rng, () =>
    clean({
      sensitivity: maybe(rng, () => oneOrMany(rng, SENSITIVITIES)),
      category: maybe(rng, () => oneOrMany(rng, CATEGORIES)),
      contains: maybe(rng, () => unique(rng, TAGS, 2)),
      any: maybe(rng, () => unique(rng, NAMES, 3)),
      all: maybe(rng, () => unique(rng, NAMES, 2)),
    }),
  );
  const match = clean({ dataset: maybe(rng, () => rng.pick(DATASET_PATTERNS)), fields });
  const context = clean({
    requester_role: maybe(rng, () => matcher(rng, ROLES), 0.35),
    requester_clearance: maybe(rng, () => matcher(rng, ["low", "high"]), 0.25),
    requester_region: maybe(rng, () => matcher(rng, REGIONS), 0.3),
    dataset_region: maybe(rng, () => matcher(rng, REGIONS), 0.3),
    environment: maybe(rng, () => matcher(rng, ENVS), 0.3),
    time: maybe(rng, () => clean({ after: maybe(rng, () => rng.pick(TIMES)), before: maybe(rng, () => rng.pick(TIMES)), timezone: maybe(rng, () => rng.pick(ZONES)) }), 0.3),
  });
  const action = rng.pick(DATA_ACTIONS);
  let rules: Record<string, (typeof MASKING_METHODS)[number]> | undefined;
  if (rng.chance(0.4)) {
    rules = {};
    for (const name of unique(rng, NAMES, 3)) Object.defineProperty(rules, name, { value: rng.pick(MASKING_METHODS), enumerable: true, writable: true, configurable: true });
  }
  const masking = clean({ default_method: maybe(rng, () => rng.pick(MASKING_METHODS)), rules });
  return clean({
    match: Object.keys(match).length > 0 ? match : undefined,
    context: Object.keys(context).length > 0 ? context : undefined,
    action: clean({ [action]: true, reason: maybe(rng, () => rng.pick(["r1", "r2"])), approver_role: maybe(rng, () => rng.pick(["lead", "dpo"])), ttl: maybe(rng, () => rng.pick(["45m", "1h30m", "500ms", "2d", "1s"])) }),
    masking: Object.keys(masking).length > 0 ? masking : undefined,
  }) as DataSpec;
}

export function randomDataPolicy(rng: Rng): EffectiveData {
  const n = rng.int(0, 10);
  const rules: EffectiveDataRule[] = Array.from({ length: n }, (_, i) => ({
    id: `rule${i}`,
    precedence: rng.int(0, 4),
    source: { policy: `rule${i}`, file: `p${i}.yaml` },
    spec: spec(rng),
  }));
  return { rules, default_action: rng.chance(0.5) ? "allow" : "deny" };
}

function field(rng: Rng): RequestedField {
  return clean({
    name: rng.pick(NAMES),
    sensitivity: maybe(rng, () => rng.pick(SENSITIVITIES)),
    category: maybe(rng, () => rng.pick(CATEGORIES)),
    tags: maybe(rng, () => unique(rng, TAGS, 3)),
  });
}

export function randomDataRequest(rng: Rng): DataRequest {
  return clean({
    dataset: rng.pick(DATASETS),
    fields: Array.from({ length: rng.int(0, 5) }, () => field(rng)),
    requester: clean({ role: maybe(rng, () => rng.pick(ROLES)), clearance: maybe(rng, () => rng.pick(["low", "high"])), region: maybe(rng, () => rng.pick(REGIONS)) }),
    dataset_region: maybe(rng, () => rng.pick(REGIONS)),
    environment: maybe(rng, () => rng.pick(ENVS)),
  });
}

/** 2024 through 2025 (DST transitions of every zone above), now and then a far date. */
export function randomInstant(rng: Rng): Date {
  if (rng.chance(0.01)) return new Date(rng.pick([0, -1, 8.64e15, Date.UTC(2038, 0, 19, 3, 14, 8), Date.UTC(1969, 11, 31, 23, 59, 59)]));
  return new Date(Date.UTC(2024, 0, 1) + rng.below(2 * 365 * 24 * 60) * 60_000 + (rng.chance(0.2) ? rng.below(60_000) : 0));
}
