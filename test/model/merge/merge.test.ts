import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildTarget } from "../../../src/model/merge/index.js";
import { repoOf } from "../../helpers/repo.js";

const doc = (kind: string, id: string, priority: number, spec: string, extraMeta = "") =>
  `apiVersion: edict/v1\nkind: ${kind}\nmetadata:\n  id: ${id}\n  priority: ${priority}\n${extraMeta}spec:\n${spec}`;
const access = (id: string, priority: number, spec: string, extraMeta = "") => doc("AccessPolicy", id, priority, `  Version: "2024-12-02"\n${spec}`, extraMeta);

describe("merge", () => {
  it("overrides scalars by precedence and records provenance", () => {
    const repo = repoOf({
      "policies/a.yaml": access("low", 100, "  ResourceLimits: { MaxTokens: 50000, MaxMemory: 8GB }\n"),
      "policies/b.yaml": access("high", 200, "  ResourceLimits: { MaxTokens: 10000 }\n"),
    });
    const t = buildTarget(repo, "production");
    expect(t.effective.access.ResourceLimits).toEqual({ MaxTokens: 10000, MaxMemory: "8GB" });
    expect(t.provenance.access["ResourceLimits.MaxTokens"]).toEqual([{ policy: "high", file: "policies/b.yaml" }]);
    expect(t.provenance.access["ResourceLimits.MaxMemory"]).toEqual([{ policy: "low", file: "policies/a.yaml" }]);
  });

  it("orders by layer before priority: an installed foundation pack loses to custom files", () => {
    const state = "format_version: v1\ninstalled_packs:\n  starter:\n    name: starter\n    version: 1.0.0\n    layer: foundation\n    files: [{ path: policies/starter__01__limits.yaml }]\n";
    const repo = repoOf({
      ".edict/packs.yaml": state,
      "policies/starter__01__limits.yaml": access("starter_limits", 9000, "  ResourceLimits: { MaxTokens: 1 }\n"),
      "policies/custom.yaml": access("custom", 1, "  ResourceLimits: { MaxTokens: 2 }\n"),
    });
    expect(buildTarget(repo, "production").effective.access.ResourceLimits?.MaxTokens).toBe(2);
  });

  it("appends statements with provenance and normalises Action/Resource to lists", () => {
    const repo = repoOf({
      "policies/a.yaml": access("a", 1, "  Statement:\n    - { Sid: S, Effect: Allow, Action: file:Read, Resource: '*' }\n"),
      "policies/b.yaml": access("b", 2, "  Statement:\n    - { Sid: S, Effect: Deny, Action: [file:Read], Resource: 'file://x/*' }\n"),
    });
    const st = buildTarget(repo, "production").effective.access.Statement;
    expect(st).toEqual([
      { Sid: "S", Effect: "Allow", Action: ["file:Read"], Resource: ["*"], source: { policy: "a", file: "policies/a.yaml" } },
      { Sid: "S", Effect: "Deny", Action: ["file:Read"], Resource: ["file://x/*"], source: { policy: "b", file: "policies/b.yaml" } },
    ]);
  });

  it("unions deny lists and keeps all-of lists as a list of lists", () => {
    const repo = repoOf({
      "policies/a.yaml": doc("RuntimePolicy", "a", 1, "  tools: { allowlist: ['mcp://a/*'] }\n  enforcement: { deny_on: [tool_not_in_allowlist] }\n"),
      "policies/b.yaml": doc("RuntimePolicy", "b", 2, "  tools: { allowlist: ['mcp://a/x', 'mcp://b/*'] }\n  enforcement: { deny_on: [tool_not_in_allowlist, sast_failed] }\n"),
    });
    const rt = buildTarget(repo, "production").effective.runtime;
    expect(rt.tools?.allowlist).toEqual([["mcp://a/*"], ["mcp://a/x", "mcp://b/*"]]);
    expect(rt.enforcement?.deny_on).toEqual(["tool_not_in_allowlist", "sast_failed"]);
  });

  it("keeps tighten-only fields strict and reports the looser value", () => {
    const repo = repoOf({
      "policies/a.yaml": doc("PosturePolicy", "a", 1, "  local: { min_security_score: 75, require_tpm: true }\n  allow_insecure: false\n"),
      "policies/b.yaml": doc("PosturePolicy", "b", 2, "  local: { min_security_score: 50, require_tpm: false }\n  allow_insecure: true\n  insecure_reason: x\n"),
      "policies/c.yaml": doc("PosturePolicy", "c", 3, "  local: { min_security_score: 90 }\n"),
    });
    const t = buildTarget(repo, "production");
    expect(t.effective.posture.local).toEqual({ min_security_score: 90, require_tpm: true });
    expect(t.effective.posture.allow_insecure).toBe(false);
    expect(t.events.map((e) => `${e.kind}:${e.path}`).sort()).toEqual(["tighten-only:allow_insecure", "tighten-only:local.min_security_score", "tighten-only:local.require_tpm"]);
  });

  it("ignores changes to locked fields (VaultGuard's enterprise lock)", () => {
    const repo = repoOf({
      "policies/system.yaml": doc("PosturePolicy", "system", 1, "  local: { require_encryption: true, min_security_score: 50 }\n", "  locked: [local.require_encryption]\n"),
      "policies/user.yaml": doc("PosturePolicy", "user", 2, "  local: { require_encryption: false, min_security_score: 75 }\n"),
    });
    const t = buildTarget(repo, "production");
    expect(t.effective.posture.local).toEqual({ require_encryption: true, min_security_score: 75 });
    expect(t.events.map((e) => `${e.kind}:${e.path}`)).toEqual(["locked:local.require_encryption"]);
  });

  it("carries the locked paths in the effective target, first locker winning, sorted; none means no locks field", () => {
    const repo = repoOf({
      "policies/system.yaml": doc("PosturePolicy", "system", 1, "  local: { require_encryption: true }\n", "  locked: [local.require_encryption, allow_insecure]\n"),
      "policies/user.yaml": doc("PosturePolicy", "user", 2, "  local: { min_security_score: 75 }\n", "  locked: [local.require_encryption]\n"),
      "policies/a.yaml": access("acc", 3, "  ResourceLimits: { MaxTokens: 5 }\n", "  locked: [ResourceLimits.MaxTokens]\n"),
      "policies/d.yaml": doc("DataPolicy", "dat", 4, "  action: deny\n", "  locked: [action]\n"),
      "policies/s.yaml": access("stg", 5, "  Description: s\n", "  targets: [staging]\n  locked: [Description]\n"),
    });
    expect(buildTarget(repo, "production").effective.locks).toEqual([
      { kind: "access", path: "ResourceLimits.MaxTokens", policy: "acc", file: "policies/a.yaml" },
      { kind: "posture", path: "allow_insecure", policy: "system", file: "policies/system.yaml" },
      { kind: "posture", path: "local.require_encryption", policy: "system", file: "policies/system.yaml" },
    ]);
    expect(buildTarget(repo, "staging").effective.locks?.map((l) => l.path)).toContain("Description");
    const plain = repoOf({ "policies/a.yaml": access("a", 1, "  Description: all\n") });
    expect("locks" in buildTarget(plain, "production").effective).toBe(false);
  });

  it("applies only documents naming the target (or none)", () => {
    const repo = repoOf({
      "policies/a.yaml": access("a", 1, "  Description: all\n"),
      "policies/b.yaml": access("b", 2, "  Description: staging only\n", "  targets: [staging]\n"),
    });
    expect(buildTarget(repo, "production").effective.access.Description).toBe("all");
    expect(buildTarget(repo, "staging").effective.access.Description).toBe("staging only");
  });

  it("desugars Models and Capabilities into statements", () => {
    const repo = repoOf({
      "policies/a.yaml": access("m", 1, "  Models: { AllowedProviders: [openai], DeniedModels: [gpt-3.5-turbo] }\n  Capabilities: { AllowedTools: [calc], RequireToolApproval: true }\n"),
    });
    const a = buildTarget(repo, "production").effective.access;
    expect(a.Statement.map((s) => `${s.Effect} ${s.Sid} ${(s.Resource ?? s.NotResource)!.join(",")}`)).toEqual([
      "Allow Models.Allow model://*",
      "Deny Models.AllowedProviders.1 model://openai/*",
      "Deny Models.DeniedModels model://*/gpt-3.5-turbo",
      "Allow Capabilities.Allow tool://*",
      "Deny Capabilities.AllowedTools.1 tool://calc",
    ]);
    expect(a.RequireApproval?.Actions).toEqual(["tool:Use"]);
  });

  it("reports a field two equal-precedence documents set differently", () => {
    const repo = repoOf({
      "policies/a.yaml": doc("RuntimePolicy", "a", 5, "  tenant: one\n"),
      "policies/b.yaml": doc("RuntimePolicy", "b", 5, "  tenant: two\n"),
    });
    const t = buildTarget(repo, "production");
    expect(t.effective.runtime.tenant).toBe("two");
    expect(t.events.map((e) => e.kind)).toEqual(["equal-precedence"]);
  });

  it("skips values of the wrong type instead of crashing", () => {
    const repo = repoOf({ "policies/a.yaml": access("a", 1, "  Statement: nope\n  ResourceLimits: { MaxTokens: lots }\n") });
    const a = buildTarget(repo, "production").effective.access;
    expect(a.Statement).toEqual([]);
    expect(a.ResourceLimits).toEqual({});
  });

  it("property: the min_security_score is the maximum of all documents, whatever their order", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 9999 })), { minLength: 1, maxLength: 6 }), (docs) => {
        const files: Record<string, string> = {};
        docs.forEach(([score, prio], i) => (files[`policies/p${i}.yaml`] = doc("PosturePolicy", `p${i}`, prio, `  local: { min_security_score: ${score} }\n`)));
        const t = buildTarget(repoOf(files), "production");
        expect(t.effective.posture.local?.min_security_score).toBe(Math.max(...docs.map((d) => d[0])));
      }),
      { numRuns: 100 },
    );
  });

  it("property: merge is deterministic and tighten-only fields never loosen, whatever the documents and their order", () => {
    const docArb = fc.record({
      prio: fc.integer({ min: 0, max: 20 }),
      tpm: fc.option(fc.boolean(), { nil: undefined }),
      insecure: fc.option(fc.boolean(), { nil: undefined }),
      score: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      fallback: fc.option(fc.constantFrom("env", "vault", "file"), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(docArb, { minLength: 1, maxLength: 6 }), (docs) => {
        const files: Array<[string, string]> = docs.map((d, i) => {
          const local = [d.tpm !== undefined ? `require_tpm: ${d.tpm}` : "", d.score !== undefined ? `min_security_score: ${d.score}` : ""].filter(Boolean);
          const spec = [local.length ? `  local: { ${local.join(", ")} }` : "", d.insecure !== undefined ? `  allow_insecure: ${d.insecure}\n  insecure_reason: r` : "", d.fallback ? `  fallback_provider: ${d.fallback}` : ""].filter(Boolean).join("\n");
          return [`policies/p${i}.yaml`, doc("PosturePolicy", `p${i}`, d.prio, (spec || "  insecure_reason: none") + "\n")];
        });
        const forward = buildTarget(repoOf(Object.fromEntries(files)), "production");
        const backward = buildTarget(repoOf(Object.fromEntries([...files].reverse())), "production");
        expect(JSON.stringify(backward.effective)).toBe(JSON.stringify(forward.effective));
        const p = forward.effective.posture;
        const tpms = docs.map((d) => d.tpm).filter((x): x is boolean => x !== undefined);
        if (tpms.length) expect(p.local?.require_tpm).toBe(tpms.some(Boolean));
        const insecure = docs.map((d) => d.insecure).filter((x): x is boolean => x !== undefined);
        if (insecure.length) expect(p.allow_insecure).toBe(insecure.every(Boolean));
        const scores = docs.map((d) => d.score).filter((x): x is number => x !== undefined);
        if (scores.length) expect(p.local?.min_security_score).toBe(Math.max(...scores));
      }),
      { numRuns: 200 },
    );
  });
});
