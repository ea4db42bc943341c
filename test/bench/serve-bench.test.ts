/**
 * Smoke test of the serve benchmark section: tiny counts against the real `startServe` and the
 * bare server, both in the forked child, through both load generators. It checks the harness
 * (rows, agreement with the compiled engine, child shutdown), never a timing.
 */
import { describe, expect, it } from "vitest";
import { runServe } from "../../bench/sections/serve.js";

const tiny = { statements: 50, singleRequests: 200, singleConnections: 4, batchSize: 300, batchCalls: 2, batchConnections: 2, rounds: 1, log: () => undefined };

describe("bench serve section", () => {
  it("measures edict serve and the bare server, and every served decision agrees with the engine", async () => {
    const result = await runServe(tiny);
    const details = result.details;
    expect(details.server).toBe("edict serve");
    expect(details.disagreements).toBe(0);
    // warm-up: the first 200 single requests (one pass, capped at the round's count) and 2 batches of 300
    expect(details.checked).toBe(200 + 2 * 300);
    expect(details.cases.map((c) => [c.case, c.server.startsWith("bare") ? "bare" : "edict", c.calls])).toEqual([
      ["single", "edict", 200],
      ["single", "bare", 200],
      ["batch", "edict", 2],
      ["batch", "bare", 2],
    ]);
    for (const c of details.cases) expect(c.decisionsPerSecond).toBeGreaterThan(0);
    const ratios = result.rows.filter((r) => r.case.includes("÷ bare"));
    expect(ratios).toHaveLength(2);
    for (const r of ratios) expect(["met", "missed"]).toContain(r.status);
    expect(result.rows.find((r) => r.case.startsWith("served decisions agree"))?.status).toBe("met");
  }, 60_000);

  it("drives the same exchange with the http.Agent client", async () => {
    const result = await runServe({ ...tiny, singleRequests: 50, batchCalls: 1, client: "agent" });
    expect(result.details.disagreements).toBe(0);
    expect(result.details.cases.every((c) => c.calls > 0)).toBe(true);
  }, 60_000);
});
