/**
 * The `npm run fuzz` machinery itself: a short run in worker threads reports its counts, and a
 * failure is shrunk to a minimal reproduction and written where `--replay` reads it back.
 */
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shrink } from "../../fuzz/lib/shrink.js";
import { checkFiles } from "../../fuzz/lib/lint-case.js";
import type { CaseFiles } from "../../fuzz/lib/lint-case.js";
import { parseArgs, runFuzz, writeLintFailure } from "../../fuzz/run.js";

const enc = new TextEncoder();
const dec = new TextDecoder();

describe("fuzz/run.ts", () => {
  it("defaults to ≥ 100,000 lint cases, ≥ 1,000,000 access and ≥ 100,000 data cases; --cases N sets the lint count", () => {
    const d = parseArgs([]);
    expect(d.cases).toBeGreaterThanOrEqual(100_000);
    expect(d.access).toBeGreaterThanOrEqual(1_000_000);
    expect(d.data).toBeGreaterThanOrEqual(100_000);
    expect(d.diff).toBeGreaterThanOrEqual(100_000);
    expect(d.iam).toBeGreaterThanOrEqual(100_000);
    expect(d.only).toEqual(new Set(["lint", "access", "data", "diff", "iam"]));
    expect(parseArgs(["--cases", "42", "--seed", "7", "--only", "lint"])).toMatchObject({ cases: 42, seed: 7, only: new Set(["lint"]) });
    expect(() => parseArgs(["--cases", "many"])).toThrow(/non-negative number/);
  });

  it("a short run in worker threads prints case counts and times, and finds nothing", async () => {
    const lines: string[] = [];
    const failuresDir = mkdtempSync(join(tmpdir(), "edict-fuzz-failures-"));
    const summary = await runFuzz({ ...parseArgs(["--cases", "60", "--access", "3000", "--data", "1000", "--diff", "0", "--iam", "0", "--seed", "99", "--workers", "1"]), failuresDir, log: (l) => lines.push(l) });
    expect(summary, lines.join("\n")).toMatchObject({ ok: true, lint: { cases: 60, failures: [] }, access: { disagreements: 0 }, data: { disagreements: 0 } });
    expect(summary.access!.cases).toBeGreaterThanOrEqual(3000);
    expect(lines.join("\n")).toMatch(/lint\/loading: 60 cases in [\d.]+ s/);
    expect(lines.join("\n")).toMatch(/access compiled vs reference: [\d,]+ cases, [\d,]+ policies, [\d.]+ s; 0 disagreement/);
    expect(readdirSync(failuresDir)).toEqual([]);
  }, 30_000);

  it("the diff campaign (semantic diff vs brute force) reports counts per kind and writes each failing category's first case", async () => {
    const lines: string[] = [];
    const failuresDir = mkdtempSync(join(tmpdir(), "edict-fuzz-diff-"));
    const summary = await runFuzz({ ...parseArgs(["--only", "diff", "--diff", "40", "--seed", "5", "--workers", "1", "--shrink-ms", "2000"]), failuresDir, log: (l) => lines.push(l) });
    const out = lines.join("\n");
    expect(summary.diff, out).toMatchObject({ cases: 40 });
    expect(out).toMatch(/diff vs brute force: 40 cases \((access|data|runtime) [\d,]+.*\), [\d,]+ requests evaluated, [\d.]+ s; \d+ failing categor/);
    // whatever the engine gets wrong today, every failing category has a replayable case
    const failing = Object.keys(summary.diff!.problems).filter((k) => !k.endsWith("/over-approximation"));
    expect(summary.ok).toBe(failing.length === 0);
    expect(summary.diff!.files.length).toBe(failing.length);
    for (const file of summary.diff!.files) {
      const json = JSON.parse(readFileSync(file, "utf8"));
      expect(json).toMatchObject({ campaign: "diff", replay: expect.stringContaining("--replay"), case: { kind: expect.any(String), base: expect.anything(), head: expect.anything() } });
    }
  }, 60_000);

  it("the iam campaign (edict vs iam-simulate) makes exactly the comparisons asked for and reports the simulator's answers", async () => {
    const lines: string[] = [];
    const failuresDir = mkdtempSync(join(tmpdir(), "edict-fuzz-iam-"));
    const summary = await runFuzz({ ...parseArgs(["--only", "iam", "--iam", "300", "--seed", "5", "--workers", "1", "--shrink-ms", "2000"]), failuresDir, log: (l) => lines.push(l) });
    const out = lines.join("\n");
    expect(summary, out).toMatchObject({ ok: true, iam: { comparisons: 300, disagreements: 0, files: [] } });
    expect(out).toMatch(/iam vs iam-simulate: 300 comparisons \([\d,]+ policies; Allowed [\d,]+, ExplicitlyDenied [\d,]+, ImplicitlyDenied [\d,]+\), [\d.]+ s, [\d,]+\/s; 0 disagreement/);
    expect(readdirSync(failuresDir)).toEqual([]);
  }, 60_000);

  it("shrinks a failing case to the bytes that matter and writes a replayable reproduction", () => {
    const big = enc.encode(`${"filler line\n".repeat(200)}kind: AccessPolicy BOOM\n${"more\n".repeat(100)}`);
    const files: CaseFiles = {
      repository: [
        { path: "edict.yaml", bytes: enc.encode("name: acme\ntargets: { production: {} }\n") },
        { path: "policies/a.yaml", bytes: big },
        { path: "policies/b.yaml", bytes: enc.encode("x: 1\n") },
      ],
      suites: [{ path: "tests/a.yaml", bytes: enc.encode("cases: []\n") }],
    };
    const fails = (f: CaseFiles) => f.repository.some((x) => dec.decode(x.bytes).includes("BOOM"));
    const small = shrink(files, fails, { checks: 5000, ms: 10_000 });
    expect(small.suites).toEqual([]);
    expect(small.repository.map((f) => [f.path, dec.decode(f.bytes)])).toEqual([["policies/a.yaml", "BOOM"]]);

    const dir = mkdtempSync(join(tmpdir(), "edict-fuzz-write-"));
    const file = writeLintFailure(dir, "lint-example-1", { problem: { kind: "example", detail: "BOOM" }, seed: 1, files: small });
    const json = JSON.parse(readFileSync(file, "utf8"));
    expect(json).toMatchObject({ kind: "example", seed: 1, replay: expect.stringContaining("--replay") });
    expect(Buffer.from(json.repository[0].base64, "base64").toString()).toBe("BOOM");
    expect(readFileSync(join(dir, "lint-example-1", "policies", "a.yaml"), "utf8")).toBe("BOOM");
    // what was written checks like the original
    expect(checkFiles({ repository: [{ path: "policies/a.yaml", bytes: enc.encode("BOOM") }], suites: [] })).toEqual([]);
  });
});
