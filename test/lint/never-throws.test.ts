import fc from "fast-check";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runLint } from "../../src/lint/engine.js";
import { RULES } from "../../src/lint/registry.js";
import { buildRepository } from "../../src/model/repository.js";

const root = join(import.meta.dirname, "..", "..");
function examples(): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else out.push({ path: rel, text: readFileSync(join(root, rel), "utf8") });
    }
  };
  walk("policies");
  walk("packs");
  out.push({ path: ".edict/packs.yaml", text: readFileSync(join(root, ".edict", "packs.yaml"), "utf8") });
  return out;
}

const files = examples();
const config = readFileSync(join(root, "edict.yaml"));

describe("lint on mutated documents", () => {
  it("never throws, and every finding names a file and a position", () => {
    const mutation = fc.record({
      file: fc.integer({ min: 0, max: files.length - 1 }),
      at: fc.nat(),
      kind: fc.constantFrom("flip", "truncate", "insert", "delete-line", "duplicate-line"),
      byte: fc.integer({ min: 0, max: 255 }),
      text: fc.string({ maxLength: 12 }),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (muts) => {
        const texts: Buffer[] = files.map((f) => Buffer.from(f.text));
        for (const m of muts) {
          const buf = texts[m.file]!;
          const i = buf.length === 0 ? 0 : m.at % buf.length;
          let next: Buffer;
          switch (m.kind) {
            case "flip":
              next = Buffer.from(buf);
              if (next.length) next[i] = m.byte;
              break;
            case "truncate":
              next = buf.subarray(0, i);
              break;
            case "insert":
              next = Buffer.concat([buf.subarray(0, i), Buffer.from(m.text), buf.subarray(i)]);
              break;
            case "delete-line": {
              const lines = buf.toString("latin1").split("\n");
              lines.splice(i % Math.max(1, lines.length), 1);
              next = Buffer.from(lines.join("\n"), "latin1");
              break;
            }
            default: {
              const lines = buf.toString("latin1").split("\n");
              const k = i % Math.max(1, lines.length);
              lines.splice(k, 0, lines[k] ?? "");
              next = Buffer.from(lines.join("\n"), "latin1");
            }
          }
          texts[m.file] = next;
        }
        const repo = buildRepository([{ path: "edict.yaml", bytes: config }, ...files.map((f, k) => ({ path: f.path, bytes: texts[k]! }))]);
        const result = runLint(repo, { rules: RULES });
        for (const f of result.findings) {
          expect(f.rule).not.toBe("internal-error");
          expect(f.file).not.toBe("");
          expect(f.line).toBeGreaterThanOrEqual(1);
          expect(f.column).toBeGreaterThanOrEqual(1);
          expect(f.endLine).toBeGreaterThanOrEqual(f.line);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("leaves Object.prototype untouched", () => {
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});

describe("the example repository", () => {
  it("lints without errors", () => {
    const repo = buildRepository([{ path: "edict.yaml", bytes: config }, ...files.map((f) => ({ path: f.path, bytes: f.text }))]);
    const r = runLint(repo, { rules: RULES });
    expect(r.findings.filter((f) => f.severity === "error")).toEqual([]);
  });
});
