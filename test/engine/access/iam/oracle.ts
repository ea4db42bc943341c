/**
 * Runs one case on both sides: @cloud-copilot/iam-simulate (AGPL-3.0, a devDependency used
 * only here, never shipped) with the statements as the principal's one identity policy, and
 * edict's reference and compiled AccessPolicy evaluators with the same statements. edict's
 * `allow` must be the simulator's `Allowed`, `deny` either of its denials.
 *
 * A comparison also fails when the simulator refuses the input (`resultType: "error"`) or
 * drops a context key (`ignoredContextKeys`): both mean the case left the agreed domain.
 * Plain TypeScript, no test-runner imports: `fuzz/` runs the same oracle.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { EffectiveStatement } from "../../../../src/engine/effective.js";
import { compileAccess, evaluateAccessReference } from "../../../../src/engine/access/index.js";
import type { AccessDecisionKind, AccessPolicy, AccessRequest } from "../../../../src/engine/access/index.js";
import { ACCOUNT, PRINCIPAL, TARGETS } from "./catalog.js";
import { checkDomain } from "./domain.js";
import type { IamCase, IamRequest, IamStatement } from "./generators.js";

export type SimulatorOutcome = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface SimulatorAnswer {
  outcome?: SimulatorOutcome;
  /** The simulator refused the input. */
  error?: string;
  /** Context keys the simulator dropped as unknown to the action. */
  ignoredKeys: string[];
}

/** The default key policy: the account may use the key as its IAM policies say. */
const KEY_POLICY = {
  Version: "2012-10-17",
  Statement: [{ Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }],
};

/** The statements as IAM JSON (single patterns as strings, as people write them). */
export function toIamPolicy(statements: readonly IamStatement[]): { Version: string; Statement: unknown[] } {
  const one = (list: string[] | undefined): string | string[] | undefined => (list !== undefined && list.length === 1 ? list[0] : list);
  return {
    Version: "2012-10-17",
    Statement: statements.map((s) => {
      const out: Record<string, unknown> = {};
      if (s.Sid !== undefined) out.Sid = s.Sid;
      out.Effect = s.Effect;
      if (s.Action !== undefined) out.Action = one(s.Action);
      if (s.NotAction !== undefined) out.NotAction = one(s.NotAction);
      if (s.Resource !== undefined) out.Resource = one(s.Resource);
      if (s.NotResource !== undefined) out.NotResource = one(s.NotResource);
      if (s.Condition !== undefined) out.Condition = s.Condition;
      return out;
    }),
  };
}

export async function simulate(statements: readonly IamStatement[], request: IamRequest): Promise<SimulatorAnswer> {
  const target = TARGETS.find((t) => t.action.toLowerCase() === request.action.toLowerCase() && t.resource === request.resource);
  const result = await runSimulation(
    {
      request: { principal: PRINCIPAL, action: request.action, resource: { resource: request.resource, accountId: ACCOUNT }, contextVariables: request.context },
      identityPolicies: [{ name: "edict-case", policy: toIamPolicy(statements) }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(target?.keyPolicy === true && { resourcePolicy: KEY_POLICY }),
    },
    {},
  );
  if (result.resultType === "error") return { error: JSON.stringify(result.errors), ignoredKeys: [] };
  const ignoredKeys = result.resultType === "single" ? (result.result.ignoredContextKeys ?? []) : result.results.flatMap((r) => r.ignoredContextKeys ?? []);
  return { outcome: result.overallResult, ignoredKeys };
}

export function toAccessPolicy(statements: readonly IamStatement[]): AccessPolicy {
  const Statement: EffectiveStatement[] = statements.map((s) => ({ ...s, source: { policy: "iam-case", file: "iam-case.json" } }));
  return { Statement };
}

export const toAccessRequest = (r: IamRequest): AccessRequest => ({ action: r.action, resource: r.resource, context: r.context });

export interface Comparison {
  /** Position of the request in the case. */
  index: number;
  request: IamRequest;
  simulator: SimulatorAnswer;
  reference: AccessDecisionKind;
  compiled: AccessDecisionKind;
  /** What went wrong, empty when the three answers agree: `reference≠simulator`, `compiled≠simulator`, `simulator-error`, `ignored-key`. */
  problems: string[];
}

export interface CaseResult {
  comparisons: Comparison[];
  /** The comparisons with problems. */
  failures: Comparison[];
  /** Why the case is outside the domain (a generator bug), empty when inside. */
  domainViolations: string[];
}

const agrees = (edict: AccessDecisionKind, sim: SimulatorOutcome): boolean => (edict === "allow") === (sim === "Allowed");

/** Compares every request of the case; the edict policy is compiled once per case. */
export async function compareCase(c: IamCase): Promise<CaseResult> {
  const domain = checkDomain(c);
  const policy = toAccessPolicy(c.statements);
  const engine = compileAccess(policy);
  const comparisons: Comparison[] = [];
  for (const [index, request] of c.requests.entries()) {
    const simulator = await simulate(c.statements, request);
    const edictRequest = toAccessRequest(request);
    const reference = evaluateAccessReference(policy, edictRequest).decision;
    const compiled = engine.authorize(edictRequest).decision;
    const problems: string[] = [];
    if (simulator.error !== undefined) problems.push("simulator-error");
    else if (simulator.ignoredKeys.length > 0) problems.push("ignored-key");
    else {
      if (!agrees(reference, simulator.outcome!)) problems.push("reference≠simulator");
      if (!agrees(compiled, simulator.outcome!)) problems.push("compiled≠simulator");
    }
    comparisons.push({ index, request, simulator, reference, compiled, problems });
  }
  return { comparisons, failures: comparisons.filter((x) => x.problems.length > 0), domainViolations: domain.violations };
}

/** A case restricted to one of its requests, for printing a disagreement. */
export const withRequest = (c: IamCase, request: IamRequest): IamCase => ({ statements: c.statements, requests: [request] });

/** The policy (IAM JSON), the request, the three answers and why the case is in the domain. */
export function describeComparison(c: IamCase, x: Comparison): string {
  const sim = x.simulator.error !== undefined ? `error ${x.simulator.error}` : `${x.simulator.outcome}${x.simulator.ignoredKeys.length > 0 ? ` (ignored keys: ${x.simulator.ignoredKeys.join(", ")})` : ""}`;
  const domain = checkDomain(withRequest(c, x.request));
  return [
    `problems: ${x.problems.join(", ")}`,
    `policy: ${JSON.stringify(toIamPolicy(c.statements), null, 2)}`,
    `request: ${JSON.stringify(x.request, null, 2)}`,
    `iam-simulate: ${sim}`,
    `edict reference: ${x.reference}`,
    `edict compiled: ${x.compiled}`,
    domain.ok ? `in the domain because:\n${domain.reasons.map((r) => `  - ${r}`).join("\n")}` : `OUTSIDE the domain:\n${domain.violations.map((r) => `  - ${r}`).join("\n")}`,
  ].join("\n");
}
