import { describe, expect, it } from "vitest";
import { runLint } from "../../src/lint/engine.js";
import { RULES } from "../../src/lint/registry.js";
import { accessPolicy, lint, repoOf } from "../helpers/repo.js";

const CLEAN = "    MaxMemory: 1GB\n  AuditLog: { Required: true }\n";
const badType = accessPolicy("  ResourceLimits:\n    MaxTokens: ten\n" + CLEAN);

describe("lint engine", () => {
  it("applies severity overrides from edict.yaml", () => {
    const config = "name: a\ntargets: { p: {} }\nlint:\n  rules: { invalid-type: warning }\n";
    const f = lint({ "edict.yaml": config, "policies/a.yaml": badType });
    expect(f.map((x) => `${x.rule}:${x.severity}`)).toEqual(["invalid-type:warning"]);
  });

  it("turns a rule off", () => {
    const config = "name: a\ntargets: { p: {} }\nlint:\n  rules: { invalid-type: off }\n";
    expect(lint({ "edict.yaml": config, "policies/a.yaml": badType })).toEqual([]);
  });

  it("ignores files matching lint.ignore globs", () => {
    const config = "name: a\ntargets: { p: {} }\nlint:\n  ignore: ['policies/legacy/**']\n";
    const f = lint({ "edict.yaml": config, "policies/legacy/old.yaml": badType, "policies/new.yaml": badType.replace("p1", "p2") });
    expect(f.map((x) => x.file)).toEqual(["policies/new.yaml"]);
  });

  it("honours edict-disable-next-line for the named rule only", () => {
    const text = accessPolicy("  ResourceLimits:\n    # edict-disable-next-line invalid-type -- legacy value\n    MaxTokens: ten\n    Bogus: 1\n" + CLEAN);
    const f = lint({ "policies/a.yaml": text });
    expect(f.map((x) => x.rule)).toEqual(["unknown-key"]);
  });

  it("does not let a suppression for another rule hide a finding", () => {
    const text = accessPolicy("  ResourceLimits:\n    # edict-disable-next-line unknown-key\n    MaxTokens: ten\n" + CLEAN);
    expect(lint({ "policies/a.yaml": text }).map((x) => x.rule)).toEqual(["invalid-type"]);
  });

  it("reports only findings under the given paths but reads every file", () => {
    const repo = repoOf({ "policies/a.yaml": accessPolicy("  ResourceLimits:\n" + CLEAN), "policies/sub/b.yaml": accessPolicy("  ResourceLimits:\n" + CLEAN) });
    const r = runLint(repo, { rules: RULES, only: ["policies/sub"] });
    expect(r.findings.map((x) => `${x.rule}:${x.file}`)).toEqual(["duplicate-policy-id:policies/sub/b.yaml"]);
    expect(r.summary.files).toBe(1);
  });

  it("summarises counts by severity", () => {
    const r = runLint(repoOf({ "policies/a.yaml": badType }), { rules: RULES });
    expect(r.summary).toEqual({ errors: 1, warnings: 0, infos: 0, files: 2 });
  });

  it("turns a crashing rule into an internal-error finding instead of throwing", () => {
    const broken = { meta: { id: "broken", category: "schema" as const, severity: "error" as const, description: "d" }, check: () => { throw new Error("boom"); } };
    const r = runLint(repoOf({}), { rules: [broken] });
    expect(r.findings.map((f) => f.rule)).toEqual(["internal-error"]);
  });
});

describe("rule registry", () => {
  it("has unique kebab-case ids with a one-paragraph description", () => {
    const ids = RULES.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.meta.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.meta.description.length).toBeGreaterThan(60);
      expect(r.meta.description).not.toContain("\n\n");
    }
  });
});
