import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

// The loader imports bundle verification; it must run in any runtime with `fetch` and stay tiny
//: no node:*, Buffer, fs, yaml, ajv, simple-git, lint or git code.
const SRC = path.resolve(import.meta.dirname, "../../src");
const ALLOWED_PACKAGES = [/^@noble\/ed25519$/, /^@noble\/hashes\/[a-z0-9]+\.js$/, /^canonicalize$/];

/** Runtime imports only: `import type` is erased and never reaches a bundle. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\bfrom\s+"([^"]+)"/gm)].filter((m) => !m[2]).map((m) => m[3]!);
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

describe.each(["bundle/verify.ts", "bundle/payload.ts"])("the pure module %s", (entry) => {
  const files = reachable(entry);
  const names = [...files].map((f) => path.relative(SRC, f));

  it("never reaches build, git, key files, lint, the YAML reader or the CLI", () => {
    for (const banned of ["bundle/build.ts", "bundle/rebuild.ts", "bundle/key-files.ts", "bundle/version.ts", "model/source.ts", "model/repository.ts"]) {
      expect(names).not.toContain(banned);
    }
    expect(names.filter((n) => n.startsWith("io/"))).toEqual([]);
    expect(names.filter((n) => n.startsWith("lint/") || n.startsWith("cli/") || n.startsWith("model/merge/"))).toEqual([]);
  });

  it("imports only relative files, @noble and canonicalize, and uses no Node-only globals", () => {
    for (const file of files) {
      for (const spec of importsOf(file)) {
        if (spec.startsWith("./") || spec.startsWith("../")) continue;
        expect(ALLOWED_PACKAGES.some((re) => re.test(spec)), `${path.relative(SRC, file)} imports ${spec}`).toBe(true);
      }
      const code = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      expect(code, path.relative(SRC, file)).not.toMatch(/\bBuffer\b|\bprocess\.|\brequire\(|\bimport\(|\batob\b|\bbtoa\b|node:/);
    }
  });
});

describe("verify.ts", () => {
  it("covers the verification chain", () => {
    const names = [...reachable("bundle/verify.ts")].map((f) => path.basename(f));
    for (const name of ["payload.ts", "dsse.ts", "strict-json.ts", "canonical-json.ts", "digest.ts", "keys.ts", "errors.ts"]) expect(names).toContain(name);
  });
});
