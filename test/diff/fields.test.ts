import { describe, expect, it } from "vitest";
import { leafVerdict } from "../../src/diff/index.js";
import { SPEC_SCHEMAS } from "../../src/model/schemas/policy.js";
import { schemaAt } from "../../src/model/schemas/walk.js";
import type { Schema } from "../../src/model/schemas/builders.js";
import { accessDoc, changeAt, diffFiles, doc, prod } from "./helpers.js";

const runtime = (spec: string) => ({ "policies/rt.yaml": doc("RuntimePolicy", "rt", spec) });
const posture = (spec: string) => ({ "policies/po.yaml": doc("PosturePolicy", "po", spec) });
const access = (spec: string) => ({ "policies/ac.yaml": accessDoc("ac", spec) });

function verdictOfLeaf(kind: keyof typeof SPEC_SCHEMAS, path: string, before: unknown, after: unknown) {
  const schema = schemaAt(SPEC_SCHEMAS[kind], path.split(".")) as Schema;
  return leafVerdict(schema["x-looser"], schema, before, after);
}

describe("field verdicts from x-looser", () => {
  it("a limit raised is loosened, lowered is tightened, with provenance on each side", () => {
    const r = diffFiles(access("  ResourceLimits: { MaxTokens: 10000 }\n"), access("  ResourceLimits: { MaxTokens: 50000 }\n"));
    const c = changeAt(r, "ResourceLimits.MaxTokens");
    expect(c).toMatchObject({ kind: "access", verdict: "loosened", before: 10000, after: 50000, change: "changed", note: "limit raised" });
    expect(c.source).toEqual({ before: [{ policy: "ac", file: "policies/ac.yaml" }], after: [{ policy: "ac", file: "policies/ac.yaml" }] });
    expect(r.verdict).toBe("loosened");
    expect(diffFiles(access("  ResourceLimits: { MaxTokens: 50000 }\n"), access("  ResourceLimits: { MaxTokens: 10000 }\n")).verdict).toBe("tightened");
  });

  it("parses durations, sizes and money before comparing", () => {
    expect(verdictOfLeaf("AccessPolicy", "ResourceLimits.MaxMemory", "4GB", "8GB").verdict).toBe("loosened");
    expect(verdictOfLeaf("AccessPolicy", "ResourceLimits.MaxMemory", "4GB", "512MB").verdict).toBe("tightened");
    expect(verdictOfLeaf("AccessPolicy", "ResourceLimits.MaxCostPerHour", "$5.00", "$10.00").verdict).toBe("loosened");
    expect(verdictOfLeaf("AccessPolicy", "ResourceLimits.MaxExecutionTime", "600s", "10m")).toMatchObject({ verdict: "neutral", review: false });
    expect(verdictOfLeaf("AccessPolicy", "ResourceLimits.MaxExecutionTime", "600s", "1h").verdict).toBe("loosened");
    expect(verdictOfLeaf("AccessPolicy", "ResourceLimits.MaxExecutionTime", "600s", "oops")).toMatchObject({ verdict: "review", review: true });
  });

  it("a limit removed loosens and a limit added tightens", () => {
    const r = diffFiles(access("  ResourceLimits: { MaxTokens: 10000, MaxApiCalls: 5 }\n"), access("  ResourceLimits: { MaxApiCalls: 5 }\n"));
    expect(changeAt(r, "ResourceLimits.MaxTokens")).toMatchObject({ verdict: "loosened", change: "removed", after: undefined, source: { after: [] } });
    const back = diffFiles(access("  ResourceLimits: { MaxApiCalls: 5 }\n"), access("  ResourceLimits: { MaxTokens: 10000, MaxApiCalls: 5 }\n"));
    expect(changeAt(back, "ResourceLimits.MaxTokens")).toMatchObject({ verdict: "tightened", change: "added" });
  });

  it("a deny_on entry removed is loosened, added is tightened, swapped is mixed", () => {
    const base = runtime("  tenant: t\n  enforcement: { deny_on: [tool_not_in_allowlist, egress_violation] }\n");
    const r = diffFiles(base, runtime("  tenant: t\n  enforcement: { deny_on: [tool_not_in_allowlist] }\n"));
    expect(changeAt(r, "enforcement.deny_on")).toMatchObject({ kind: "runtime", verdict: "loosened", note: "entries removed" });
    const added = diffFiles(base, runtime("  tenant: t\n  enforcement: { deny_on: [tool_not_in_allowlist, egress_violation, fs_violation] }\n"));
    expect(changeAt(added, "enforcement.deny_on").verdict).toBe("tightened");
    const swapped = diffFiles(base, runtime("  tenant: t\n  enforcement: { deny_on: [tool_not_in_allowlist, fs_violation] }\n"));
    expect(changeAt(swapped, "enforcement.deny_on").verdict).toBe("mixed");
    expect(swapped.verdict).toBe("mixed");
    const reordered = diffFiles(base, runtime("  tenant: t\n  enforcement: { deny_on: [egress_violation, tool_not_in_allowlist] }\n"));
    expect(changeAt(reordered, "enforcement.deny_on").verdict).toBe("neutral");
    expect(reordered.verdict).toBe("neutral");
  });

  it("an allowlist widened is loosened; patterns are compared by what they allow", () => {
    const base = runtime("  tenant: t\n  tools: { allowlist: ['mcp://vision/*@*'] }\n");
    const widened = diffFiles(base, runtime("  tenant: t\n  tools: { allowlist: ['mcp://vision/*@*', 'mcp://db/query@1.0'] }\n"));
    expect(changeAt(widened, "tools.allowlist")).toMatchObject({ verdict: "loosened", note: "allowlist widened" });
    // a pattern replaced by an entry it already covers only narrows
    const narrowed = diffFiles(base, runtime("  tenant: t\n  tools: { allowlist: ['mcp://vision/detect@1.0'] }\n"));
    expect(changeAt(narrowed, "tools.allowlist").verdict).toBe("tightened");
    const removed = diffFiles(base, runtime("  tenant: t\n"));
    expect(changeAt(removed, "tools.allowlist")).toMatchObject({ verdict: "loosened", note: "allowlist removed" });
  });

  it("all-of allowlists compare what every document allows", () => {
    const two = (a: string, b: string) => ({
      "policies/a.yaml": accessDoc("a", `  Models: { AllowedModels: [${a}] }\n`, 100),
      "policies/b.yaml": accessDoc("b", `  Models: { AllowedModels: [${b}] }\n`, 200),
    });
    // gpt-4o is allowed by a only: adding it to b widens the intersection
    const r = diffFiles(two("gpt-4o, claude", "claude"), two("gpt-4o, claude", "claude, gpt-4o"));
    expect(changeAt(r, "Models.AllowedModels").verdict).toBe("loosened");
    // a model a does not allow changes nothing
    const same = diffFiles(two("claude", "claude"), two("claude", "claude, gpt-4o"));
    expect(changeAt(same, "Models.AllowedModels").verdict).toBe("neutral");
    expect(prod(same).newlyAllowedTotal).toBe(0);
  });

  it("allow_insecure switched on is loosened; a required control switched off is loosened", () => {
    const r = diffFiles(posture("  allow_insecure: false\n"), posture("  allow_insecure: true\n  insecure_reason: laptops\n"));
    expect(changeAt(r, "allow_insecure")).toMatchObject({ kind: "posture", verdict: "loosened", note: "switched on" });
    expect(changeAt(r, "insecure_reason").verdict).toBe("neutral");
    const off = diffFiles(posture("  local: { require_encryption: true }\n"), posture("  local: { require_encryption: false }\n"));
    expect(changeAt(off, "local.require_encryption").verdict).toBe("loosened");
    // absent counts as false: allow_insecure appearing as false changes no decision
    expect(verdictOfLeaf("PosturePolicy", "allow_insecure", undefined, false).verdict).toBe("neutral");
  });

  it("a posture minimum lowered is loosened", () => {
    const r = diffFiles(posture("  local: { min_security_score: 75 }\n"), posture("  local: { min_security_score: 50 }\n"));
    expect(changeAt(r, "local.min_security_score")).toMatchObject({ verdict: "loosened", note: "minimum lowered" });
    expect(verdictOfLeaf("PosturePolicy", "local.min_security_score", 50, undefined).verdict).toBe("loosened");
  });

  it("a description change is neutral and the diff is neutral", () => {
    const r = diffFiles(access("  Description: old\n"), access("  Description: new\n"));
    expect(changeAt(r, "Description")).toMatchObject({ verdict: "neutral", review: false });
    expect(r.verdict).toBe("neutral");
    expect(r.nextVersion).toBe("1.2.3"); // the first release: edict.yaml's version
  });

  it("a review field is neutral but flagged", () => {
    const r = diffFiles(runtime("  tenant: a\n"), runtime("  tenant: b\n"));
    expect(changeAt(r, "tenant")).toMatchObject({ verdict: "review", review: true });
    expect(r.counts.review).toBe(1);
  });

  it("map leaves inherit the map's direction", () => {
    const r = diffFiles(
      runtime("  tenant: t\n  security: { allow_versions: { vision: [1.0.0] } }\n"),
      runtime("  tenant: t\n  security: { allow_versions: { vision: [1.0.0, 2.0.0] } }\n"),
    );
    expect(changeAt(r, "security.allow_versions.vision").verdict).toBe("loosened");
    const p = diffFiles(posture("  provider_map: { local: keyring }\n"), posture("  provider_map: { local: env }\n"));
    expect(changeAt(p, "provider_map.local")).toMatchObject({ verdict: "review", review: true });
  });

  it("severity thresholds compare by rank", () => {
    const r = diffFiles(runtime("  tenant: t\n  agent_guard: { block_on_severity: medium }\n"), runtime("  tenant: t\n  agent_guard: { block_on_severity: critical }\n"));
    expect(changeAt(r, "agent_guard.block_on_severity").verdict).toBe("loosened");
  });

  it("the provenance names the document that set each side", () => {
    const base = { "policies/a.yaml": accessDoc("a", "  AuditLog: { RetentionDays: 90 }\n", 100) };
    const head = { ...base, "policies/b.yaml": accessDoc("b", "  AuditLog: { RetentionDays: 30 }\n", 200) };
    const c = changeAt(diffFiles(base, head), "AuditLog.RetentionDays");
    expect(c).toMatchObject({ verdict: "loosened", before: 90, after: 30 });
    expect(c.source).toEqual({ before: [{ policy: "a", file: "policies/a.yaml" }], after: [{ policy: "b", file: "policies/b.yaml" }] });
  });
});
