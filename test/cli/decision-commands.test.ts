import { mkdtempSync, writeFileSync, mkdirSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyExample } from "../helpers/example.js";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/main.js";
import type { CliIO } from "../../src/cli/io.js";
import { parseContextPairs } from "../../src/cli/commands/eval.js";

const root = join(import.meta.dirname, "..", "..");

function io(cwd = root): CliIO & { out: string; err: string } {
  const o = { out: "", err: "", isTTY: false, stderrIsTTY: false, env: {}, cwd } as unknown as CliIO & { out: string; err: string };
  o.stdout = (t) => void (o.out += t);
  o.stderr = (t) => void (o.err += t);
  return o;
}

describe("edict eval", () => {
  it("answers Sekuire's production template examples", async () => {
    const ask = async (ip: string, action = "db:Select") => {
      const o = io();
      await runCli(["eval", "-t", "production", "-a", action, "-r", "db://production/users", "-c", `source.ip=${ip}`, "--format", "json"], o);
      return JSON.parse(o.out);
    };
    const allowed = await ask("10.0.0.5");
    expect(allowed.decision).toBe("allow");
    expect(allowed.reasons).toEqual([{ policy: "prod_access", file: "policies/access/production.yaml", sid: "AllowReadOnlyFromOffice", effect: "Allow" }]);
    expect((await ask("8.8.8.8")).decision).toBe("deny");
    expect((await ask("10.0.0.5", "db:Delete")).reasons.map((r: { sid: string }) => r.sid)).toContain("DenyDestructive");
  });

  it("reports approval_required with the approver", async () => {
    const o = io();
    await runCli(["eval", "-t", "production", "-a", "db:Update", "-r", "db://production/x", "-c", "principal.role=dba", "--format", "json"], o);
    expect(JSON.parse(o.out)).toMatchObject({ decision: "approval_required", approval: { approverRole: "admin", timeoutSeconds: 1800 } });
  });

  it("checks tools and data requests", async () => {
    const t = io();
    await runCli(["eval", "-t", "production", "--tool", "mcp://vision-mcp/detect", "--format", "json"], t);
    expect(JSON.parse(t.out)).toMatchObject({ allowed: false, enforced: "deny" });
    const d = io();
    await runCli(["eval", "-t", "production", "--format", "json", "--data", JSON.stringify({ dataset: "customers", fields: [{ name: "email", sensitivity: "pii" }], requester: { role: "analyst", region: "US" }, dataset_region: "EU" })], d);
    expect(JSON.parse(d.out)).toMatchObject({ action: "deny", policy: "block_cross_region" });
  });

  it("exits 1 when --expect does not hold and 0 when it does", async () => {
    expect(await runCli(["eval", "-t", "production", "-a", "db:Delete", "-r", "db://x/y", "--expect", "allow"], io())).toBe(1);
    expect(await runCli(["eval", "-t", "production", "-a", "db:Delete", "-r", "db://x/y", "--expect", "deny"], io())).toBe(0);
  });

  it("is a usage error to ask two questions or none", async () => {
    const o = io();
    expect(await runCli(["eval", "-t", "production", "--tool", "mcp://a/b", "-a", "x:y", "-r", "*"], o)).toBe(2);
    expect(o.err).toContain("ask exactly one question");
    expect(await runCli(["eval", "-t", "production"], io())).toBe(2);
  });

  it("parses repeated context keys into multi-valued keys and JSON context", () => {
    expect(parseContextPairs(["a=1", "b=x=y", "a=2"], '{"n": 5, "t": ["p","q"]}')).toEqual({ n: 5, t: ["p", "q"], a: ["1", "2"], b: "x=y" });
    expect(() => parseContextPairs(["novalue"])).toThrow(/key=value/);
  });
});

describe("edict test", () => {
  it("passes the example repository's cases and reports coverage", async () => {
    const o = io();
    expect(await runCli(["test", "--coverage", "--format", "json"], o)).toBe(0);
    const r = JSON.parse(o.out);
    expect(r.summary.failed).toBe(0);
    expect(r.summary.passed).toBeGreaterThanOrEqual(20);
    expect(r.coverage.total).toBeGreaterThan(r.coverage.covered);
    expect(r.coverage.uncovered.length).toBe(r.coverage.total - r.coverage.covered);
  });

  it("fails below --threshold", async () => {
    expect(await runCli(["test", "--threshold", "99"], io())).toBe(1);
  });

  it("shows the deciding statement of a failing case with its file and line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-test-"));
    copyExample(dir);
    mkdirSync(join(dir, "tests"));
    writeFileSync(join(dir, "tests", "t.yaml"), "cases:\n  - name: wrong\n    target: production\n    request: { action: db:Delete, resource: db://production/users }\n    expect: allow\n");
    const o = io(dir);
    expect(await runCli(["test"], o)).toBe(1);
    expect(o.out).toContain("✖ wrong  (tests/t.yaml:2)");
    expect(o.out).toContain("expected allow, got deny");
    expect(o.out).toContain("decided by Deny prod_access/DenyDestructive (policies/access/production.yaml)");
    expect(o.out).toContain("0 passed, 1 failed");
  });

  it("reports malformed cases with positions and exits 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-test-"));
    cpSync(join(root, "edict.yaml"), join(dir, "edict.yaml"));
    mkdirSync(join(dir, "tests"));
    writeFileSync(join(dir, "tests", "t.yaml"), "cases:\n  - name: bad\n    target: production\n    expect: deny\n");
    const o = io(dir);
    expect(await runCli(["test"], o)).toBe(2);
    expect(o.out).toContain('tests/t.yaml:2:5: error case "bad" needs exactly one of request, tool, data');
  });

  it("counts a case with an unknown expect value as a failure, with the value's position", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-test-"));
    cpSync(join(root, "edict.yaml"), join(dir, "edict.yaml"));
    mkdirSync(join(dir, "tests"));
    writeFileSync(join(dir, "tests", "t.yaml"), "cases:\n  - name: bad\n    target: production\n    expect: maybe\n    tool: mcp://a/b\n");
    const o = io(dir);
    expect(await runCli(["test"], o)).toBe(1);
    expect(o.out).toContain('expected maybe, got error: tests/t.yaml:4:13: expect "maybe" is not one of allow, deny');
    expect(o.out).toContain("0 passed, 1 failed");
  });
});

describe("edict check-agent", () => {
  it("accepts a compliant agent and lists what needs approval", async () => {
    const o = io();
    expect(await runCli(["check-agent", "agents/support-bot.yaml", "-t", "production"], o)).toBe(0);
    expect(o.out).toContain("agents/support-bot.yaml:9:5: needs approval: action api:Put on https://tickets.acme.example/api/tickets/1");
    expect(o.out).toContain("✔ support-bot: everything it declares is allowed in production");
  });

  it("refuses a non-compliant agent with every refusal and its position", async () => {
    const o = io();
    expect(await runCli(["check-agent", "agents/ops-bot.yaml", "-t", "production", "--format", "json"], o)).toBe(1);
    const r = JSON.parse(o.out);
    expect(r.ok).toBe(false);
    expect(r.findings.filter((f: { decision: string }) => f.decision === "deny").map((f: { item: string; line: number }) => `${f.line} ${f.item}`)).toEqual([
      "4 model openai/gpt-3.5-turbo",
      "5 tool shell_exec",
      "7 mcp tool mcp://vision-mcp/detect",
      "9 action db:Delete on db://production/orders",
    ]);
  });

  it("exits 2 on a missing manifest", async () => {
    const o = io();
    expect(await runCli(["check-agent", "agents/nope.yaml", "-t", "production"], o)).toBe(2);
    expect(o.err).toContain("cannot read agent manifest agents/nope.yaml");
  });

  /** The example repository with one more agent manifest. */
  function withAgent(text: string): string {
    const dir = mkdtempSync(join(tmpdir(), "edict-agent-"));
    copyExample(dir);
    mkdirSync(join(dir, "agents"));
    writeFileSync(join(dir, "agents", "bot.yaml"), text);
    return dir;
  }

  it("fails a manifest with misspelled keys, with positions and did-you-mean as in lint, instead of passing it", async () => {
    const dir = withAgent("name: typo-bot\nmodel:\n  - { provider: anthropic, model: claude-sonnet-4 }\ntool: [shell_exec]\n");
    const o = io(dir);
    expect(await runCli(["check-agent", "agents/bot.yaml", "-t", "production"], o)).toBe(2);
    expect(o.out).toBe(
      [
        'agents/bot.yaml:2:1: error unknown key "model"; did you mean "models"?  unknown-key',
        "    help: known keys here: name, models, tools, mcp_tools, actions",
        'agents/bot.yaml:4:1: error unknown key "tool"; did you mean "tools"?  unknown-key',
        "    help: known keys here: name, models, tools, mcp_tools, actions",
        "✖ typo-bot: the manifest has 2 errors; fix them and check again",
        "",
      ].join("\n"),
    );
    const json = io(dir);
    expect(await runCli(["check-agent", "agents/bot.yaml", "-t", "production", "--format", "json"], json)).toBe(2);
    const r = JSON.parse(json.out);
    expect(r.ok).toBe(false);
    expect(r.problems.map((p: { line: number; column: number; code: string }) => `${p.line}:${p.column} ${p.code}`)).toEqual(["2:1 unknown-key", "4:1 unknown-key"]);
  });

  it("does not pass an empty manifest or one that declares nothing", async () => {
    for (const text of ["", "name: idle-bot\n", "name: idle-bot\nmodels: []\n"]) {
      const o = io(withAgent(text));
      expect(await runCli(["check-agent", "agents/bot.yaml", "-t", "production"], o)).toBe(2);
      expect(o.out).not.toContain("✔");
      expect(o.out).toMatch(/agents\/bot\.yaml:1:1: error (file is empty|the manifest declares nothing to check)/);
    }
  });

  it("hints at an action that is not service:Action and still refuses it", async () => {
    const o = io(withAgent("name: hint-bot\nactions:\n  - { action: db-Select, resource: db://production/users }\n"));
    expect(await runCli(["check-agent", "agents/bot.yaml", "-t", "production"], o)).toBe(1);
    expect(o.out).toContain("agents/bot.yaml:3:5: refused: action db-Select on db://production/users");
    expect(o.out).toContain('    hint: "db-Select" is not an action of the form service:Action (did you mean "db:Select"?); the services the statements of production name: ');
    expect(o.out).toContain("✖ hint-bot: 1 of 1 declarations refused in production");
  });

  it("names the request and the allow list that refuses a model", async () => {
    const o = io(withAgent("name: model-bot\nmodels:\n  - { provider: anthropic, model: claude-x }\n"));
    expect(await runCli(["check-agent", "agents/bot.yaml", "-t", "production"], o)).toBe(1);
    expect(o.out).toContain(
      "    model:Invoke model://anthropic/claude-x: anthropic/claude-x is not in Models.AllowedModels of workspace_models (policies/access/workspace-models.yaml), which lists gpt-4o, claude-sonnet-4; add it there to allow it",
    );
  });
});

describe("a model no statement allows", () => {
  /** A repository whose only policy allows reads: no Models allow list anywhere. */
  function noModels(): string {
    const dir = mkdtempSync(join(tmpdir(), "edict-models-"));
    mkdirSync(join(dir, "policies"));
    mkdirSync(join(dir, "agents"));
    writeFileSync(join(dir, "edict.yaml"), "name: acme\nversion: 0.1.0\ntargets:\n  production: { default_action: deny }\n");
    writeFileSync(
      join(dir, "policies", "reads.yaml"),
      'apiVersion: edict/v1\nkind: AccessPolicy\nmetadata:\n  id: reads\n  priority: 100\nspec:\n  Version: "2024-12-02"\n  Statement:\n    - { Sid: Reads, Effect: Allow, Action: db:Select, Resource: "*" }\n',
    );
    writeFileSync(join(dir, "agents", "bot.yaml"), "name: model-bot\nmodels:\n  - { provider: anthropic, model: claude-x }\n");
    return dir;
  }
  const advice =
    'no policy of production allows any model: add "anthropic/claude-x" to Models.AllowedModels (or its provider to Models.AllowedProviders) of an AccessPolicy, or add a statement that allows model:Invoke on model://anthropic/claude-x';

  it("is explained by check-agent with the request and where to allow it", async () => {
    const o = io(noModels());
    expect(await runCli(["check-agent", "agents/bot.yaml", "-t", "production"], o)).toBe(1);
    expect(o.out).toContain(["agents/bot.yaml:3:5: refused: model anthropic/claude-x", "    no statement allows model:Invoke model://anthropic/claude-x (implicit deny)", `    ${advice}`].join("\n"));
    expect(o.out).not.toContain("no statement allows it");
  });

  it("is explained by edict eval the same way, with the decision unchanged", async () => {
    const dir = noModels();
    const o = io(dir);
    expect(await runCli(["eval", "-t", "production", "-a", "model:Invoke", "-r", "model://anthropic/claude-x"], o)).toBe(0);
    expect(o.out).toBe(["deny", "  no statement allows model:Invoke model://anthropic/claude-x (implicit deny)", `  ${advice}`, ""].join("\n"));
    const json = io(dir);
    await runCli(["eval", "-t", "production", "-a", "model:Invoke", "-r", "model://anthropic/claude-x", "--format", "json"], json);
    expect(JSON.parse(json.out)).toEqual({ decision: "deny", reasons: [] });
  });
});

describe("edict eval --bundle", () => {
  it("answers from a verified bundle and refuses one signed by an untrusted key", async () => {
    const { execFileSync } = await import("node:child_process");
    const dir = mkdtempSync(join(tmpdir(), "edict-evalb-"));
    copyExample(dir);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@e", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@e" } });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "init");
    expect(await runCli(["keygen", "--out", "signer"], io(dir))).toBe(0);
    expect(await runCli(["keygen", "--out", "stranger"], io(dir))).toBe(0);
    const built = io(dir);
    expect(await runCli(["bundle", "build", "--key", "signer.key", "--out", "out", "--allow-dirty"], built)).toBe(0);
    const asked = io(dir);
    const args = ["eval", "--bundle", "out/acme-policies.bundle.json", "-t", "production", "-a", "db:Select", "-r", "db://production/users", "-c", "source.ip=10.0.0.5", "--format", "json"];
    expect(await runCli([...args, "--key", "signer.pub"], asked)).toBe(0);
    expect(JSON.parse(asked.out).decision).toBe("allow");
    const refused = io(dir);
    expect(await runCli([...args, "--key", "stranger.pub"], refused)).toBe(1);
    expect(refused.err).toContain("UNTRUSTED_KEY");
    expect(await runCli(["eval", "--bundle", "out/acme-policies.bundle.json", "-t", "production", "-a", "a:b", "-r", "*"], io(dir))).toBe(2);
  });
});
