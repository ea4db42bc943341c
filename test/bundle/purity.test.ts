import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

// The loader imports the pure crypto core; it must run in any runtime with `fetch`.
const SRC = path.resolve(import.meta.dirname, "../../src/bundle");
const ALLOWED_PACKAGES = [/^@noble\/ed25519$/, /^@noble\/hashes\/[a-z0-9]+\.js$/, /^canonicalize$/];

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
  visit(path.join(SRC, entry));
  return seen;
}

describe("the pure crypto core", () => {
  const files = reachable("crypto-index.ts");

  it("covers the verification modules and never reaches key-files.ts", () => {
    const names = [...files].map((f) => path.basename(f));
    for (const name of ["errors.ts", "canonical-json.ts", "digest.ts", "base64.ts", "keys.ts", "dsse.ts", "dsse-checks.ts", "strict-json.ts"]) {
      expect(names).toContain(name);
    }
    expect(names).not.toContain("key-files.ts");
  });

  it("imports only relative files (and the engine's isRecord), @noble and canonicalize, and uses no Node-only globals", () => {
    for (const file of files) {
      for (const spec of importsOf(file)) {
        // the engine and the error base are runtime-neutral too
        if (spec.startsWith("./") || spec === "../engine/record.js" || spec === "../errors.js") continue;
        expect(ALLOWED_PACKAGES.some((re) => re.test(spec)), `${path.basename(file)} imports ${spec}`).toBe(true);
      }
      const code = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      expect(code, path.basename(file)).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(|\bimport\(|\batob\b|\bbtoa\b/);
    }
  });
});
