import { describe, expect, it } from "vitest";
import { compileEngine } from "../../src/engine/engine.js";
import type { AccessRequest } from "../../src/engine/access/types.js";
import { buildTarget } from "../../src/model/merge/index.js";
import { actionHints, explainRefusal } from "../../src/testing/refusal.js";
import { accessPolicy, repoOf } from "../helpers/repo.js";

/** The engine's decision on `request` in target production of a repository of these policies, and its explanation. */
function refuse(policies: Record<string, string>, request: AccessRequest): { decision: string; lines: string[] } {
  const effective = buildTarget(repoOf(policies), "production").effective;
  const decision = compileEngine(effective).authorize(request);
  return { decision: decision.decision, lines: explainRefusal(request, decision, { access: effective.access, target: "production" }) };
}

const model = (resource: string): AccessRequest => ({ action: "model:Invoke", resource });

describe("explainRefusal: models and tools", () => {
  it("names the request and the list to add a model to when no policy allows any model", () => {
    const r = refuse({ "policies/p.yaml": accessPolicy("  Statement:\n    - { Effect: Allow, Action: db:Select, Resource: '*' }\n") }, model("model://anthropic/claude-x"));
    expect(r.decision).toBe("deny");
    expect(r.lines).toEqual([
      "no statement allows model:Invoke model://anthropic/claude-x (implicit deny)",
      'no policy of production allows any model: add "anthropic/claude-x" to Models.AllowedModels (or its provider to Models.AllowedProviders) of an AccessPolicy, or add a statement that allows model:Invoke on model://anthropic/claude-x',
    ]);
  });

  it("says that a deny list alone does not allow", () => {
    const r = refuse({ "policies/p.yaml": accessPolicy("  Models:\n    DeniedModels: [gpt-3.5-turbo]\n") }, model("model://anthropic/claude-x"));
    expect(r.lines[1]).toMatch(/^no policy of production allows any model \(Models.DeniedModels only denies\): add "anthropic\/claude-x"/);
  });

  it("names the statement whose resource the model misses", () => {
    const policy = accessPolicy("  Statement:\n    - { Sid: OpenAIOnly, Effect: Allow, Action: model:Invoke, Resource: 'model://openai/*' }\n");
    const r = refuse({ "policies/p.yaml": policy }, model("model://anthropic/claude-x"));
    expect(r.lines).toEqual([
      "no statement allows model:Invoke model://anthropic/claude-x (implicit deny)",
      "Allow p1/OpenAIOnly (policies/p.yaml) allows model:Invoke only on model://openai/*",
    ]);
  });

  it("names each allow list that refuses a model, with what it lists, and a deny list that names it", () => {
    const policy = accessPolicy("  Models:\n    AllowedProviders: [openai]\n    AllowedModels: [gpt-4o]\n    DeniedModels: [mistral/large]\n");
    const other = accessPolicy("  Models:\n    AllowedModels: [gpt-4o, mistral/large]\n", "  id: p2\n  priority: 50\n");
    const r = refuse({ "policies/p.yaml": policy, "policies/q.yaml": other }, model("model://mistral/large"));
    expect(r.decision).toBe("deny");
    expect(r.lines).toEqual([
      "model:Invoke model://mistral/large: provider mistral is not in Models.AllowedProviders of p1 (policies/p.yaml), which lists openai; add it there to allow it",
      "model:Invoke model://mistral/large: mistral/large is not in Models.AllowedModels of p1 (policies/p.yaml), which lists gpt-4o; add it there to allow it",
      "model:Invoke model://mistral/large: Models.DeniedModels of p1 (policies/p.yaml) lists it",
    ]);
  });

  it("explains refused tools the same way", () => {
    const policy = accessPolicy("  Capabilities:\n    AllowedTools: [web_search]\n    DeniedTools: [shell_exec]\n");
    const r = refuse({ "policies/p.yaml": policy }, { action: "tool:Use", resource: "tool://shell_exec" });
    expect(r.lines).toEqual([
      "tool:Use tool://shell_exec: shell_exec is not in Capabilities.AllowedTools of p1 (policies/p.yaml), which lists web_search; add it there to allow it",
      "tool:Use tool://shell_exec: Capabilities.DeniedTools of p1 (policies/p.yaml) lists it",
    ]);
    const none = refuse({ "policies/p.yaml": accessPolicy("  Capabilities:\n    DeniedTools: [shell_exec]\n") }, { action: "tool:Use", resource: "tool://grep" });
    expect(none.lines[1]).toBe('no policy of production allows any tool (Capabilities.DeniedTools only denies): add "grep" to Capabilities.AllowedTools of an AccessPolicy, or add a statement that allows tool:Use on tool://grep');
  });
});

describe("explainRefusal: statements", () => {
  const statements = accessPolicy(`  Statement:
    - { Sid: OfficeReads, Effect: Allow, Action: [db:Select, api:Get], Resource: "*", Condition: { IpAddress: { source.ip: 10.0.0.0/8 } } }
    - { Sid: Tickets, Effect: Allow, Action: api:Put, Resource: "https://tickets/*" }
    - { Sid: NoDrops, Effect: Deny, Action: db:Drop, Resource: "*" }
`);

  it("names an Allow whose Condition does not hold for the request", () => {
    const r = refuse({ "policies/p.yaml": statements }, { action: "db:Select", resource: "db://production/users" });
    expect(r.lines).toEqual([
      "no statement allows db:Select db://production/users (implicit deny)",
      "Allow p1/OfficeReads (policies/p.yaml) would allow it, but its Condition does not hold for this request (IpAddress on source.ip)",
    ]);
  });

  it("names a statement only once the action matches, and caps the list", () => {
    const many = accessPolicy(`  Statement:\n${[1, 2, 3, 4, 5].map((i) => `    - { Sid: S${i}, Effect: Allow, Action: api:Put, Resource: "https://h${i}/*" }\n`).join("")}`);
    const r = refuse({ "policies/p.yaml": many }, { action: "api:Put", resource: "https://other/x" });
    expect(r.lines).toHaveLength(5);
    expect(r.lines[1]).toBe("Allow p1/S1 (policies/p.yaml) allows api:Put only on https://h1/*");
    expect(r.lines[4]).toBe("… and 2 more Allow statements on api:Put");
  });

  it("hints at an action that is not of the form service:Action", () => {
    const r = refuse({ "policies/p.yaml": statements }, { action: "db-Select", resource: "db://production/users" });
    expect(r.decision).toBe("deny");
    expect(r.lines).toEqual([
      "no statement allows db-Select db://production/users (implicit deny)",
      "no Allow statement of production names db-Select",
      'hint: "db-Select" is not an action of the form service:Action (did you mean "db:Select"?); the services the statements of production name: api, db',
    ]);
  });

  it("hints at a service no statement names, with the services the target knows", () => {
    const r = refuse({ "policies/p.yaml": statements }, { action: "dbb:Select", resource: "db://production/users" });
    expect(r.lines.at(-1)).toBe('hint: no statement of production names the service "dbb" (did you mean "db"?); the services the statements of production name: api, db');
  });

  it("also hints on an explicit deny and keeps it", () => {
    const denyAll = accessPolicy("  Statement:\n    - { Sid: Lockdown, Effect: Deny, Action: '*', Resource: '*' }\n    - { Effect: Allow, Action: db:Select, Resource: '*' }\n");
    const r = refuse({ "policies/p.yaml": denyAll }, { action: "db_Select", resource: "db://x" });
    expect(r.decision).toBe("deny");
    expect(r.lines).toEqual(['hint: "db_Select" is not an action of the form service:Action (did you mean "db:Select"?); the services the statements of production name: db']);
  });
});

describe("actionHints", () => {
  const access = (actions: string[]) => ({ Statement: [{ Effect: "Allow" as const, Action: actions, Resource: ["*"], source: { policy: "p", file: "p.yaml" } }] });

  it("suggests the service:Action spelling from a known service when no known action is near", () => {
    expect(actionHints("db.Truncate", { access: access(["db:Select"]) })).toEqual(['"db.Truncate" is not an action of the form service:Action (did you mean "db:Truncate"?); the services the statements name: db']);
  });

  it("suggests the nearest action of a known service", () => {
    expect(actionHints("db:Selekt", { access: access(["db:Select"]) })).toEqual(['no statement names db:Selekt (did you mean "db:Select"?)']);
  });

  it("has nothing to say about an action a pattern names, or a service a wildcard pattern covers", () => {
    expect(actionHints("db:Select", { access: access(["db:Select"]) })).toEqual([]);
    expect(actionHints("db:Anything", { access: access(["db:*"]) })).toEqual([]);
    expect(actionHints("storage:Get", { access: access(["stor*:Put"]) })).toEqual([]);
    expect(actionHints("model:Invoke", { access: access([]) })).toEqual([]);
  });
});
