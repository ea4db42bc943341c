import { describe, expect, it } from "vitest";
import { compileRuntime } from "../../../src/engine/runtime/index.js";
import type { ToolFacts } from "../../../src/engine/runtime/index.js";
import type { EffectiveRuntime } from "../../../src/engine/effective.js";
import type { ReasonCode } from "../../../src/engine/vocabulary.js";

const codes = (d: { violations: readonly { code: string }[] }) => d.violations.map((v) => v.code);

describe("checkTool: allowlist", () => {
  const cases: Array<{ name: string; allowlist: string[][] | undefined; uri: string; allowed: boolean }> = [
    { name: "absent allowlist allows everything", allowlist: undefined, uri: "mcp://any/thing@1", allowed: true },
    { name: "bare * allows everything", allowlist: [["*"]], uri: "mcp://any/thing@1", allowed: true },
    { name: "bare * allows unpinned", allowlist: [["*"]], uri: "mcp://any/thing", allowed: true },
    { name: "server wildcard with any version", allowlist: [["mcp://vision-mcp/*@*"]], uri: "mcp://vision-mcp/detect@1.2.0", allowed: true },
    { name: "@* also covers unpinned", allowlist: [["mcp://vision-mcp/*@*"]], uri: "mcp://vision-mcp/detect", allowed: true },
    { name: "server wildcard does not leak to another server", allowlist: [["mcp://vision-mcp/*@*"]], uri: "mcp://vision-mcp-evil/detect@1", allowed: false },
    { name: "whole server without version", allowlist: [["mcp://tickets/*"]], uri: "mcp://tickets/create@3", allowed: true },
    { name: "whole server, unpinned", allowlist: [["mcp://tickets/*"]], uri: "mcp://tickets/create", allowed: true },
    { name: "exact pin matches", allowlist: [["mcp://database-mcp/query@1.0"]], uri: "mcp://database-mcp/query@1.0", allowed: true },
    { name: "exact pin refuses another version", allowlist: [["mcp://database-mcp/query@1.0"]], uri: "mcp://database-mcp/query@1.1", allowed: false },
    { name: "exact pin refuses an unpinned call", allowlist: [["mcp://database-mcp/query@1.0"]], uri: "mcp://database-mcp/query", allowed: false },
    { name: "exact pin refuses another tool", allowlist: [["mcp://database-mcp/query@1.0"]], uri: "mcp://database-mcp/drop@1.0", allowed: false },
    { name: "entry without version = any version", allowlist: [["mcp://db/query"]], uri: "mcp://db/query@9.9", allowed: true },
    { name: "version wildcard", allowlist: [["mcp://db/query@1.*"]], uri: "mcp://db/query@1.4", allowed: true },
    { name: "version wildcard refuses other major", allowlist: [["mcp://db/query@1.*"]], uri: "mcp://db/query@2.0", allowed: false },
    { name: "server wildcard part", allowlist: [["mcp://*-mcp/read@*"]], uri: "mcp://files-mcp/read@1", allowed: true },
    { name: "scheme compared case-insensitively", allowlist: [["MCP://db/query"]], uri: "Mcp://db/query@1", allowed: true },
    { name: "all-of: allowed by both lists", allowlist: [["mcp://a/*", "mcp://b/*"], ["mcp://a/read@*"]], uri: "mcp://a/read@1", allowed: true },
    { name: "all-of: allowed by the first list only", allowlist: [["mcp://a/*", "mcp://b/*"], ["mcp://a/read@*"]], uri: "mcp://b/read@1", allowed: false },
    { name: "all-of: * in one list, narrow other list", allowlist: [["*"], ["mcp://a/*"]], uri: "mcp://b/x@1", allowed: false },
    { name: "all-of: an empty inner list allows nothing", allowlist: [["*"], []], uri: "mcp://a/x@1", allowed: false },
    { name: "malformed entries match nothing", allowlist: [["mcp://a", "vision-mcp/*"]], uri: "mcp://a/x@1", allowed: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const runtime: EffectiveRuntime = {
        tools: c.allowlist === undefined ? {} : { allowlist: c.allowlist },
        enforcement: { deny_on: ["tool_not_in_allowlist"] },
      };
      const d = compileRuntime(runtime).checkTool(c.uri);
      expect(d.allowed).toBe(c.allowed);
      expect(codes(d)).toEqual(c.allowed ? [] : ["tool_not_in_allowlist"]);
    });
  }

  it("a flat list (one document's value) counts as one inner list; [] allows nothing", () => {
    const flat = compileRuntime({ tools: { allowlist: ["mcp://a/*"] as unknown as string[][] } });
    expect(flat.checkTool("mcp://a/t@1").violations).toEqual([]);
    expect(codes(flat.checkTool("mcp://b/t@1"))).toEqual(["tool_not_in_allowlist"]);
    expect(codes(compileRuntime({ tools: { allowlist: [] } }).checkTool("mcp://a/t@1"))).toEqual(["tool_not_in_allowlist"]);
    const egress = compileRuntime({ security: { egress_allowlist: ["api.example.com"] as unknown as string[][] } });
    expect(codes(egress.checkTool("mcp://a/t@1", { egressHost: "api.example.com" }))).toEqual([]);
  });

  it("a malformed entry matches nothing", () => {
    const r = compileRuntime({ tools: { allowlist: [["mcp://a", "mcp://ok/*", "x"]] } });
    expect(codes(r.checkTool("mcp://ok/t@1"))).toEqual([]);
    expect(codes(r.checkTool("mcp://a/t@1"))).toEqual(["tool_not_in_allowlist"]);
    expect(codes(r.checkTool("x"))).toEqual(["tool_not_in_allowlist"]);
  });

  it("names the list that refused in an all-of", () => {
    const d = compileRuntime({ tools: { allowlist: [["*"], ["mcp://a/*"]] } }).checkTool("mcp://b/x@1");
    expect(d.violations[0]!.message).toContain("allowlist 2 of 2");
  });
});

describe("checkTool: enforcement modes", () => {
  const tools = { allowlist: [["mcp://a/*"]] };
  const cases: Array<{ name: string; deny_on?: ReasonCode[]; escalate_on?: ReasonCode[]; allowed: boolean; enforced: string; escalate: ReasonCode[] }> = [
    { name: "no enforcement section: observe", allowed: true, enforced: "observe", escalate: [] },
    { name: "deny_on: [] is observe mode", deny_on: [], allowed: true, enforced: "observe", escalate: [] },
    { name: "deny_on without the code: observe", deny_on: ["sast_failed"], allowed: true, enforced: "observe", escalate: [] },
    { name: "deny_on with the code: deny", deny_on: ["tool_not_in_allowlist"], allowed: false, enforced: "deny", escalate: [] },
    { name: "escalate only", deny_on: [], escalate_on: ["tool_not_in_allowlist"], allowed: true, enforced: "escalate", escalate: ["tool_not_in_allowlist"] },
    {
      name: "deny beats escalate, escalate still listed",
      deny_on: ["tool_not_in_allowlist"],
      escalate_on: ["tool_not_in_allowlist"],
      allowed: false,
      enforced: "deny",
      escalate: ["tool_not_in_allowlist"],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const enforcement = { ...(c.deny_on ? { deny_on: c.deny_on } : {}), ...(c.escalate_on ? { escalate_on: c.escalate_on } : {}) };
      const runtime: EffectiveRuntime = { tools, ...(c.deny_on || c.escalate_on ? { enforcement } : {}) };
      const d = compileRuntime(runtime).checkTool("mcp://b/x@1");
      expect({ allowed: d.allowed, enforced: d.enforced, escalate: d.escalate }).toEqual({
        allowed: c.allowed,
        enforced: c.enforced,
        escalate: c.escalate,
      });
      expect(codes(d)).toEqual(["tool_not_in_allowlist"]);
      expect(d.violations[0]!.blocking).toBe(!c.allowed);
    });
  }

  it("a clean call is allowed in observe with no violations", () => {
    const d = compileRuntime({ tools, enforcement: { deny_on: ["tool_not_in_allowlist"] } }).checkTool("mcp://a/x@1");
    expect(d).toEqual({ allowed: true, violations: [], enforced: "observe", escalate: [] });
  });

  it("only the codes in deny_on block when several violations occur", () => {
    const runtime: EffectiveRuntime = {
      tools: { allowlist: [["mcp://a/*"]], deny_if_unpinned_version: true },
      enforcement: { deny_on: ["version_unpinned"], escalate_on: ["tool_not_in_allowlist"] },
    };
    const r = compileRuntime(runtime);
    const pinnedOutside = r.checkTool("mcp://b/x@1");
    expect(pinnedOutside).toMatchObject({ allowed: true, enforced: "escalate", escalate: ["tool_not_in_allowlist"] });
    const unpinnedOutside = r.checkTool("mcp://b/x");
    expect(codes(unpinnedOutside)).toEqual(["tool_not_in_allowlist", "version_unpinned"]);
    expect(unpinnedOutside.violations.map((v) => v.blocking)).toEqual([false, true]);
    expect(unpinnedOutside).toMatchObject({ allowed: false, enforced: "deny" });
  });
});

describe("checkTool: malformed URIs are always denied", () => {
  const bad = ["", "vision-mcp/detect", "http://a/b@1", "mcp://", "mcp://a", "mcp:///tool", "mcp://a/", "mcp://a/t@", "mcp://a/t@1@2", "mcp://a b/t", "mcp://a/*@1", "mcp://a@x/t", "mcp://a/t\n"];
  for (const uri of bad) {
    it(JSON.stringify(uri), () => {
      // observe mode and a bare * allowlist: the most permissive policy there is
      const d = compileRuntime({ tools: { allowlist: [["*"]] }, enforcement: { deny_on: [] } }).checkTool(uri);
      expect(d.allowed).toBe(false);
      expect(d.enforced).toBe("deny");
      expect(codes(d)).toEqual(["tool_not_in_allowlist"]);
      expect(d.violations[0]!.message).toMatch(/^malformed tool URI/);
      expect(d.violations[0]!.blocking).toBe(true);
    });
  }
  it("non-strings from untyped callers", () => {
    const r = compileRuntime({});
    for (const v of [undefined, null, 42, {}]) expect(r.checkTool(v as unknown as string).allowed).toBe(false);
  });
  it("a tool name with / is well-formed", () => {
    expect(compileRuntime({ tools: { allowlist: [["mcp://a/*"]] } }).checkTool("mcp://a/ns/tool@1").allowed).toBe(true);
  });
});

describe("checkTool: pinning", () => {
  const deny: EffectiveRuntime["enforcement"] = { deny_on: ["version_unpinned", "tool_not_in_allowlist"] };
  const cases: Array<{ name: string; runtime: EffectiveRuntime; uri: string; codes: string[] }> = [
    { name: "unpinned allowed when deny_if_unpinned_version is false", runtime: { tools: { deny_if_unpinned_version: false } }, uri: "mcp://a/t", codes: [] },
    { name: "unpinned allowed when deny_if_unpinned_version is absent", runtime: { tools: {} }, uri: "mcp://a/t", codes: [] },
    { name: "unpinned denied when deny_if_unpinned_version is true", runtime: { tools: { deny_if_unpinned_version: true } }, uri: "mcp://a/t", codes: ["version_unpinned"] },
    { name: "pinned passes deny_if_unpinned_version", runtime: { tools: { deny_if_unpinned_version: true } }, uri: "mcp://a/t@1", codes: [] },
    { name: "allow_versions: listed version", runtime: { security: { allow_versions: { "vision-mcp": ["1.0.0", "1.1.0"] } } }, uri: "mcp://vision-mcp/d@1.1.0", codes: [] },
    {
      name: "allow_versions: unlisted version is not in the allowlist",
      runtime: { security: { allow_versions: { "vision-mcp": ["1.0.0", "1.1.0"] } } },
      uri: "mcp://vision-mcp/d@2.0.0",
      codes: ["tool_not_in_allowlist"],
    },
    {
      name: "allow_versions: unpinned call to a listed server cannot be checked",
      runtime: { security: { allow_versions: { "vision-mcp": ["1.0.0"] } } },
      uri: "mcp://vision-mcp/d",
      codes: ["version_unpinned"],
    },
    { name: "allow_versions: other servers unaffected", runtime: { security: { allow_versions: { "vision-mcp": ["1.0.0"] } } }, uri: "mcp://db/q@7", codes: [] },
    { name: "allow_versions: wildcard versions", runtime: { security: { allow_versions: { db: ["2.*"] } } }, uri: "mcp://db/q@2.3", codes: [] },
    { name: "allow_versions: prototype keys are not servers", runtime: { security: { allow_versions: { db: ["1"] } } }, uri: "mcp://constructor/q@2", codes: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = compileRuntime({ ...c.runtime, enforcement: deny }).checkTool(c.uri);
      expect(codes(d)).toEqual(c.codes);
      expect(d.allowed).toBe(c.codes.length === 0);
    });
  }
});

describe("checkTool: facts", () => {
  const runtime: EffectiveRuntime = {
    signing: { enabled: true },
    side_effects: { require_idempotency_key: true },
    agent_guard: { enabled: true, block_on_severity: "high", block_on_count: 5 },
    security: {
      egress_allowlist: [["*.example.com", "api.stripe.com"]],
      fs_allowlist: [["/tmp/sec0-*"]],
      limits: { max_payload_kb: 1024, max_duration_ms: 30000 },
    },
  };
  const r = compileRuntime(runtime);
  const cases: Array<{ name: string; facts: ToolFacts; codes: ReasonCode[] }> = [
    { name: "no facts", facts: {}, codes: [] },
    { name: "signature missing", facts: { signaturePresent: false }, codes: ["missing_audit_signature"] },
    { name: "signature present", facts: { signaturePresent: true }, codes: [] },
    { name: "side effect without key", facts: { sideEffect: true }, codes: ["missing_idempotency_for_side_effect"] },
    { name: "side effect with empty key", facts: { sideEffect: true, idempotencyKey: "" }, codes: ["missing_idempotency_for_side_effect"] },
    { name: "side effect with key", facts: { sideEffect: true, idempotencyKey: "k1" }, codes: [] },
    { name: "no side effect, no key", facts: { sideEffect: false }, codes: [] },
    { name: "egress to a subdomain", facts: { egressHost: "api.example.com" }, codes: [] },
    { name: "egress as a URL with port", facts: { egressHost: "https://API.Stripe.com:443/v1/charges" }, codes: [] },
    { name: "egress host:port", facts: { egressHost: "api.stripe.com:443" }, codes: [] },
    { name: "*.example.com does not cover example.com", facts: { egressHost: "example.com" }, codes: ["egress_violation"] },
    { name: "egress elsewhere", facts: { egressHost: "evil.com" }, codes: ["egress_violation"] },
    { name: "egress userinfo trick", facts: { egressHost: "https://api.stripe.com@evil.com/" }, codes: ["egress_violation"] },
    { name: "egress unparsable", facts: { egressHost: "https://" }, codes: ["egress_violation"] },
    { name: "several hosts, one bad", facts: { egressHost: ["a.example.com", "evil.com"] }, codes: ["egress_violation"] },
    { name: "fs path inside", facts: { fsPath: "/tmp/sec0-run/out.json" }, codes: [] },
    { name: "fs path matching the glob itself", facts: { fsPath: "/tmp/sec0-x" }, codes: [] },
    { name: "fs path outside", facts: { fsPath: "/etc/passwd" }, codes: ["fs_violation"] },
    { name: "fs traversal", facts: { fsPath: "/tmp/sec0-a/../../etc/passwd" }, codes: ["fs_violation"] },
    { name: "fs * stays in a segment", facts: { fsPath: "/tmp/other/sec0-x" }, codes: ["fs_violation"] },
    { name: "fs NUL byte", facts: { fsPath: "/tmp/sec0-a\0/x" }, codes: ["fs_violation"] },
    { name: "payload at the limit", facts: { payloadKb: 1024 }, codes: [] },
    { name: "payload over the limit", facts: { payloadKb: 1025 }, codes: ["payload_too_large"] },
    { name: "payload NaN", facts: { payloadKb: Number.NaN }, codes: ["payload_too_large"] },
    { name: "duration over the limit", facts: { durationMs: 30001 }, codes: ["duration_too_long"] },
    { name: "code changes", facts: { codeChanged: true, serverCodeChanged: true }, codes: ["server_code_changed", "tool_code_changed"] },
    { name: "registry and handler", facts: { registryMutated: true, handlerSwapped: true }, codes: ["registry_mutation", "handler_swap"] },
    { name: "skills", facts: { skillVersionChanged: true, skillCodeChanged: true }, codes: ["skill_version_changed", "skill_code_changed"] },
    { name: "scans pending", facts: { skillScan: "pending", sast: "pending", dast: "pending" }, codes: ["skill_scan_pending", "sast_pending", "dast_pending"] },
    { name: "scans failed", facts: { skillScan: "failed", sast: "failed", dast: "failed" }, codes: ["skill_scan_failed", "sast_failed", "dast_failed"] },
    { name: "scans passed", facts: { skillScan: "passed", sast: "passed", dast: "passed" }, codes: [] },
    { name: "unknown scan status counts as failed", facts: { sast: "skipped" as never }, codes: ["sast_failed"] },
    { name: "guard: severity below, count below", facts: { agentGuardFindings: { severity: "medium", count: 2 } }, codes: [] },
    { name: "guard: severity reaches", facts: { agentGuardFindings: { severity: "high", count: 1 } }, codes: ["agent_guard_failed"] },
    { name: "guard: critical is above high", facts: { agentGuardFindings: { severity: "critical", count: 1 } }, codes: ["agent_guard_failed"] },
    { name: "guard: count reaches", facts: { agentGuardFindings: { severity: "low", count: 5 } }, codes: ["agent_guard_failed"] },
    { name: "guard: no findings", facts: { agentGuardFindings: { severity: "critical", count: 0 } }, codes: [] },
    { name: "guard: unknown severity counts as critical", facts: { agentGuardFindings: { severity: "severe" as never, count: 1 } }, codes: ["agent_guard_failed"] },
    { name: "guard: a null report (JSON callers) counts as one finding of unknown severity", facts: { agentGuardFindings: null as never }, codes: ["agent_guard_failed"] },
    { name: "guard: a report that is not an object counts as one finding", facts: { agentGuardFindings: "clean" as never }, codes: ["agent_guard_failed"] },
    { name: "contextual denied", facts: { contextual: "denied" }, codes: ["contextual_evaluator_denied"] },
    { name: "contextual escalated", facts: { contextual: "escalated" }, codes: ["contextual_evaluator_escalated"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(codes(r.checkTool("mcp://a/t@1", c.facts))).toEqual(c.codes);
    });
  }

  it("facts raise nothing when the policy does not govern them", () => {
    const bare = compileRuntime({});
    const all: ToolFacts = {
      signaturePresent: false,
      sideEffect: true,
      egressHost: "evil.com",
      fsPath: "/etc/passwd",
      payloadKb: 1e9,
      durationMs: 1e9,
      agentGuardFindings: { severity: "critical", count: 100 },
    };
    expect(codes(bare.checkTool("mcp://a/t@1", all))).toEqual([]);
  });

  it("a null agent guard report is answered, never thrown, and says why it counts", () => {
    const d = r.checkTool("mcp://a/t@1", { agentGuardFindings: null as never });
    expect(d.violations.find((v) => v.code === "agent_guard_failed")?.message).toBe("agent guard blocked the call: severity undefined reaches high");
  });

  it("a block_on_severity that is no severity (an object property name too) ranks as critical", () => {
    for (const name of ["constructor", "toString", "__proto__", "severe"]) {
      const guard = compileRuntime({ agent_guard: { enabled: true, block_on_severity: name as never } });
      expect(codes(guard.checkTool("mcp://a/t@1", { agentGuardFindings: { severity: "critical", count: 1 } })), name).toEqual(["agent_guard_failed"]);
      expect(codes(guard.checkTool("mcp://a/t@1", { agentGuardFindings: { severity: "high", count: 1 } })), name).toEqual([]);
    }
  });

  it("agent guard disabled, or any finding when no threshold is set", () => {
    const finding: ToolFacts = { agentGuardFindings: { severity: "low", count: 1 } };
    expect(codes(compileRuntime({ agent_guard: { enabled: false, block_on_count: 1 } }).checkTool("mcp://a/t@1", finding))).toEqual([]);
    expect(codes(compileRuntime({ agent_guard: { enabled: true } }).checkTool("mcp://a/t@1", finding))).toEqual(["agent_guard_failed"]);
  });

  it("security.side_effects.require_idempotency_key also requires a key", () => {
    const d = compileRuntime({ security: { side_effects: { require_idempotency_key: true } } }).checkTool("mcp://a/t@1", { sideEffect: true });
    expect(codes(d)).toEqual(["missing_idempotency_for_side_effect"]);
  });

  it("egress and fs allowlists are all-of", () => {
    const all = compileRuntime({
      security: { egress_allowlist: [["*.example.com"], ["api.example.com"]], fs_allowlist: [["/tmp/**"], ["/tmp/a/*"]] },
    });
    expect(codes(all.checkTool("mcp://a/t@1", { egressHost: "api.example.com", fsPath: "/tmp/a/b" }))).toEqual([]);
    expect(codes(all.checkTool("mcp://a/t@1", { egressHost: "www.example.com", fsPath: "/tmp/c/b" }))).toEqual(["egress_violation", "fs_violation"]);
  });

  it("facts are still reported for a malformed URI", () => {
    const d = r.checkTool("nope", { sast: "failed" });
    expect(codes(d)).toEqual(["tool_not_in_allowlist", "sast_failed"]);
    expect(d.violations.map((v) => v.blocking)).toEqual([true, false]);
  });

  it("the example repository's production policy", () => {
    const prod: EffectiveRuntime = {
      tools: { allowlist: [["mcp://vision-mcp/*@*", "mcp://database-mcp/query@1.0", "mcp://tickets-mcp/*"]], deny_if_unpinned_version: true },
      enforcement: {
        deny_on: ["tool_not_in_allowlist", "agent_guard_failed", "server_code_changed", "version_unpinned", "tool_code_changed", "sast_failed", "egress_violation"],
        escalate_on: ["agent_guard_failed", "skill_scan_failed"],
      },
      agent_guard: { enabled: true, block_on_severity: "high", block_on_count: 5 },
      security: { allow_versions: { "vision-mcp": ["1.0.0", "1.1.0"] }, egress_allowlist: [["*.acme.example", "api.stripe.com"]] },
    };
    const e = compileRuntime(prod);
    expect(e.checkTool("mcp://vision-mcp/detect@1.1.0").allowed).toBe(true);
    expect(e.checkTool("mcp://vision-mcp/detect@1.2.0")).toMatchObject({ allowed: false, enforced: "deny" });
    expect(e.checkTool("mcp://tickets-mcp/create")).toMatchObject({ allowed: false, enforced: "deny" });
    expect(e.checkTool("mcp://database-mcp/query@1.0", { agentGuardFindings: { severity: "high", count: 1 } })).toMatchObject({
      allowed: false,
      enforced: "deny",
      escalate: ["agent_guard_failed"],
    });
    expect(e.checkTool("mcp://database-mcp/query@1.0", { skillScan: "failed" })).toMatchObject({
      allowed: true,
      enforced: "escalate",
      escalate: ["skill_scan_failed"],
    });
  });
});
