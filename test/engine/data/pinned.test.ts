/**
 * Exact outputs of the compiled DataPolicy evaluator that the agreement tests do not pin: key
 * order of decisions, the reasons of malformed requests, the errors of rules that cannot be
 * evaluated, and what odd rule shapes (a signed bundle may carry any JSON) compile to.
 */
import { describe, expect, it } from "vitest";
import { randomDataPolicy, randomDataRequest, randomInstant } from "../../../fuzz/lib/data-gen.js";
import { Rng } from "../../../fuzz/lib/rng.js";
import { compileData, referenceDecideData } from "../../../src/engine/data/index.js";
import type { DataRequest } from "../../../src/engine/data/index.js";
import type { EffectiveData } from "../../../src/engine/effective.js";

const rule = (spec: unknown) => ({ id: "r", precedence: 0, source: { policy: "r", file: "f.yaml" }, spec }) as EffectiveData["rules"][number];

/** What compiling one rule gives: an error's class, code and message, or a decision as JSON (key order kept). */
function outcome(spec: unknown, request: unknown = { dataset: "d", fields: [{ name: "email", sensitivity: "pii" }], requester: {}, environment: "x" }): string {
  let engine;
  try {
    engine = compileData({ rules: [rule(spec)], default_action: "deny" });
  } catch (e) {
    const error = e as Error & { code?: string };
    return error.name === "EdictError" ? `EdictError ${error.code}: ${error.message}` : `throws ${error.constructor.name}`;
  }
  try {
    return JSON.stringify(engine.decideData(request as DataRequest, new Date(0)));
  } catch (e) {
    return `decide throws ${(e as Error).constructor.name}`;
  }
}

describe("compileData: exact decisions", () => {
  it("equal the reference's as JSON, key order included, on seeded random policies", () => {
    const rng = new Rng(0xda7a);
    let cases = 0;
    for (let batch = 0; batch < 400; batch++) {
      const policy = randomDataPolicy(rng);
      let engine;
      try {
        engine = compileData(policy);
      } catch {
        continue;
      }
      for (let i = 0; i < 20; i++) {
        const request = randomDataRequest(rng);
        const now = randomInstant(rng);
        expect(JSON.stringify(engine.decideData(request, now))).toBe(JSON.stringify(referenceDecideData(policy, request, now)));
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(7000);
  });

  it("fields in order: action, policy, reason, matched, ttl_seconds, approver_role, masks", () => {
    const data: EffectiveData = {
      rules: [
        { id: "m", precedence: 1, source: { policy: "m", file: "m.yaml" }, spec: { action: { mask: true, approver_role: "dpo", ttl: "1h30m", reason: "why" }, masking: { rules: { ssn: "nullify" } } } },
        { id: "n", precedence: 0, source: { policy: "n", file: "n.yaml" }, spec: { match: { fields: { any: ["email", "ssn"] } }, action: { mask: true }, masking: { default_method: "hash" } } },
      ],
      default_action: "allow",
    };
    const d = compileData(data).decideData({ dataset: "d", fields: [{ name: "ssn" }, { name: "city" }, { name: "email" }], requester: {} });
    expect(JSON.stringify(d)).toBe(
      '{"action":"mask","policy":"m","reason":"why","matched":["m","n"],"ttl_seconds":5400,"approver_role":"dpo","masks":{"ssn":"nullify","city":"redact","email":"redact"}}',
    );
    const none = compileData({ rules: [], default_action: "allow" }).decideData({ dataset: "d", fields: [], requester: {} });
    expect(JSON.stringify(none)).toBe('{"action":"allow","policy":null,"reason":"no rule matched","matched":[]}');
    expect(Object.isFrozen(none)).toBe(true);
  });
});

describe("compileData: malformed requests, exact reasons", () => {
  const engine = compileData({ rules: [rule({ action: { allow: true } })], default_action: "allow" });
  const cases: Array<[unknown, string, Date?]> = [
    [{ dataset: "d", fields: [] }, "the evaluation time is not a valid Date", new Date(Number.NaN)],
    [{ dataset: "d", fields: [] }, "the evaluation time is not a valid Date", "2024-01-01" as unknown as Date],
    [null, "expected an object"],
    [[], "expected an object"],
    ["x", "expected an object"],
    [{ fields: [] }, "dataset must be a string"],
    [{ dataset: 1, fields: [] }, "dataset must be a string"],
    [{ dataset: "d" }, "fields must be a list"],
    [{ dataset: "d", fields: {} }, "fields must be a list"],
    [{ dataset: "d", fields: [{ name: "a" }, null] }, "fields[1] must be an object with a string name"],
    [{ dataset: "d", fields: [{}] }, "fields[0] must be an object with a string name"],
    [{ dataset: "d", fields: [[]] }, "fields[0] must be an object with a string name"],
    [{ dataset: "d", fields: [{ name: "a", sensitivity: 1 }] }, "fields[0]: sensitivity and category must be strings"],
    [{ dataset: "d", fields: [{ name: "a", category: null }] }, "fields[0]: sensitivity and category must be strings"],
    [{ dataset: "d", fields: [{ name: "a", tags: "t" }] }, "fields[0]: tags must be a list of strings"],
    [{ dataset: "d", fields: [{ name: "a", tags: ["t", 1] }] }, "fields[0]: tags must be a list of strings"],
    [{ dataset: "d", fields: [{ name: "a", tags: null }] }, "fields[0]: tags must be a list of strings"],
    [{ dataset: "d", fields: [], requester: null }, "requester must be an object"],
    [{ dataset: "d", fields: [], requester: ["x"] }, "requester must be an object"],
    [{ dataset: "d", fields: [], requester: { role: 1 } }, "requester role, clearance and region must be strings"],
    [{ dataset: "d", fields: [], requester: { region: null } }, "requester role, clearance and region must be strings"],
    [{ dataset: "d", fields: [], dataset_region: 1 }, "dataset_region and environment must be strings"],
    [{ dataset: "d", fields: [], environment: null }, "dataset_region and environment must be strings"],
    // the first problem in this order is named
    [{ dataset: 1, fields: 1, requester: 1 }, "dataset must be a string"],
    [{ dataset: "d", fields: [{ name: "a", sensitivity: 1, tags: 1 }], requester: 1 }, "fields[0]: sensitivity and category must be strings"],
    [{ dataset: "d", fields: [], requester: 1, environment: 1 }, "requester must be an object"],
  ];
  for (const [request, reason, now] of cases) {
    it(`${JSON.stringify(request)} → ${reason}`, () => {
      const d = engine.decideData(request as DataRequest, now ?? new Date(0));
      expect(JSON.stringify(d)).toBe(JSON.stringify({ action: "deny", policy: null, reason: `malformed request: ${reason}`, matched: [] }));
      expect(referenceDecideData({ rules: [], default_action: "allow" }, request as DataRequest, now ?? new Date(0))).toEqual(d);
    });
  }
  it("well-formed edge cases are decided", () => {
    for (const request of [
      { dataset: "d", fields: [] },
      { dataset: "", fields: [{ name: "", tags: [] }], requester: {}, dataset_region: undefined },
      { dataset: "d", fields: [{ name: "a", sensitivity: undefined, category: "c", tags: ["x"] }], requester: { role: "r", clearance: "c", region: "EU" } },
    ]) {
      expect(engine.decideData(request as unknown as DataRequest, new Date(0)).reason).toBe("matched rule r");
    }
  });
});

describe("compileData: rules that cannot be evaluated, and odd shapes", () => {
  const CONFIG = 'EdictError CONFIG_ERROR: data rule r (f.yaml): ';
  const cases: Array<[unknown, string]> = [
    [undefined, "throws TypeError"],
    [null, "throws TypeError"],
    [{}, `${CONFIG}action must set exactly one of deny, require_approval, mask, allow to true; got none`],
    [{ action: null }, `${CONFIG}action must set exactly one of deny, require_approval, mask, allow to true; got none`],
    [{ action: { deny: "yes" } }, `${CONFIG}action must set exactly one of deny, require_approval, mask, allow to true; got none`],
    [{ action: { allow: true, deny: true, mask: true } }, `${CONFIG}action must set exactly one of deny, require_approval, mask, allow to true; got deny, mask, allow`],
    [{ action: { deny: true }, match: null }, '{"action":"deny","policy":"r","reason":"matched rule r","matched":["r"]}'],
    [{ action: { deny: true }, match: { dataset: 5 } }, '{"action":"deny","policy":null,"reason":"no rule matched","matched":[]}'],
    [{ action: { deny: true }, match: { fields: null } }, '{"action":"deny","policy":"r","reason":"matched rule r","matched":["r"]}'],
    [{ action: { deny: true }, match: { fields: { sensitivity: 5 } } }, "throws TypeError"],
    [{ action: { deny: true }, match: { fields: { sensitivity: [] } } }, '{"action":"deny","policy":null,"reason":"no rule matched","matched":[]}'],
    [{ action: { deny: true }, match: { fields: { all: [] } } }, '{"action":"deny","policy":"r","reason":"matched rule r","matched":["r"]}'],
    [{ action: { deny: true }, match: { fields: { any: "email" } } }, "decide throws TypeError"],
    [{ action: { deny: true }, match: { fields: { contains: "x" } } }, "decide throws TypeError"],
    [{ action: { deny: true }, context: null }, '{"action":"deny","policy":"r","reason":"matched rule r","matched":["r"]}'],
    [{ action: { deny: true }, context: { environment: null } }, `${CONFIG}context.environment: expected a string, a list or {not: …}; got null`],
    [{ action: { deny: true }, context: { requester_role: 5 } }, `${CONFIG}context.requester_role: expected a string, a list or {not: …}; got 5`],
    [{ action: { deny: true }, context: { dataset_region: {} } }, `${CONFIG}context.dataset_region: expected a string, a list or {not: …}; got {}`],
    [{ action: { deny: true }, context: { environment: { not: 5 } } }, "throws TypeError"],
    [{ action: { deny: true }, context: { environment: { not: null } } }, '{"action":"deny","policy":"r","reason":"matched rule r","matched":["r"]}'],
    [{ action: { deny: true }, context: { environment: { not: "x" } } }, '{"action":"deny","policy":null,"reason":"no rule matched","matched":[]}'],
    [{ action: { deny: true }, context: { environment: { not: ["a"], x: 1 } } }, '{"action":"deny","policy":"r","reason":"matched rule r","matched":["r"]}'],
    [{ action: { deny: true }, context: { environment: [] } }, '{"action":"deny","policy":null,"reason":"no rule matched","matched":[]}'],
    [{ action: { deny: true }, context: { requester_region: { not: "EU" } } }, '{"action":"deny","policy":null,"reason":"no rule matched","matched":[]}'],
    [{ action: { deny: true }, context: { time: null } }, "throws TypeError"],
    [{ action: { deny: true }, context: { time: {} } }, '{"action":"deny","policy":"r","reason":"matched rule r","matched":["r"]}'],
    [{ action: { deny: true }, context: { time: { after: 5 } } }, `${CONFIG}context.time: after: bad time 5: expected "HH:MM", 00:00 to 23:59`],
    [{ action: { deny: true }, context: { time: { before: "7:00" } } }, `${CONFIG}context.time: before: bad time "7:00": expected "HH:MM", 00:00 to 23:59`],
    [{ action: { deny: true }, context: { time: { timezone: 5 } } }, `${CONFIG}context.time: bad timezone 5: expected "UTC" or an IANA name like "Europe/Berlin"`],
    [{ action: { deny: true }, context: { time: { timezone: "" } } }, `${CONFIG}context.time: bad timezone "": expected "UTC" or an IANA name like "Europe/Berlin"`],
    [{ action: { deny: true }, context: { time: { after: "10:00", timezone: "+02:00" } } }, `${CONFIG}context.time: bad timezone "+02:00": expected "UTC" or an IANA name like "Europe/Berlin"`],
    [{ action: { deny: true }, context: { time: { after: "10:00", timezone: "Mars/Olympus" } } }, `${CONFIG}context.time: bad timezone "Mars/Olympus": expected "UTC" or an IANA name like "Europe/Berlin"`],
    [{ action: { deny: true }, context: { time: { after: "00:00", timezone: "Asia/Kolkata" } } }, '{"action":"deny","policy":"r","reason":"matched rule r","matched":["r"]}'],
    [{ action: { deny: true }, context: { time: { before: "05:30", timezone: "Asia/Kolkata" } } }, '{"action":"deny","policy":null,"reason":"no rule matched","matched":[]}'],
    // context keys are checked in order, then time, then ttl, then masking
    [{ action: { deny: true, ttl: "x" }, context: { time: { after: "24:00" }, environment: null, requester_role: 1 } }, `${CONFIG}context.requester_role: expected a string, a list or {not: …}; got 1`],
    [{ action: { deny: true, ttl: "x" }, context: { time: { after: "24:00" }, environment: { not: "x" } } }, `${CONFIG}context.time: after: bad time "24:00": expected "HH:MM", 00:00 to 23:59`],
    [{ action: { mask: true, ttl: "x" }, masking: { default_method: "x" } }, `${CONFIG}action.ttl: bad duration "x": expected e.g. "45m" or "1h30m"`],
    [{ action: { deny: true, ttl: 5 } }, `${CONFIG}action.ttl: bad duration 5: expected e.g. "45m" or "1h30m"`],
    [{ action: { deny: true, ttl: "" } }, `${CONFIG}action.ttl: bad duration "": expected e.g. "45m" or "1h30m"`],
    [{ action: { deny: true, ttl: "1.5s" } }, '{"action":"deny","policy":"r","reason":"matched rule r","matched":["r"],"ttl_seconds":1}'],
    [{ action: { deny: true, ttl: "999ms" } }, '{"action":"deny","policy":"r","reason":"matched rule r","matched":["r"],"ttl_seconds":0}'],
    [{ action: { mask: true }, masking: null }, '{"action":"mask","policy":"r","reason":"matched rule r","matched":["r"],"masks":{"email":"redact"}}'],
    [{ action: { mask: true }, masking: { rules: null } }, '{"action":"mask","policy":"r","reason":"matched rule r","matched":["r"],"masks":{"email":"redact"}}'],
    [{ action: { mask: true }, masking: { rules: ["hash"] } }, '{"action":"mask","policy":"r","reason":"matched rule r","matched":["r"],"masks":{"email":"redact"}}'],
    [{ action: { mask: true }, masking: { rules: { a: "hash", b: "nope" }, default_method: "nope2" } }, `${CONFIG}masking.rules.b: unknown method "nope"`],
    [{ action: { mask: true }, masking: { rules: { toString: 1 } } }, `${CONFIG}masking.rules.toString: unknown method 1`],
    [{ action: { mask: true }, masking: { default_method: null } }, `${CONFIG}masking.default_method: unknown method null`],
    [{ action: { mask: true }, masking: { default_method: "constructor" } }, `${CONFIG}masking.default_method: unknown method "constructor"`],
    [{ action: { deny: true }, masking: { default_method: "x" } }, `${CONFIG}masking.default_method: unknown method "x"`],
    [{ action: { deny: true, reason: 5, approver_role: null } }, '{"action":"deny","policy":"r","reason":5,"matched":["r"],"approver_role":null}'],
    [{ action: { require_approval: true, approver_role: "lead", reason: "" } }, '{"action":"require_approval","policy":"r","reason":"","matched":["r"],"approver_role":"lead"}'],
  ];
  for (const [spec, expected] of cases) {
    it(`${JSON.stringify(spec)} → ${expected}`, () => {
      expect(outcome(spec)).toBe(expected);
    });
  }

  it("the first rule that cannot be evaluated is named", () => {
    const bad = (id: string, file: string) => ({ id, precedence: 0, source: { policy: id, file }, spec: { action: {} } }) as unknown as EffectiveData["rules"][number];
    expect(() => compileData({ rules: [rule({ action: { deny: true } }), bad("b1", "b1.yaml"), bad("b2", "b2.yaml")], default_action: "deny" })).toThrow(
      "data rule b1 (b1.yaml): action must set exactly one of deny, require_approval, mask, allow to true; got none",
    );
  });
});
