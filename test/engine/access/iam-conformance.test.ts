/**
 * IAM conformance: edict's AccessPolicy evaluators against an independent IAM
 * evaluator, @cloud-copilot/iam-simulate (AGPL-3.0; a devDependency used by tests and fuzz/
 * only, never shipped). Random identity policies over real AWS actions and ARNs (./iam/) are run
 * through the simulator and through BOTH edict evaluators (evaluateAccessReference and
 * compileAccess(...).authorize); `allow` must be the simulator's `Allowed`, `deny` one of its
 * denials. A long run of the same comparison: `npm run fuzz -- --only iam`.
 *
 * Covered: Allow/Deny; Action/NotAction (exact, `Get*`, `*Object`, `?`, `service:*`, `*`,
 * mixed letter case); Resource/NotResource (exact ARNs, `*`, wildcards in resource ids, whole
 * segments as `*`, letter case in ids); every operator family — String(Not)Equals,
 * String(Not)EqualsIgnoreCase, String(Not)Like, Numeric*, Date*, Bool, IpAddress/NotIpAddress
 * (IPv4 and IPv6, several spellings), Arn(Not)Equals/Arn(Not)Like, Null — with `IfExists`,
 * `ForAnyValue:`/`ForAllValues:`, several values per key, several keys and operators per block;
 * requests with and without each key, key names in any letter case, lists (including the empty
 * list) for multi-valued keys.
 *
 * Context keys (the simulator keeps them for every action unless an action is named; it fills
 * none itself in this version, so absent means absent on both sides):
 * - String: aws:PrincipalTag/team, aws:PrincipalTag/cost-center, aws:RequestTag/env,
 *   aws:username, aws:userid, aws:SourceVpc, aws:RequestedRegion, aws:PrincipalAccount,
 *   aws:PrincipalOrgID, aws:CalledViaFirst; s3:prefix (s3:ListBucket),
 *   s3:ExistingObjectTag/classification (s3:GetObject);
 * - multi-valued (lists): aws:TagKeys, aws:PrincipalOrgPaths, aws:CalledVia;
 *   dynamodb:LeadingKeys, dynamodb:Attributes (dynamodb:GetItem/PutItem/Query/DeleteItem);
 * - IP: aws:SourceIp, aws:VpcSourceIp;  Numeric: aws:MultiFactorAuthAge, s3:max-keys
 *   (s3:ListBucket);  Date: aws:CurrentTime, aws:TokenIssueTime (ISO 8601), aws:EpochTime
 *   (epoch seconds);  Bool: aws:SecureTransport, aws:MultiFactorAuthPresent, aws:ViaAWSService;
 *   ARN: aws:SourceArn, aws:PrincipalArn.
 * Any key may be tested with the String operators; the other families only test keys of their
 * type; Null tests any key.
 *
 * Deliberate differences from IAM, kept OUT of the domain (./iam/domain.ts checks each case):
 * 1. a value an operator cannot read (a non-number for Numeric, non-date for Date, non-IP for
 *    IpAddress, non-boolean for Bool, non-ARN for Arn) is an "error" in edict: an Allow does
 *    not apply (like IAM's false) but a Deny does (IAM: it does not) — fail closed;
 * 2. a list of values given to a single-valued operator (no ForAnyValue/ForAllValues) is
 *    likewise an "error" in edict (IAM: false) — so Deny statements test multi-valued keys only
 *    with set operators or Null (Allow statements may: an Allow does not apply either way);
 * 3. resources match as whole strings with `*`/`?` in edict (its resources are `scheme://path`
 *    URIs), segment by segment in IAM — patterns keep partition/service/region/account lower
 *    case, each literal or a whole `*`, wildcards out of the resource type, and every (pattern,
 *    request resource) pair of a case must match the same both ways.
 * Also out, where the simulator departs from IAM: IPv4 `/0`, bare IP addresses as policy values,
 * epoch seconds compared with ISO dates, date-times without an offset, numbers with exponents;
 * and IPv4-mapped IPv6 clients, which edict puts in IPv4 ranges on purpose, the simulator does
 * not, and AWS does not document (details in ./iam/domain.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkDomain,
  compareCase,
  describeComparison,
  iamMixedCaseArb,
  KEYS,
  keyApplies,
  keySpec,
  operatorFamily,
  simulate,
  TARGETS,
  toAccessPolicy,
  toAccessRequest,
  withRequest,
} from "./iam/index.js";
import type { IamCase, IamRequest, IamStatement, SimulatorOutcome } from "./iam/index.js";
import { compileAccess, evaluateAccessReference } from "../../../src/engine/access/index.js";

const SEED = 20_240_601;
const RUNS = 1_400;

/** The three answers for one request. */
async function answers(statements: IamStatement[], request: IamRequest): Promise<{ simulator: SimulatorOutcome | string; reference: string; compiled: string }> {
  const sim = await simulate(statements, request);
  const policy = toAccessPolicy(statements);
  return {
    simulator: sim.outcome ?? `error ${sim.error}`,
    reference: evaluateAccessReference(policy, toAccessRequest(request)).decision,
    compiled: compileAccess(policy).authorize(toAccessRequest(request)).decision,
  };
}

const ALLOW_ALL: IamStatement = { Effect: "Allow", Action: ["*"], Resource: ["*"] };
const GET = (context: Record<string, string | string[]> = {}): IamRequest => ({ action: "s3:GetObject", resource: "arn:aws:s3:::reports/2024/q1.csv", context });
const denyGetWhen = (Condition: IamStatement["Condition"]): IamStatement[] => [
  ALLOW_ALL,
  { Effect: "Deny", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::reports/*"], Condition },
];
const allowGetWhen = (Condition: IamStatement["Condition"]): IamStatement[] => [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: ["*"], Condition }];

describe("AccessPolicy vs an independent IAM evaluator (@cloud-copilot/iam-simulate)", () => {
  it("the simulator accepts every (action, resource) pair of the catalogue and keeps every key sent with it", async () => {
    for (const target of TARGETS) {
      const context: Record<string, string | string[]> = {};
      for (const key of KEYS.filter((k) => keyApplies(k, target.action))) context[key.name] = key.multi ? ["x"] : "1";
      const r = await simulate([ALLOW_ALL], { action: target.action, resource: target.resource, context });
      expect({ target, ...r }).toEqual({ target, outcome: "Allowed", ignoredKeys: [] });
    }
  });

  describe("examples from the IAM User Guide", () => {
    const cases: Array<[string, IamStatement[], IamRequest, "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied"]> = [
      ["Deny when StringNotEquals aws:PrincipalTag/team: ops — no team tag: denied", denyGetWhen({ StringNotEquals: { "aws:PrincipalTag/team": "ops" } }), GET(), "ExplicitlyDenied"],
      ["… team ops: allowed", denyGetWhen({ StringNotEquals: { "aws:PrincipalTag/team": "ops" } }), GET({ "aws:PrincipalTag/team": "ops" }), "Allowed"],
      ["Deny when NotIpAddress aws:SourceIp — no source IP: denied", denyGetWhen({ NotIpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"] } }), GET(), "ExplicitlyDenied"],
      ["… from 2001:DB8::7: allowed", denyGetWhen({ NotIpAddress: { "aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"] } }), GET({ "aws:SourceIp": "2001:DB8::7" }), "Allowed"],
      ["Deny when StringNotLike aws:PrincipalTag/team: ops* — no team tag: denied", denyGetWhen({ StringNotLike: { "aws:PrincipalTag/team": "ops*" } }), GET(), "ExplicitlyDenied"],
      ["Deny when NumericNotEquals aws:MultiFactorAuthAge: 0 — no MFA age: denied", denyGetWhen({ NumericNotEquals: { "aws:MultiFactorAuthAge": "0" } }), GET(), "ExplicitlyDenied"],
      ["Deny when BoolIfExists aws:MultiFactorAuthPresent: false — no MFA key (access keys): denied", denyGetWhen({ BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } }), GET(), "ExplicitlyDenied"],
      ["… with Bool instead: not denied", denyGetWhen({ Bool: { "aws:MultiFactorAuthPresent": "false" } }), GET(), "Allowed"],
      ["… MFA present: allowed", denyGetWhen({ BoolIfExists: { "aws:MultiFactorAuthPresent": "false" } }), GET({ "aws:MultiFactorAuthPresent": "true" }), "Allowed"],
      [
        "Allow when ArnLike aws:SourceArn matches: allowed",
        allowGetWhen({ ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:*" } }),
        GET({ "aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:alerts" }),
        "Allowed",
      ],
      ["… no source ARN: implicitly denied", allowGetWhen({ ArnLike: { "aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:*" } }), GET(), "ImplicitlyDenied"],
      ["Allow when ForAllValues:StringEquals aws:TagKeys — key missing: passes", allowGetWhen({ "ForAllValues:StringEquals": { "aws:TagKeys": ["env", "team"] } }), GET(), "Allowed"],
      ["… an untagged key in the list: fails", allowGetWhen({ "ForAllValues:StringEquals": { "aws:TagKeys": ["env", "team"] } }), GET({ "aws:TagKeys": ["env", "owner"] }), "ImplicitlyDenied"],
      ["Allow when ForAnyValue:StringEquals aws:TagKeys — key missing: fails", allowGetWhen({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["env", "team"] } }), GET(), "ImplicitlyDenied"],
      ["Null aws:PrincipalTag/team: true — tag absent: passes", allowGetWhen({ Null: { "aws:PrincipalTag/team": "true" } }), GET(), "Allowed"],
    ];
    it.each(cases)("%s", async (_name, statements, request, expected) => {
      const c: IamCase = { statements, requests: [request] };
      expect(checkDomain(c).violations).toEqual([]);
      const edict = expected === "Allowed" ? "allow" : "deny";
      expect(await answers(statements, request)).toEqual({ simulator: expected, reference: edict, compiled: edict });
    });
  });

  describe("the deliberate differences are real, and the domain check keeps them out", () => {
    it("1: a Deny whose Numeric condition cannot read the value applies in edict, not in IAM", async () => {
      const statements = denyGetWhen({ NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } });
      const request = GET({ "aws:MultiFactorAuthAge": "soon" });
      expect(checkDomain({ statements, requests: [request] }).violations.join("\n")).toMatch(/not a well-formed Numeric/);
      expect(await answers(statements, request)).toEqual({ simulator: "Allowed", reference: "deny", compiled: "deny" });
    });

    it("2: a Deny with a single-valued operator on a list applies in edict, not in IAM", async () => {
      const statements = denyGetWhen({ StringNotEquals: { "aws:TagKeys": "env" } });
      const request = GET({ "aws:TagKeys": ["team"] });
      expect(checkDomain({ statements, requests: [request] }).violations.join("\n")).toMatch(/single-valued StringNotEquals on the multi-valued key/);
      expect(await answers(statements, request)).toEqual({ simulator: "Allowed", reference: "deny", compiled: "deny" });
    });

    it("3: a `*` that spans ARN segments matches in edict, not in IAM", async () => {
      const statements: IamStatement[] = [{ Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: ["arn:aws:*:*:*:web"] }];
      const request: IamRequest = { action: "logs:PutLogEvents", resource: "arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:web", context: {} };
      expect(checkDomain({ statements, requests: [request] }).violations.join("\n")).toMatch(/difference 3/);
      expect(await answers(statements, request)).toEqual({ simulator: "ImplicitlyDenied", reference: "allow", compiled: "allow" });
    });
  });

  it(`agrees with both edict evaluators on random policies and requests (seed ${SEED}, ${RUNS} cases)`, async () => {
    let comparisons = 0;
    const outcomes = new Set<string>();
    const families = new Set<string>();
    const modifiers = new Set<string>();
    const keysTested = new Set<string>();
    const keysSeen = { present: new Set<string>(), absent: new Set<string>(), emptyList: new Set<string>() };
    const started = performance.now();
    const result = await fc.check(
      fc.asyncProperty(iamMixedCaseArb, async (c) => {
        const domain = checkDomain(c);
        if (!domain.ok) throw new Error(`generated a case outside the domain:\n${domain.violations.join("\n")}`);
        const r = await compareCase(c);
        comparisons += r.comparisons.length;
        for (const x of r.comparisons) if (x.simulator.outcome !== undefined) outcomes.add(x.simulator.outcome);
        for (const s of c.statements) {
          for (const [op, entries] of Object.entries(s.Condition ?? {})) {
            const m = /^(ForAnyValue:|ForAllValues:)?(.*?)(IfExists)?$/.exec(op)!;
            families.add(operatorFamily(m[2]!));
            if (m[1] !== undefined) modifiers.add(m[1]);
            if (m[3] !== undefined) modifiers.add("IfExists");
            for (const k of Object.keys(entries)) {
              const spec = keySpec(k)!;
              keysTested.add(spec.name);
              for (const q of c.requests) {
                if (!keyApplies(spec, q.action)) continue;
                const sent = Object.entries(q.context).find(([name]) => name.toLowerCase() === spec.name.toLowerCase());
                (sent === undefined ? keysSeen.absent : keysSeen.present).add(spec.name);
                if (Array.isArray(sent?.[1]) && sent[1].length === 0) keysSeen.emptyList.add(spec.name);
              }
            }
          }
        }
        return r.failures.length === 0;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const seconds = (performance.now() - started) / 1000;

    if (result.failed) {
      const small = result.counterexample?.[0];
      let message = `property failed: ${String(result.errorInstance ?? "")}`;
      if (small !== undefined) {
        const r = await compareCase(small);
        const first = r.failures[0];
        message = first === undefined ? message : `disagreement (shrunk, seed ${SEED}, path ${result.counterexamplePath}):\n${describeComparison(withRequest(small, first.request), first)}`;
      }
      expect.fail(message);
    }
    // enough comparisons, and the domain really covered
    expect(comparisons).toBeGreaterThanOrEqual(3_000);
    expect([...outcomes].sort()).toEqual(["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"]);
    expect([...families].sort()).toEqual(["Arn", "Bool", "Date", "Ip", "Null", "Numeric", "String"]);
    expect([...modifiers].sort()).toEqual(["ForAllValues:", "ForAnyValue:", "IfExists"]);
    const all = KEYS.map((k) => k.name).sort();
    expect([...keysTested].sort()).toEqual(all);
    expect([...keysSeen.present].sort()).toEqual(all);
    expect([...keysSeen.absent].sort()).toEqual(all);
    expect([...keysSeen.emptyList].sort()).toEqual(KEYS.filter((k) => k.multi).map((k) => k.name).sort());
    expect(seconds).toBeLessThan(60);
    if (process.env.IAM_CONFORMANCE_STATS) console.info(`iam conformance: ${comparisons} comparisons in ${seconds.toFixed(1)} s (${Math.round(comparisons / seconds)}/s)`);
  }, 120_000);
});
