/**
 * Models/Capabilities sugar: only an allow list (AllowedProviders, AllowedModels,
 * AllowedTools) grants; a deny list alone (DeniedModels, DeniedTools) only denies.
 */
import { describe, expect, it } from "vitest";
import { compileAccess, evaluateAccessReference } from "../../../src/engine/access/index.js";
import type { AccessDecisionKind } from "../../../src/engine/access/index.js";
import { buildTarget } from "../../../src/model/merge/index.js";
import { readRepository } from "../../../src/io/read-repository.js";
import { buildRepository } from "../../../src/model/repository.js";
import type { Repository } from "../../../src/model/repository.js";
import { EXAMPLE_ROOT } from "../../helpers/example.js";
import { accessPolicy, repoOf } from "../../helpers/repo.js";

/** The decision for one request in `target`, asserting the compiled and reference evaluators agree. */
function decide(repo: Repository, action: string, resource: string, target = "production"): AccessDecisionKind {
  const access = buildTarget(repo, target).effective.access;
  const compiled = compileAccess(access).authorize({ action, resource });
  const reference = evaluateAccessReference(access, { action, resource });
  expect(compiled).toEqual(reference);
  return compiled.decision;
}

const sids = (repo: Repository) => buildTarget(repo, "production").effective.access.Statement.map((s) => `${s.Effect} ${s.Sid}`);

describe("Models: only an allow list grants", () => {
  it("DeniedModels alone denies the model and leaves every other model to implicit deny", () => {
    const repo = repoOf({ "policies/a.yaml": accessPolicy("  Models: { DeniedModels: [gpt-3.5-turbo] }\n") });
    expect(sids(repo)).toEqual(["Deny Models.DeniedModels"]);
    const access = buildTarget(repo, "production").effective.access;
    expect(compileAccess(access).authorize({ action: "model:Invoke", resource: "model://openai/gpt-4o" })).toEqual({ decision: "deny", reasons: [] });
    const denied = compileAccess(access).authorize({ action: "model:Invoke", resource: "model://openai/gpt-3.5-turbo" });
    expect(denied.decision).toBe("deny");
    expect(denied.reasons.map((r) => `${r.effect} ${r.policy}/${r.sid}`)).toEqual(["Deny p1/Models.DeniedModels"]);
  });

  it("an empty Models section or an empty DeniedModels grants nothing either", () => {
    for (const body of ["  Models: {}\n", "  Models: { DeniedModels: [] }\n"]) {
      const repo = repoOf({ "policies/a.yaml": accessPolicy(body) });
      expect(sids(repo)).toEqual([]);
      expect(decide(repo, "model:Invoke", "model://openai/gpt-4o")).toBe("deny");
    }
  });

  it("AllowedModels plus DeniedModels: the listed model is allowed, the denied one and any other are denied", () => {
    const repo = repoOf({ "policies/a.yaml": accessPolicy("  Models: { AllowedModels: [gpt-4o], DeniedModels: [gpt-3.5-turbo] }\n") });
    expect(sids(repo)).toEqual(["Allow Models.Allow", "Deny Models.AllowedModels.1", "Deny Models.DeniedModels"]);
    expect(decide(repo, "model:Invoke", "model://openai/gpt-4o")).toBe("allow");
    expect(decide(repo, "model:Invoke", "model://openai/gpt-3.5-turbo")).toBe("deny");
    expect(decide(repo, "model:Invoke", "model://mistral/mistral-large")).toBe("deny");
  });

  it("AllowedProviders alone grants the providers' models only", () => {
    const repo = repoOf({ "policies/a.yaml": accessPolicy("  Models: { AllowedProviders: [anthropic] }\n") });
    expect(decide(repo, "model:Invoke", "model://anthropic/claude-sonnet-4")).toBe("allow");
    expect(decide(repo, "model:Invoke", "model://openai/gpt-4o")).toBe("deny");
  });

  it("a deny-only document does not grant what another document's allow list leaves out", () => {
    const repo = repoOf({
      "policies/allow.yaml": accessPolicy("  Models: { AllowedModels: [gpt-4o] }\n", "  id: allow\n  priority: 100\n"),
      "policies/deny.yaml": accessPolicy("  Models: { DeniedModels: [gpt-3.5-turbo] }\n", "  id: deny\n  priority: 200\n"),
    });
    const allow = buildTarget(repo, "production").effective.access.Statement.find((s) => s.Sid === "Models.Allow");
    expect(allow?.source).toEqual({ policy: "allow", file: "policies/allow.yaml" });
    expect(decide(repo, "model:Invoke", "model://openai/gpt-4o")).toBe("allow");
    expect(decide(repo, "model:Invoke", "model://anthropic/claude-sonnet-4")).toBe("deny");
  });

  it("the Allow's source is the first allow list's document", () => {
    const repo = repoOf({
      "policies/models.yaml": accessPolicy("  Models: { AllowedModels: [gpt-4o] }\n", "  id: models\n  priority: 100\n"),
      "policies/providers.yaml": accessPolicy("  Models: { AllowedProviders: [openai] }\n", "  id: providers\n  priority: 200\n"),
    });
    const allow = buildTarget(repo, "production").effective.access.Statement.find((s) => s.Sid === "Models.Allow");
    expect(allow?.source).toEqual({ policy: "providers", file: "policies/providers.yaml" });
  });
});

describe("Capabilities: only AllowedTools grants", () => {
  it("DeniedTools alone denies the tool and leaves every other tool to implicit deny", () => {
    const repo = repoOf({ "policies/a.yaml": accessPolicy("  Capabilities: { DeniedTools: [shell_exec] }\n") });
    expect(sids(repo)).toEqual(["Deny Capabilities.DeniedTools"]);
    expect(decide(repo, "tool:Use", "tool://web_search")).toBe("deny");
    const access = buildTarget(repo, "production").effective.access;
    expect(compileAccess(access).authorize({ action: "tool:Use", resource: "tool://web_search" })).toEqual({ decision: "deny", reasons: [] });
    expect(decide(repo, "tool:Use", "tool://shell_exec")).toBe("deny");
  });

  it("AllowedTools plus DeniedTools: the listed tool is allowed, the denied one and any other are denied", () => {
    const repo = repoOf({ "policies/a.yaml": accessPolicy("  Capabilities: { AllowedTools: [web_search, shell_exec], DeniedTools: [shell_exec] }\n") });
    expect(sids(repo)).toEqual(["Allow Capabilities.Allow", "Deny Capabilities.AllowedTools.1", "Deny Capabilities.DeniedTools"]);
    expect(decide(repo, "tool:Use", "tool://web_search")).toBe("allow");
    expect(decide(repo, "tool:Use", "tool://shell_exec")).toBe("deny");
    expect(decide(repo, "tool:Use", "tool://calculator")).toBe("deny");
  });

  it("RequireToolApproval asks for approval of granted tools and grants none itself", () => {
    const denyOnly = repoOf({ "policies/a.yaml": accessPolicy("  Capabilities: { DeniedTools: [shell_exec], RequireToolApproval: true }\n") });
    expect(sids(denyOnly)).toEqual(["Deny Capabilities.DeniedTools"]);
    expect(decide(denyOnly, "tool:Use", "tool://web_search")).toBe("deny");
    const allowList = repoOf({ "policies/a.yaml": accessPolicy("  Capabilities: { AllowedTools: [web_search], RequireToolApproval: true }\n") });
    expect(decide(allowList, "tool:Use", "tool://web_search")).toBe("approval_required");
    expect(decide(allowList, "tool:Use", "tool://calculator")).toBe("deny");
  });

  it("a Statement still grants tools a deny list does not name", () => {
    const repo = repoOf({ "policies/a.yaml": accessPolicy("  Statement:\n    - { Effect: Allow, Action: 'tool:Use', Resource: 'tool://*' }\n  Capabilities: { DeniedTools: [shell_exec] }\n") });
    expect(decide(repo, "tool:Use", "tool://web_search")).toBe("allow");
    expect(decide(repo, "tool:Use", "tool://shell_exec")).toBe("deny");
  });
});

describe("the example repository", () => {
  it("production denies model:Invoke on models no allow list names", async () => {
    const repo = await readRepository(EXAMPLE_ROOT);
    expect(decide(repo, "model:Invoke", "model://anthropic/claude-sonnet-4")).toBe("allow");
    expect(decide(repo, "model:Invoke", "model://openai/gpt-4o-mini")).toBe("deny");
    expect(decide(repo, "model:Invoke", "model://mistral/mistral-large")).toBe("deny");
    expect(decide(repo, "model:Invoke", "model://openai/gpt-3.5-turbo")).toBe("deny");
  });

  it("without its allow lists, the ai_safety pack's DeniedModels grants no model in production", async () => {
    const full = await readRepository(EXAMPLE_ROOT);
    const repo = buildRepository(full.files.filter((f) => f.path !== "policies/access/workspace-models.yaml").map((f) => ({ path: f.path, bytes: f.source.text })));
    const access = buildTarget(repo, "production").effective.access;
    expect(access.Models?.DeniedModels).toContain("gpt-3.5-turbo");
    expect(access.Statement.filter((s) => s.Action?.includes("model:Invoke")).map((s) => `${s.Effect} ${s.source.policy}/${s.Sid}`)).toEqual(["Deny ai_denied_models/Models.DeniedModels"]);
    expect(decide(repo, "model:Invoke", "model://openai/gpt-4o")).toBe("deny");
    expect(decide(repo, "model:Invoke", "model://openai/gpt-3.5-turbo")).toBe("deny");
  });
});
