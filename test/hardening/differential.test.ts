/**
 * The compiled evaluators the loader serves agree with the reference evaluators (issue 10): a
 * short run of the generators `npm run fuzz` uses for a million cases, policies generated once
 * per batch and asked many requests, so state kept between decisions is exercised too.
 */
import { describe, expect, it } from "vitest";
import { randomAccessPolicy, randomAccessRequest } from "../../fuzz/lib/access-gen.js";
import { diffAccess, diffData, stable } from "../../fuzz/lib/differential.js";
import { Rng } from "../../fuzz/lib/rng.js";
import { compileAccess, evaluateAccessReference } from "../../src/engine/access/index.js";

describe("compiled vs reference evaluators (short run; `npm run fuzz` runs ≥ 1,000,000)", () => {
  it("access: zero disagreements, and every kind of decision is reached", () => {
    const r = diffAccess(0x5eed, 60_000);
    expect(r.disagreements.map((d) => stable(d))).toEqual([]);
    expect(r.cases).toBeGreaterThanOrEqual(60_000);
    expect(Object.keys(r.seen).sort()).toEqual(["allow", "approval_required", "deny"]);
    // the generator is not vacuous: a fair share of each
    expect(r.seen.allow! / r.cases).toBeGreaterThan(0.05);
  });

  it("access: more distinct actions than the plan cache holds (4,096), against one compiled policy", () => {
    let seed = 1;
    let policy = randomAccessPolicy(new Rng(seed));
    while (policy.Statement.length < 10) policy = randomAccessPolicy(new Rng(++seed));
    const engine = compileAccess(policy);
    const rng = new Rng(seed);
    const actions = new Set<string>();
    for (let i = 0; i < 12_000; i++) {
      const request = randomAccessRequest(rng, true);
      actions.add(request.action);
      expect(stable(engine.authorize(request)), `request ${i}: ${stable(request)}`).toBe(stable(evaluateAccessReference(policy, request)));
    }
    expect(actions.size).toBeGreaterThan(4096);
  });

  it("data: zero disagreements, and every action is reached", () => {
    const r = diffData(0x5eed, 20_000);
    expect(r.disagreements.map((d) => stable(d))).toEqual([]);
    expect(Object.keys(r.seen).sort()).toEqual(["allow", "deny", "mask", "require_approval"]);
  });
});
