import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

// The runtime loader compiles these evaluators; they must run in any runtime with `fetch` (SPEC §8):
// no packages, no Node-only APIs, nothing from lint, YAML or schemas.
const EVAL = path.resolve(import.meta.dirname, "../../../../src/policy/eval");
const ENTRIES = ["runtime", "scan", "data", "posture"].map((m) => path.join(EVAL, m, "index.ts"));

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm)].map((m) => m[1]!);
}

function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith(".")) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts")));
    }
  };
  visit(entry);
  return seen;
}

describe("the runtime, scan, data and posture evaluators are loader-safe", () => {
  for (const entry of ENTRIES) {
    const files = reachable(entry);
    it(`${path.relative(EVAL, entry)} imports only relative files and no Node-only globals`, () => {
      for (const file of files) {
        expect(fs.existsSync(file), file).toBe(true);
        for (const spec of importsOf(file)) expect(spec.startsWith("."), `${path.basename(file)} imports ${spec}`).toBe(true);
        const rel = path.relative(path.resolve(EVAL, "../.."), file);
        expect(rel, "reaches outside policy evaluation").not.toMatch(/^(lint|cli|pack|action|bundle)\/|policy\/(schemas|merge|source|repository|read-repository)/);
        const code = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
        expect(code, path.basename(file)).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(|\bimport\(|\bnode:/);
      }
    });
  }
});
