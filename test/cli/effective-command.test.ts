import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isAlias, parse, parseAllDocuments, visit } from "yaml";
import { toEffectiveYaml } from "../../src/cli/commands/effective.js";
import type { CliIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";
import { readRepository } from "../../src/io/read-repository.js";
import { buildTarget } from "../../src/model/merge/index.js";

const root = join(import.meta.dirname, "..", "..");

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = { out: "", err: "", isTTY: false, stderrIsTTY: false, env: {}, cwd: root } as unknown as CliIO & { out: string; err: string };
  o.stdout = (t) => void (o.out += t);
  o.stderr = (t) => void (o.err += t);
  const code = await runCli(argv, o);
  return { code, out: o.out, err: o.err };
}

/**
 * The effective policy the merge builds, as plain data (what any reader of the output must get
 * back), with the access Version every access policy of the example declares.
 */
async function expected(target: string): Promise<Record<string, unknown>> {
  const t = buildTarget(await readRepository(root), target);
  const doc = { target, ...t.effective, access: { Version: "2024-12-02", ...t.effective.access }, provenance: t.provenance };
  return JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
}

describe("edict effective", () => {
  it("prints plain YAML without anchors or aliases that parses back to the complete effective policy, Version included", async () => {
    for (const target of ["production", "staging", "development"]) {
      const r = await run(["effective", "-t", target]);
      expect(r.code, r.err).toBe(0);
      const docs = parseAllDocuments(r.out);
      expect(docs).toHaveLength(1);
      expect(docs[0]!.errors).toEqual([]);
      // the example's statements share one `source` object per document: each is written out in full
      let anchors = 0;
      let aliases = 0;
      visit(docs[0]!, {
        Node(_, node) {
          if (isAlias(node)) aliases++;
          else if (node.anchor !== undefined) anchors++;
        },
      });
      expect({ anchors, aliases }).toEqual({ anchors: 0, aliases: 0 });
      expect(r.out).not.toMatch(/[&*]a\d+\n/);
      const printed = parse(r.out) as { access: { Version?: string; Statement: unknown[] } };
      expect(printed).toEqual(await expected(target));
      expect(printed.access.Version).toBe("2024-12-02");
    }
  });

  it("the YAML reads the same with a YAML 1.1 parser: dates, times and yes/no stay strings", async () => {
    const r = await run(["effective", "-t", "production"]);
    expect(r.out).toContain('  Version: "2024-12-02"\n');
    expect(parse(r.out, { version: "1.1" })).toEqual(parse(r.out));
    expect(parse(r.out, { version: "1.1" })).toEqual(await expected("production"));
  });

  it("JSON carries the same document, Version included", async () => {
    const r = await run(["effective", "-t", "production", "--format", "json"]);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out) as { access: Record<string, unknown> };
    expect(printed).toEqual(await expected("production"));
    expect(Object.keys(printed.access)[0]).toBe("Version");
    expect(printed.access.Version).toBe("2024-12-02");
  });

  it("writes shared objects out in full and quotes strings other YAML readers would retype", () => {
    const source = { policy: "p", file: "policies/p.yaml" };
    const text = toEffectiveYaml({ a: [{ source }, { source }], when: { after: "19:00", on: "yes", v: "2024-12-02", mode: "0755", plain: "db:Select" } });
    expect(text).not.toMatch(/[&*]a\d/);
    expect(text).toContain('after: "19:00"');
    expect(text).toContain('"on": "yes"'); // keys too: `on` is a boolean to YAML 1.1
    expect(text).toContain('v: "2024-12-02"');
    expect(text).toContain('mode: "0755"');
    expect(text).toContain("plain: db:Select");
    expect(parse(text, { version: "1.1" })).toEqual({ a: [{ source }, { source }], when: { after: "19:00", on: "yes", v: "2024-12-02", mode: "0755", plain: "db:Select" } });
  });
});
