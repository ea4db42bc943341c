import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseQuestion } from "../../src/cli/commands/eval.js";
import type { CliIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";
import { compileEngine } from "../../src/engine/engine.js";
import { readRepository } from "../../src/io/read-repository.js";
import { buildTarget } from "../../src/model/merge/index.js";

const root = join(import.meta.dirname, "..", "..");

async function run(argv: string[], cwd = root): Promise<{ code: number; out: string; err: string }> {
  const o = { out: "", err: "", isTTY: false, stderrIsTTY: false, env: {}, cwd } as unknown as CliIO & { out: string; err: string };
  o.stdout = (t) => void (o.out += t);
  o.stderr = (t) => void (o.err += t);
  const code = await runCli(argv, o);
  return { code, out: o.out, err: o.err };
}

const base = ["eval", "-t", "production"];

describe("edict eval: malformed input is a usage error showing the expected form", () => {
  it("a tool that is not an mcp:// URI exits 2 instead of answering deny", async () => {
    const r = await run([...base, "--tool", "vision-mcp/detect"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe('edict: --tool expects mcp://SERVER/TOOL[@VERSION], e.g. mcp://vision-mcp/detect@1.2.0; got "vision-mcp/detect"\n');
    for (const bad of ["mcp://vision-mcp", "mcp:///detect", "mcp://vision-mcp/detect@", "mcp://a/b@1@2", "mcp://vision-mcp/*", "mcp://vision mcp/detect"]) {
      const b = await run([...base, "--tool", bad, "--format", "json"]);
      expect(b.code, bad).toBe(2);
      expect(b.err).toContain("--tool expects mcp://SERVER/TOOL[@VERSION]");
    }
  });

  it("a well-formed tool URI is still answered, and the engine's own fail-closed deny is unchanged", async () => {
    const r = await run([...base, "--tool", "mcp://vision-mcp/detect", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ allowed: false, enforced: "deny" });
    // the runtime engine, given a malformed URI directly, still denies it (fail closed)
    const engine = compileEngine(buildTarget(await readRepository(root), "production").effective);
    expect(engine.checkTool("vision-mcp/detect")).toMatchObject({ allowed: false, violations: [{ code: "tool_not_in_allowlist", blocking: true }] });
  });

  it("an action without service: or with wildcards, and a resource that is not scheme://path", async () => {
    const noService = await run([...base, "-a", "Select", "-r", "db://production/users"]);
    expect(noService.code).toBe(2);
    expect(noService.err).toBe('edict: --action expects SERVICE:ACTION, e.g. db:Select; got "Select" (action "Select" has no service: expected service:Action or *)\n');
    const wildcard = await run([...base, "-a", "db:*", "-r", "db://production/users"]);
    expect(wildcard.code).toBe(2);
    expect(wildcard.err).toContain("a request names one action; wildcards belong in policies");
    const resource = await run([...base, "-a", "db:Select", "-r", "production/users"]);
    expect(resource.code).toBe(2);
    expect(resource.err).toBe('edict: --resource expects SCHEME://PATH or *, e.g. db://production/users; got "production/users" (resource "production/users" is not scheme://path or *)\n');
    expect((await run([...base, "-a", "db:Select"])).err).toContain("--action needs --resource SCHEME://PATH or *");
    expect((await run([...base, "-r", "db://x/y"])).err).toContain("--resource needs --action SERVICE:ACTION");
  });

  it("bad context: not key=value, not JSON, not an object, or given without an access request", async () => {
    const ask = [...base, "-a", "db:Select", "-r", "db://production/users"];
    expect((await run([...ask, "-c", "source.ip"])).err).toContain('--context takes key=value, got "source.ip"');
    const json = await run([...ask, "--context-json", "{source.ip: 1}"]);
    expect(json.code).toBe(2);
    expect(json.err).toContain("--context-json is not valid JSON");
    expect((await run([...ask, "--context-json", "[1]"])).err).toContain("--context-json must be a JSON object");
    const stray = await run([...base, "--tool", "mcp://vision-mcp/detect@1.2.0", "-c", "a=b"]);
    expect(stray.code).toBe(2);
    expect(stray.err).toContain("--context and --context-json belong to an access request");
  });

  it("a data request that is not JSON or not a request", async () => {
    const notJson = await run([...base, "--data", "{dataset: customers}"]);
    expect(notJson.code).toBe(2);
    expect(notJson.err).toMatch(/^edict: --data expects a JSON object like \{"dataset": "customers", "fields": \[.*; got "\{dataset: customers\}" \(not valid JSON: /);
    const noFields = await run([...base, "--data", '{"dataset": "customers"}']);
    expect(noFields.code).toBe(2);
    expect(noFields.out).toBe("");
    expect(noFields.err).toContain("(fields must be a list)");
    // well-formed: answered as before
    const ok = await run([...base, "--format", "json", "--data", JSON.stringify({ dataset: "customers", fields: [{ name: "email", sensitivity: "pii" }], requester: { role: "analyst", region: "US" }, dataset_region: "EU" })]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ action: "deny", policy: "block_cross_region" });
  });

  it("checks the question before reading any policy", async () => {
    const empty = mkdtempSync(join(tmpdir(), "edict-eval-empty-"));
    const r = await run([...base, "--tool", "vision-mcp/detect"], empty);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--tool expects");
    expect(r.err).not.toContain("no policy repository");
  });

  it("parseQuestion returns the checked question", () => {
    expect(parseQuestion({ action: "db:Select", resource: "*", context: ["a=1"] })).toEqual({ kind: "access", request: { action: "db:Select", resource: "*", context: { a: "1" } } });
    expect(parseQuestion({ tool: "MCP://s/t@1", context: [] })).toEqual({ kind: "tool", uri: "MCP://s/t@1" });
    expect(() => parseQuestion({ context: [] })).toThrow(/ask exactly one question/);
  });
});

describe("edict eval -C/--root", () => {
  it("answers from the repository -C names, and from the nearest one upward without it", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "edict-eval-elsewhere-"));
    const ask = [...base, "-a", "db:Select", "-r", "db://production/users", "-c", "source.ip=10.0.0.5"];
    const given = await run([...ask, "-C", root], elsewhere);
    expect(given.code, given.err).toBe(0);
    expect(given.out).toMatch(/^allow\n/);
    const found = await run(ask, join(root, "policies", "access"));
    expect(found.code, found.err).toBe(0);
    expect(found.out).toBe(given.out);
  });
});
