import { describe, expect, it } from "vitest";
import { ACTION_STRENGTH, compileData, MASK_STRICTNESS, referenceDecideData } from "../../../src/engine/data/index.js";
import type { DataDecision, DataRequest } from "../../../src/engine/data/index.js";
import type { EffectiveData, EffectiveDataRule } from "../../../src/engine/effective.js";
import type { DataSpec } from "../../../src/engine/spec.js";
import { EdictError } from "../../../src/errors.js";
import { DATA_ACTIONS, MASKING_METHODS } from "../../../src/engine/vocabulary.js";

let counter = 0;
function rule(id: string, spec: DataSpec, precedence = counter++): EffectiveDataRule {
  return { id, precedence, source: { policy: id, file: `policies/data/${id}.yaml` }, spec };
}

/** Decides with both evaluators and checks they agree. */
function decide(rules: EffectiveDataRule[], request: DataRequest, now?: Date, default_action: "allow" | "deny" = "deny"): DataDecision {
  const data: EffectiveData = { rules, default_action };
  const compiled = compileData(data).decideData(request, now);
  expect(referenceDecideData(data, request, now)).toEqual(compiled);
  return compiled;
}

const req = (over: Partial<DataRequest> = {}): DataRequest => ({
  dataset: "customers",
  fields: [{ name: "email", sensitivity: "pii", category: "contact" }],
  requester: { role: "analyst", clearance: "low", region: "US" },
  dataset_region: "EU",
  environment: "production",
  ...over,
});

describe("decideData: strongest action wins", () => {
  const allow = rule("allow_all", { action: { allow: true, reason: "allowed" } }, 50);
  const mask = rule("mask_pii", { match: { fields: { sensitivity: "pii" } }, action: { mask: true, reason: "masked" }, masking: { default_method: "hash" } }, 40);
  const approval = rule("approve", { action: { require_approval: true, reason: "needs approval", approver_role: "lead", ttl: "45m" } }, 30);
  const deny = rule("deny_eu", { context: { dataset_region: "EU" }, action: { deny: true, reason: "eu" } }, 10);

  const cases: Array<{ name: string; rules: EffectiveDataRule[]; expected: Partial<DataDecision> }> = [
    { name: "allow alone", rules: [allow], expected: { action: "allow", policy: "allow_all", reason: "allowed" } },
    { name: "mask over allow", rules: [allow, mask], expected: { action: "mask", policy: "mask_pii", masks: { email: "hash" } } },
    {
      name: "approval over mask and allow",
      rules: [allow, mask, approval],
      expected: { action: "require_approval", policy: "approve", ttl_seconds: 2700, approver_role: "lead" },
    },
    { name: "deny over everything, even at the lowest precedence", rules: [allow, mask, approval, deny], expected: { action: "deny", policy: "deny_eu", reason: "eu" } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decide(c.rules, req());
      expect(d).toMatchObject(c.expected);
      expect(d.matched).toEqual(c.rules.map((r) => r.id));
      if (d.action !== "mask") expect(d.masks).toBeUndefined();
      if (d.action !== "require_approval") expect(d.ttl_seconds).toBeUndefined();
    });
  }
});

describe("decideData: precedence among rules of the winning strength", () => {
  it("the highest precedence supplies reason, ttl and approver role", () => {
    const low = rule("low", { action: { require_approval: true, reason: "low", approver_role: "a", ttl: "1h" } }, 1);
    const high = rule("high", { action: { require_approval: true, reason: "high", approver_role: "b" } }, 9);
    const mid = rule("mid", { action: { require_approval: true, reason: "mid", ttl: "10m" } }, 5);
    const d = decide([low, high, mid], req());
    expect(d).toEqual({ action: "require_approval", policy: "high", reason: "high", approver_role: "b", matched: ["low", "high", "mid"] });
  });

  it("a higher-precedence weaker rule does not supply the reason", () => {
    const d = decide([rule("d", { action: { deny: true, reason: "deny reason" } }, 1), rule("a", { action: { allow: true, reason: "allow reason" } }, 99)], req());
    expect(d).toMatchObject({ action: "deny", policy: "d", reason: "deny reason" });
  });

  it("equal precedence: the later rule", () => {
    const d = decide([rule("first", { action: { deny: true, reason: "1" } }, 3), rule("second", { action: { deny: true, reason: "2" } }, 3)], req());
    expect(d.policy).toBe("second");
  });

  it("a rule without a reason gets one naming it", () => {
    expect(decide([rule("plain", { action: { allow: true } })], req()).reason).toBe("matched rule plain");
  });
});

describe("decideData: masks", () => {
  const fields = [
    { name: "email", sensitivity: "pii" },
    { name: "ssn", sensitivity: "pii", tags: ["government_id"] },
    { name: "phone", sensitivity: "pii" },
    { name: "country", sensitivity: "public" },
  ];
  it("combine across mask rules, strictest method per field", () => {
    const a = rule("a", { match: { fields: { sensitivity: "pii" } }, action: { mask: true }, masking: { default_method: "hash", rules: { email: "partial", ssn: "redact" } } }, 1);
    const b = rule("b", { match: { fields: { contains: ["government_id"] } }, action: { mask: true }, masking: { default_method: "nullify" } }, 2);
    const c = rule("c", { match: { fields: { any: ["email", "phone"] } }, action: { mask: true }, masking: { default_method: "full" } }, 3);
    const d = decide([a, b, c], req({ fields }));
    expect(d.masks).toEqual({ email: "full", ssn: "nullify", phone: "hash" });
    expect(d.policy).toBe("c");
  });

  it("strictness order nullify > redact > hash > full > partial > truncate", () => {
    const order = ["truncate", "partial", "full", "hash", "redact", "nullify"] as const;
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++) {
        const rs = [
          rule("x", { action: { mask: true }, masking: { default_method: order[i]! } }, 1),
          rule("y", { action: { mask: true }, masking: { default_method: order[j]! } }, 2),
        ];
        expect(decide(rs, req({ fields: [{ name: "f" }] })).masks).toEqual({ f: order[Math.max(i, j)] });
      }
    }
  });

  it("apply only to the fields the rule selects; other fields stay clear", () => {
    const r = rule("m", { match: { fields: { sensitivity: "pii" } }, action: { mask: true }, masking: { rules: { country: "nullify", email: "truncate" } } });
    expect(decide([r], req({ fields })).masks).toEqual({ email: "truncate", ssn: "redact", phone: "redact" });
  });

  it("a rule without match.fields masks every requested field", () => {
    expect(decide([rule("m", { action: { mask: true }, masking: { default_method: "hash" } })], req({ fields })).masks).toEqual({
      email: "hash",
      ssn: "hash",
      phone: "hash",
      country: "hash",
    });
  });

  it("no masks when a stronger action wins", () => {
    const d = decide([rule("m", { action: { mask: true } }), rule("d", { action: { deny: true, reason: "no" } })], req({ fields }));
    expect(d.masks).toBeUndefined();
  });

  it("field names that look like prototype keys are ordinary fields", () => {
    const d = decide([rule("m", { action: { mask: true }, masking: { rules: { email: "hash" } } })], req({ fields: [{ name: "__proto__" }, { name: "constructor" }] }));
    expect(Object.keys(d.masks!)).toEqual(["__proto__", "constructor"]);
    expect(d.masks!.constructor).toBe("redact");
  });
});

describe("decideData: field criteria", () => {
  const fields = [
    { name: "email", sensitivity: "pii", category: "contact", tags: ["gdpr"] },
    { name: "balance", sensitivity: "confidential", category: "financial" },
  ];
  const cases: Array<{ name: string; criteria: NonNullable<NonNullable<DataSpec["match"]>["fields"]>; matches: boolean }> = [
    { name: "sensitivity string", criteria: { sensitivity: "pii" }, matches: true },
    { name: "sensitivity list (any of)", criteria: { sensitivity: ["secret", "confidential"] }, matches: true },
    { name: "sensitivity not requested", criteria: { sensitivity: "secret" }, matches: false },
    { name: "category", criteria: { category: "financial" }, matches: true },
    { name: "sensitivity and category on the same field", criteria: { sensitivity: "pii", category: "contact" }, matches: true },
    { name: "sensitivity and category on different fields", criteria: { sensitivity: "pii", category: "financial" }, matches: false },
    { name: "contains: all tags on one field", criteria: { contains: ["gdpr", "pii"] }, matches: true },
    { name: "contains: sensitivity and category count as tags", criteria: { contains: ["confidential", "financial"] }, matches: true },
    { name: "contains: tags spread over two fields", criteria: { contains: ["gdpr", "financial"] }, matches: false },
    { name: "any: one name requested", criteria: { any: ["ssn", "balance"] }, matches: true },
    { name: "any: none requested", criteria: { any: ["ssn", "iban"] }, matches: false },
    { name: "all: every name requested", criteria: { all: ["email", "balance"] }, matches: true },
    { name: "all: one name missing", criteria: { all: ["email", "ssn"] }, matches: false },
    { name: "any: [] matches nothing", criteria: { any: [] }, matches: false },
    { name: "all: [] matches everything", criteria: { all: [] }, matches: true },
    { name: "criteria combine: sensitivity and any", criteria: { sensitivity: "pii", any: ["balance"] }, matches: true },
    { name: "criteria combine: one fails", criteria: { sensitivity: "pii", all: ["ssn"] }, matches: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decide([rule("r", { match: { fields: c.criteria }, action: { deny: true, reason: "r" } })], req({ fields }));
      expect(d.policy).toBe(c.matches ? "r" : null);
      expect(d.reason).toBe(c.matches ? "r" : "no rule matched");
    });
  }

  it("sensitivity matches the field's attribute, not its tags", () => {
    const d = decide([rule("r", { match: { fields: { sensitivity: "pii" } }, action: { deny: true, reason: "r" } })], req({ fields: [{ name: "x", tags: ["pii"] }] }));
    expect(d.policy).toBeNull();
  });

  it("dataset wildcards", () => {
    const r = rule("fin", { match: { dataset: "finance_*" }, action: { deny: true, reason: "r" } });
    expect(decide([r], req({ dataset: "finance_ledger" })).policy).toBe("fin");
    expect(decide([r], req({ dataset: "finance" })).policy).toBeNull();
    const exact = rule("cust", { match: { dataset: "customers" }, action: { deny: true, reason: "r" } });
    expect(decide([exact, r], req()).matched).toEqual(["cust"]);
  });
});

describe("decideData: context", () => {
  const cases: Array<{ name: string; context: DataSpec["context"]; request?: Partial<DataRequest>; matches: boolean }> = [
    { name: "string equals", context: { requester_role: "analyst" }, matches: true },
    { name: "string differs", context: { requester_role: "admin" }, matches: false },
    { name: "case-sensitive", context: { requester_region: "us" }, matches: false },
    { name: "list: any of", context: { requester_clearance: ["high", "low"] }, matches: true },
    { name: "list: none", context: { requester_clearance: ["high"] }, matches: false },
    { name: "not: string", context: { requester_region: { not: "EU" } }, matches: true },
    { name: "not: the value", context: { requester_region: { not: "US" } }, matches: false },
    { name: "not: list", context: { dataset_region: { not: ["US", "APAC"] } }, matches: true },
    { name: "not: list containing the value", context: { dataset_region: { not: ["US", "EU"] } }, matches: false },
    { name: "environment", context: { environment: "production" }, matches: true },
    { name: "all keys must hold", context: { environment: "production", requester_role: "admin" }, matches: false },
    { name: "missing value never matches a string", context: { environment: "production" }, request: { environment: undefined }, matches: false },
    { name: "missing value never matches a list", context: { requester_role: ["analyst"] }, request: { requester: {} }, matches: false },
    { name: "missing value never matches {not}", context: { requester_region: { not: "EU" } }, request: { requester: { role: "analyst" } }, matches: false },
    { name: "missing dataset_region never matches {not}", context: { dataset_region: { not: "US" } }, request: { dataset_region: undefined }, matches: false },
    { name: "an empty value is a value", context: { environment: { not: "production" } }, request: { environment: "" }, matches: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = decide([rule("r", { context: c.context, action: { deny: true, reason: "r" } })], req(c.request), undefined, "allow");
      expect(d.action).toBe(c.matches ? "deny" : "allow");
    });
  }
});

describe("decideData: time windows", () => {
  const afterHours = rule("after_hours", {
    context: { time: { after: "19:00", before: "07:00", timezone: "America/New_York" } },
    action: { require_approval: true, reason: "after hours", approver_role: "finance_lead" },
  });
  const cases: Array<{ at: string; local: string; inside: boolean }> = [
    // winter, EST = UTC-5
    { at: "2024-01-15T23:59:00Z", local: "18:59 EST", inside: false },
    { at: "2024-01-16T00:00:00Z", local: "19:00 EST", inside: true },
    { at: "2024-01-16T05:00:00Z", local: "00:00 EST", inside: true },
    { at: "2024-01-16T11:59:00Z", local: "06:59 EST", inside: true },
    { at: "2024-01-16T12:00:00Z", local: "07:00 EST", inside: false },
    // DST starts 2024-03-10 02:00 EST → 03:00 EDT
    { at: "2024-03-10T00:30:00Z", local: "19:30 EST on Mar 9", inside: true },
    { at: "2024-03-10T10:30:00Z", local: "06:30 EDT", inside: true },
    { at: "2024-03-10T11:30:00Z", local: "07:30 EDT (06:30 if DST were ignored)", inside: false },
    // summer, EDT = UTC-4
    { at: "2024-07-01T22:30:00Z", local: "18:30 EDT", inside: false },
    { at: "2024-07-01T23:15:00Z", local: "19:15 EDT (18:15 if DST were ignored)", inside: true },
    // DST ends 2024-11-03 02:00 EDT → 01:00 EST
    { at: "2024-11-03T05:30:00Z", local: "01:30 EDT", inside: true },
    { at: "2024-11-03T06:30:00Z", local: "01:30 EST (the hour repeats)", inside: true },
    { at: "2024-11-03T11:30:00Z", local: "06:30 EST (07:30 if DST were still on)", inside: true },
    { at: "2024-11-03T12:30:00Z", local: "07:30 EST", inside: false },
  ];
  for (const c of cases) {
    it(`${c.at} = ${c.local}: ${c.inside ? "inside" : "outside"}`, () => {
      const d = decide([afterHours], req(), new Date(c.at), "allow");
      expect(d.action).toBe(c.inside ? "require_approval" : "allow");
    });
  }

  const windows: Array<{ name: string; time: { after?: string; before?: string; timezone?: string }; at: string; inside: boolean }> = [
    { name: "default timezone UTC", time: { after: "09:00", before: "17:00" }, at: "2024-05-01T09:00:00Z", inside: true },
    { name: "before is exclusive", time: { after: "09:00", before: "17:00" }, at: "2024-05-01T17:00:00Z", inside: false },
    { name: "only after", time: { after: "22:00" }, at: "2024-05-01T23:30:00Z", inside: true },
    { name: "only after, earlier", time: { after: "22:00" }, at: "2024-05-01T21:59:59Z", inside: false },
    { name: "only before", time: { before: "06:00" }, at: "2024-05-01T05:59:00Z", inside: true },
    { name: "after = before is empty", time: { after: "08:00", before: "08:00" }, at: "2024-05-01T08:00:00Z", inside: false },
    { name: "only a timezone: always", time: { timezone: "Asia/Kolkata" }, at: "2024-05-01T08:00:00Z", inside: true },
    { name: "half-hour zone", time: { after: "13:30", before: "14:00", timezone: "Asia/Kolkata" }, at: "2024-05-01T08:00:00Z", inside: true },
  ];
  for (const w of windows) {
    it(w.name, () => {
      const d = decide([rule("w", { context: { time: w.time }, action: { deny: true, reason: "w" } })], req(), new Date(w.at), "allow");
      expect(d.action).toBe(w.inside ? "deny" : "allow");
    });
  }

  it("one compiled policy follows the clock minute by minute", () => {
    const engine = compileData({ rules: [rule("morning", { context: { time: { before: "10:30" } }, action: { deny: true, reason: "m" } })], default_action: "allow" });
    const at = (t: string) => engine.decideData(req(), new Date(`2024-05-01T${t}Z`)).action;
    expect([at("10:01:00"), at("10:29:59"), at("10:30:00"), at("10:59:00"), at("10:01:30")]).toEqual(["deny", "deny", "allow", "allow", "deny"]);
  });

  it("uses the current time by default", () => {
    const always = rule("always", { context: { time: { after: "00:00" } }, action: { deny: true, reason: "always" } });
    expect(compileData({ rules: [always], default_action: "allow" }).decideData(req()).action).toBe("deny");
  });
});

describe("decideData: no match and bad input", () => {
  it("no rule matched: the target's default_action", () => {
    const r = rule("other", { match: { dataset: "orders" }, action: { deny: true, reason: "x" } });
    expect(decide([r], req(), undefined, "deny")).toEqual({ action: "deny", policy: null, reason: "no rule matched", matched: [] });
    expect(decide([r], req(), undefined, "allow")).toEqual({ action: "allow", policy: null, reason: "no rule matched", matched: [] });
    expect(decide([], req(), undefined, "allow").action).toBe("allow");
  });

  it("a malformed request is denied", () => {
    const engine = compileData({ rules: [rule("a", { action: { allow: true } })], default_action: "allow" });
    for (const bad of [null, {}, { dataset: 1, fields: [] }, { dataset: "d", fields: [{}] }, { dataset: "d", fields: [], requester: "x" }, { dataset: "d", fields: [{ name: "f", tags: "t" }] }]) {
      const d = engine.decideData(bad as unknown as DataRequest);
      expect(d.action).toBe("deny");
      expect(d.reason).toMatch(/^malformed request/);
    }
    expect(engine.decideData(req(), new Date(Number.NaN)).action).toBe("deny");
  });

  it("a request without requester is fine", () => {
    const d = decide([rule("a", { action: { allow: true } })], { dataset: "d", fields: [] } as unknown as DataRequest);
    expect(d.action).toBe("allow");
  });

  const invalid: Array<[string, DataSpec]> = [
    ["two actions", { action: { deny: true, allow: true, reason: "x" } }],
    ["no action", { action: { deny: false } }],
    ["bad ttl", { action: { require_approval: true, ttl: "45 minutes" } }],
    ["bad time", { context: { time: { after: "25:00" } }, action: { deny: true } }],
    ["bad timezone", { context: { time: { after: "10:00", timezone: "Mars/Olympus" } }, action: { deny: true } }],
    ["bad masking method", { action: { mask: true }, masking: { rules: { email: "scramble" as never } } }],
    ["bad default method", { action: { mask: true }, masking: { default_method: "scramble" as never } }],
    ["bad context matcher", { context: { environment: 5 as never }, action: { deny: true } }],
  ];
  for (const [name, spec] of invalid) {
    it(`refuses to compile a rule with ${name}`, () => {
      let error: unknown;
      try {
        compileData({ rules: [rule("bad", spec)], default_action: "deny" });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EdictError);
      expect((error as EdictError).code).toBe("CONFIG_ERROR");
      expect((error as EdictError).message).toMatch(/^data rule bad \(policies\/data\/bad\.yaml\): /);
    });
  }
});

describe("decideData: the example repository's rules", () => {
  const rules = [
    rule("analysts_read_internal", { match: { dataset: "*", fields: { sensitivity: ["internal", "public"] } }, context: { requester_role: ["analyst", "data_engineer"] }, action: { allow: true } }, 0),
    rule("mask_pii_by_default", { match: { fields: { sensitivity: "pii" } }, action: { mask: true, reason: "personal data is masked by default" }, masking: { default_method: "hash", rules: { email: "partial", ssn: "redact", phone: "truncate" } } }, 1),
    rule("block_cross_region", { match: { fields: { sensitivity: "pii" } }, context: { dataset_region: "EU", requester_region: { not: "EU" } }, action: { deny: true, reason: "EU personal data may not leave the EU (GDPR)" } }, 2),
    rule("financial_after_hours", { match: { dataset: "finance_*", fields: { category: "financial" } }, context: { time: { after: "19:00", before: "07:00", timezone: "America/New_York" } }, action: { require_approval: true, reason: "financial data outside business hours", approver_role: "finance_lead", ttl: "45m" } }, 3),
  ];
  it("the example repository's cross-region request is denied across regions", () => {
    expect(decide(rules, req())).toMatchObject({ action: "deny", policy: "block_cross_region", matched: ["mask_pii_by_default", "block_cross_region"] });
  });
  it("an EU requester gets masked PII", () => {
    const d = decide(rules, req({ requester: { role: "analyst", region: "EU" }, fields: [{ name: "email", sensitivity: "pii" }, { name: "ssn", sensitivity: "pii" }, { name: "city", sensitivity: "internal" }] }));
    expect(d).toMatchObject({ action: "mask", policy: "mask_pii_by_default", masks: { email: "partial", ssn: "redact" } });
    expect(d.matched).toEqual(["analysts_read_internal", "mask_pii_by_default"]);
  });
  it("financial data after hours needs the finance lead", () => {
    const d = decide(rules, req({ dataset: "finance_ledger", fields: [{ name: "balance", category: "financial" }] }), new Date("2024-01-16T02:00:00Z"));
    expect(d).toEqual({
      action: "require_approval",
      policy: "financial_after_hours",
      reason: "financial data outside business hours",
      approver_role: "finance_lead",
      ttl_seconds: 2700,
      matched: ["financial_after_hours"],
    });
  });
});

describe("the evaluator's own lists match the vocabulary", () => {
  // the loader reads the actions and masking methods from these, not from vocabulary.ts
  it("actions, strongest first", () => {
    expect(Object.keys(ACTION_STRENGTH)).toEqual([...DATA_ACTIONS]);
  });
  it("masking methods", () => {
    expect([...MASK_STRICTNESS].sort()).toEqual([...MASKING_METHODS].sort());
  });
});
