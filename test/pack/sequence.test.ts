import fc from "fast-check";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../../src/cli/main.js";
import type { CliIO } from "../../src/cli/io.js";
import { fileSha256 } from "../../src/pack/index.js";
import { EXAMPLE_ROOT } from "../helpers/example.js";

const PACKS = ["starter", "posture", "ai_safety", "financial_compliance", "hipaa"] as const;

function quietIO(cwd: string): CliIO {
  return { stdout: () => {}, stderr: () => {}, isTTY: false, stderrIsTTY: false, env: {}, cwd };
}

function freshRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "edict-packseq-"));
  writeFileSync(join(dir, "edict.yaml"), "name: seq\nversion: 0.1.0\ntargets:\n  production: { default_action: deny }\n  staging: {}\n");
  cpSync(join(EXAMPLE_ROOT, "packs"), join(dir, "packs"), { recursive: true });
  return dir;
}

/** The state file and the files on disk describe the same installation. */
function assertConsistent(dir: string): void {
  const installedFiles = readdirSync(join(dir, "policies"), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => `policies/${e.name}`).sort();
  let state: { installed_packs?: Record<string, { files: Array<{ path: string; sha256: string }> }> } = {};
  try {
    state = parse(readFileSync(join(dir, ".edict", "packs.yaml"), "utf8")) ?? {};
  } catch {
    state = {};
  }
  const tracked = Object.values(state.installed_packs ?? {}).flatMap((p) => p.files);
  expect(tracked.map((f) => f.path).sort()).toEqual(installedFiles);
  for (const f of tracked) expect(fileSha256(readFileSync(join(dir, f.path))), f.path).toBe(f.sha256);
  // No staging or backup folders are left behind.
  expect(readdirSync(join(dir, ".edict")).filter((n) => n !== "packs.yaml")).toEqual([]);
}

const op = fc.record({
  kind: fc.constantFrom("install", "remove", "upgrade", "bump"),
  pack: fc.constantFrom(...PACKS),
  force: fc.boolean(),
});

describe("pack operations in any order", () => {
  it("keep .edict/packs.yaml consistent with the files on disk", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 7 }), async (ops) => {
        const dir = freshRepo();
        // A first install creates policies/ and .edict/ so the invariant has something to read.
        expect(await runCli(["pack", "install", "starter"], quietIO(dir))).toBe(0);
        for (const o of ops) {
          if (o.kind === "bump") {
            const meta = join(dir, "packs", o.pack, "metadata.yaml");
            const text = readFileSync(meta, "utf8");
            writeFileSync(meta, text.replace(/version: "(\d+)\.(\d+)\.(\d+)"/, (_m, a, b, c) => `version: "${a}.${b}.${Number(c) + 1}"`));
            continue;
          }
          const args = o.kind === "upgrade" ? ["pack", "upgrade", o.pack] : ["pack", o.kind, o.pack];
          if (o.force && o.kind !== "install") args.push("--force");
          const code = await runCli(args, quietIO(dir));
          expect([0, 2]).toContain(code); // refused operations are usage errors, never crashes
          assertConsistent(dir);
        }
      }),
      { numRuns: 12 },
    );
  }, 60_000);
});
