import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

// src/engine is what the loader, `edict serve` and the report page ship: everything
// `compileEngine` reaches must stay inside it (and the shared error base), import no package, and
// use no Node-only API, so it runs in any runtime with `fetch`.
const SRC = path.resolve(import.meta.dirname, "../../src");
const ENGINE = path.join(SRC, "engine");
const ENTRIES = ["engine.ts", "index.ts", "access/index.ts", "runtime/index.ts", "scan/index.ts", "data/index.ts", "posture/index.ts", "match/index.ts"].map((m) => path.join(ENGINE, m));

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

describe("src/engine is self-contained and runtime-neutral", () => {
  for (const entry of ENTRIES) {
    it(`${path.relative(ENGINE, entry)} reaches only src/engine and src/errors.ts, imports no package and no Node-only API`, () => {
      for (const file of reachable(entry)) {
        expect(fs.existsSync(file), file).toBe(true);
        for (const spec of importsOf(file)) expect(spec.startsWith("."), `${path.relative(SRC, file)} imports ${spec}`).toBe(true);
        const rel = path.relative(SRC, file);
        expect(rel === "errors.ts" || rel.startsWith("engine/"), `${rel} is outside src/engine`).toBe(true);
        const code = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
        expect(code, rel).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(|\bimport\(|["'`]node:/);
      }
    });
  }
});
