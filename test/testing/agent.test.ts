import { describe, expect, it } from "vitest";
import { compileEngine } from "../../src/engine/engine.js";
import { buildTarget } from "../../src/model/merge/index.js";
import { parseSource } from "../../src/model/source.js";
import { checkAgent } from "../../src/testing/agent.js";
import { validateManifest } from "../../src/testing/agent-manifest.js";
import { lint, repoOf, accessPolicy } from "../helpers/repo.js";

const POLICY = accessPolicy(`  Models:
    AllowedModels: [anthropic/claude-sonnet-4]
  Capabilities:
    AllowedTools: [web_search]
`);

function engineOf(files: Record<string, string>) {
  const effective = buildTarget(repoOf(files), "production").effective;
  return { engine: compileEngine(effective), access: effective.access };
}

const problems = (text: string) => validateManifest(parseSource("agent.yaml", text)).map((p) => `${p.line}:${p.column} ${p.code} ${p.message}`);

describe("agent manifest validation", () => {
  it("makes a misspelled key an error at the key with the nearest known key, like lint", () => {
    const text = "name: typo-bot\nmodel:\n  - { provider: anthropic, model: claude-sonnet-4 }\ntool: [shell_exec]\n";
    const found = validateManifest(parseSource("agent.yaml", text));
    expect(found.map((p) => `${p.line}:${p.column} ${p.code} ${p.message}`)).toEqual([
      '2:1 unknown-key unknown key "model"; did you mean "models"?',
      '4:1 unknown-key unknown key "tool"; did you mean "tools"?',
    ]);
    expect(found[0]!.help).toBe("known keys here: name, models, tools, mcp_tools, actions");
    // the same key in a policy file reads the same in lint
    const inLint = lint({ "policies/p.yaml": accessPolicy("  Modls: {}\n") }, "unknown-key");
    expect(inLint.map((f) => f.message)).toEqual(['unknown key "Modls"; did you mean "Models"?']);
  });

  it("places unknown and missing keys inside entries", () => {
    expect(problems("name: x\nmodels:\n  - { provider: openai, modl: gpt-4o }\nactions:\n  - action: db:Select\n    resorce: db://x\n")).toEqual([
      '3:5 missing-required missing required key "model" in models[0]',
      '3:25 unknown-key unknown key "modl"; did you mean "model"?',
      '5:5 missing-required missing required key "resource" in actions[0]',
      '6:5 unknown-key unknown key "resorce"; did you mean "resource"?',
    ]);
  });

  it("rejects wrong types with the schema's words", () => {
    expect(problems("models: gpt-4o\ntools: [1]\n")).toEqual([
      '1:9 invalid-type expected a list, got string "gpt-4o"',
      "2:9 invalid-type expected a string, got number 1",
    ]);
  });

  it("does not let an empty manifest or one that declares nothing pass", () => {
    expect(problems("")).toEqual(["1:1 empty-file file is empty"]);
    expect(problems("name: idle-bot\n")).toEqual(["1:1 nothing-declared the manifest declares nothing to check"]);
    expect(problems("name: idle-bot\nmodels: []\ntools: []\n")).toEqual(["1:1 nothing-declared the manifest declares nothing to check"]);
    expect(problems("{}\n")).toEqual(["1:1 nothing-declared the manifest declares nothing to check"]);
    expect(problems("- models\n")).toEqual(["1:1 invalid-type expected a mapping, got a list"]);
  });

  it("accepts a well-formed manifest", () => {
    expect(problems("name: ok\nmodels: [{ provider: openai, model: gpt-4o }]\ntools: [web_search]\nmcp_tools: [mcp://a/b@1.0.0]\nactions: [{ action: db:Select, resource: db://x }]\n")).toEqual([]);
  });
});

describe("checkAgent", () => {
  it("reports manifest problems and still checks the declarations it can read", () => {
    const { engine, access } = engineOf({ "policies/p.yaml": POLICY });
    const r = checkAgent("agent.yaml", "name: typo-bot\nmodel: [{ provider: anthropic, model: claude-x }]\ntools: [shell_exec]\n", engine, { access, target: "production" });
    expect(r.problems.map((p) => p.code)).toEqual(["unknown-key"]);
    expect(r.findings.map((f) => `${f.decision} ${f.item}`)).toEqual(["deny tool shell_exec"]);
  });

  it("names the request and the allow list that would allow a refused model", () => {
    const { engine, access } = engineOf({ "policies/p.yaml": POLICY });
    const r = checkAgent("agent.yaml", "models: [{ provider: anthropic, model: claude-x }]\n", engine, { access, target: "production" });
    expect(r.findings[0]).toMatchObject({ item: "model anthropic/claude-x", request: { action: "model:Invoke", resource: "model://anthropic/claude-x" }, decision: "deny" });
    expect(r.findings[0]!.why).toEqual([
      "Deny p1/Models.AllowedModels.1 (policies/p.yaml)",
      "model:Invoke model://anthropic/claude-x: anthropic/claude-x is not in Models.AllowedModels of p1 (policies/p.yaml), which lists anthropic/claude-sonnet-4; add it there to allow it",
    ]);
  });

  it("hints at an action that is not service:Action and keeps the deny", () => {
    const files = { "policies/p.yaml": accessPolicy("  Statement:\n    - { Sid: Read, Effect: Allow, Action: [db:Select], Resource: 'db://production/*' }\n") };
    const { engine, access } = engineOf(files);
    const r = checkAgent("agent.yaml", "actions:\n  - { action: db-Select, resource: db://production/users }\n", engine, { access, target: "production" });
    expect(r.findings[0]).toMatchObject({ decision: "deny", line: 2, column: 5 });
    expect(r.findings[0]!.why).toContain('hint: "db-Select" is not an action of the form service:Action (did you mean "db:Select"?); the services the statements of production name: db');
  });
});
