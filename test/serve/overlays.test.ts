import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileEngine } from "../../src/engine/engine.js";
import type { EffectiveTarget } from "../../src/engine/effective.js";
import { evaluateAccessReference } from "../../src/engine/access/reference.js";
import { EdictError } from "../../src/errors.js";
import type { BundleMeta, LoadedEngine, LoaderEvents } from "../../src/loader/types.js";
import { proveTighter } from "../../src/serve/overlay/prove.js";
import { applyOverlays, createOverlaySet, loadOverlays, overlayDigest, parseOverlay } from "../../src/serve/overlays.js";
import type { OverlayDocs } from "../../src/serve/overlays.js";

const bundleSource = { policy: "base", file: "policies/base.yaml" };

/** A bundle target: S3 allowed, deletes need approval, limits and allowlists set. */
function bundleTarget(): EffectiveTarget {
  return {
    access: {
      Statement: [
        { Sid: "AllowS3", Effect: "Allow", Action: ["s3:*"], Resource: ["arn:aws:s3:::*"], source: bundleSource },
        { Sid: "AllowTools", Effect: "Allow", Action: ["tool:Use"], Resource: ["tool://*"], source: bundleSource },
      ],
      RequireApproval: { Actions: ["s3:Delete*"] },
      ResourceLimits: { MaxTokens: 1000, MaxExecutionTime: "30m" },
    },
    runtime: { tools: { allowlist: [["mcp://github/*", "mcp://fs/read@*"]] }, enforcement: { deny_on: ["tool_not_in_allowlist"] } },
    data: { rules: [], default_action: "allow" },
    posture: { local: { min_security_score: 50 } },
  };
}

function overlay(text: string, path = "/etc/edict/overlay.yaml"): OverlayDocs {
  const file = parseOverlay(path, new TextEncoder().encode(text));
  return { files: [file], digest: overlayDigest([file.bytes]) };
}

function docs(...files: Array<{ path: string; text: string }>): OverlayDocs {
  const parsed = files.map((f) => parseOverlay(f.path, new TextEncoder().encode(f.text)));
  return { files: parsed, digest: overlayDigest(parsed.map((f) => f.bytes)) };
}

function refusal(fn: () => unknown): EdictError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EdictError);
    return e as EdictError;
  }
  throw new Error("expected a refusal");
}

const access = (spec: string, id = "host") => `apiVersion: edict/v1
kind: AccessPolicy
metadata:
  id: ${id}
  priority: 10
spec:
  Version: "2024-01-01"
${spec}`;

const runtime = (spec: string, id = "host-runtime") => `apiVersion: edict/v1
kind: RuntimePolicy
metadata:
  id: ${id}
  priority: 10
spec:
${spec}`;

describe("applyOverlays: what tightens", () => {
  it("a Deny statement denies a request the bundle allowed", () => {
    const before = compileEngine(bundleTarget());
    const request = { action: "s3:GetObject", resource: "arn:aws:s3:::secrets/key" };
    expect(before.authorize(request).decision).toBe("allow");
    const { target } = applyOverlays(bundleTarget(), overlay(access(`  Statement:
    - Sid: NoSecrets
      Effect: Deny
      Action: "s3:*"
      Resource: "arn:aws:s3:::secrets/*"
`)));
    const after = compileEngine(target);
    expect(after.authorize(request).decision).toBe("deny");
    expect(after.authorize({ action: "s3:GetObject", resource: "arn:aws:s3:::public/key" }).decision).toBe("allow");
    expect(target.access.Statement.at(-1)?.source).toEqual({ policy: "host", file: "/etc/edict/overlay.yaml" });
  });

  it("a lower limit is applied", () => {
    const { target } = applyOverlays(bundleTarget(), overlay(access(`  ResourceLimits:
    MaxTokens: 500
    MaxExecutionTime: 10m
`)));
    expect(target.access.ResourceLimits).toEqual({ MaxTokens: 500, MaxExecutionTime: "10m" });
  });

  it("a narrower tool allowlist is applied: a tool the bundle allowed is refused after", () => {
    const { target } = applyOverlays(bundleTarget(), overlay(runtime(`  tools:
    allowlist: ["mcp://github/get_*"]
`)));
    expect(target.runtime.tools?.allowlist).toEqual([["mcp://github/*", "mcp://fs/read@*"], ["mcp://github/get_*"]]);
    const engine = compileEngine(target);
    expect(engine.checkTool("mcp://github/get_issue@1").allowed).toBe(true);
    expect(engine.checkTool("mcp://github/delete_repo@1").allowed).toBe(false);
  });

  it("observe mode turned into blocking: deny_on extended", () => {
    const base = bundleTarget();
    base.runtime.enforcement = {};
    expect(compileEngine(base).checkTool("mcp://shell/run@1").allowed).toBe(true);
    const { target } = applyOverlays(base, overlay(runtime(`  enforcement:
    deny_on: [tool_not_in_allowlist]
`)));
    expect(compileEngine(target).checkTool("mcp://shell/run@1").allowed).toBe(false);
    // a deny list is extended, never replaced: an empty one keeps the bundle's
    expect(applyOverlays(bundleTarget(), overlay(runtime("  enforcement:\n    deny_on: []\n"))).target.runtime.enforcement?.deny_on).toEqual(["tool_not_in_allowlist"]);
  });

  it("a stricter posture minimum and a new required check are applied", () => {
    const { target } = applyOverlays(bundleTarget(), overlay(`apiVersion: edict/v1
kind: PosturePolicy
metadata:
  id: host-posture
  priority: 10
spec:
  local:
    min_security_score: 80
    require_encryption: true
`));
    expect(target.posture.local).toEqual({ min_security_score: 80, require_encryption: true });
  });

  it("more actions needing approval, and DeniedTools as a Deny statement", () => {
    const { target } = applyOverlays(bundleTarget(), overlay(access(`  RequireApproval:
    Actions: ["s3:Put*"]
  Capabilities:
    DeniedTools: ["shell"]
`)));
    const engine = compileEngine(target);
    expect(engine.authorize({ action: "s3:PutObject", resource: "arn:aws:s3:::a/b" }).decision).toBe("approval_required");
    expect(engine.authorize({ action: "tool:Use", resource: "tool://shell" }).decision).toBe("deny");
    expect(engine.authorize({ action: "tool:Use", resource: "tool://git" }).decision).toBe("allow");
  });

  it("a DataPolicy overlay may add a deny rule", () => {
    const { target } = applyOverlays(bundleTarget(), overlay(`apiVersion: edict/v1
kind: DataPolicy
metadata:
  id: no-pii
  priority: 10
spec:
  match:
    dataset: "hr/*"
  action:
    deny: true
    reason: host forbids HR data
`));
    const engine = compileEngine(target);
    expect(engine.decideData({ dataset: "hr/people", fields: [{ name: "name" }], requester: {} }).action).toBe("deny");
    expect(engine.decideData({ dataset: "sales/q1", fields: [{ name: "total" }], requester: {} }).action).toBe("allow");
  });

  it("leaves the bundle's target untouched", () => {
    const base = bundleTarget();
    applyOverlays(base, overlay(access(`  ResourceLimits:
    MaxTokens: 10
`)));
    expect(base).toEqual(bundleTarget());
  });
});

describe("applyOverlays: what is refused, with the position of the offending value", () => {
  it("an Allow statement", () => {
    const e = refusal(() => applyOverlays(bundleTarget(), overlay(access(`  Statement:
    - Sid: Sneaky
      Effect: Allow
      Action: "iam:*"
      Resource: "*"
`))));
    expect(e.code).toBe("CONFIG_ERROR");
    expect(e.position).toEqual({ file: "/etc/edict/overlay.yaml", line: 10, column: 15 });
    expect(e.toString()).toMatch(/^\/etc\/edict\/overlay\.yaml:10:15: overlay refused: an overlay may only add Deny statements/);
  });

  it("a raised limit", () => {
    const e = refusal(() => applyOverlays(bundleTarget(), overlay(access(`  ResourceLimits:
    MaxExecutionTime: 5m
    MaxTokens: 2000
`))));
    expect(e.position).toEqual({ file: "/etc/edict/overlay.yaml", line: 10, column: 16 });
    expect(e.message).toMatch(/access ResourceLimits\.MaxTokens: 2000 is looser than the bundle's 1000/);
  });

  it("a limit raised through a duration", () => {
    const e = refusal(() => applyOverlays(bundleTarget(), overlay(access(`  ResourceLimits:
    MaxExecutionTime: 2h
`))));
    expect(e.position?.line).toBe(9);
    expect(e.message).toMatch(/MaxExecutionTime/);
  });

  it("a wider tool allowlist, at the entry the bundle does not allow", () => {
    const e = refusal(() => applyOverlays(bundleTarget(), overlay(runtime(`  tools:
    allowlist:
      - "mcp://github/get_*"
      - "mcp://shell/*"
`))));
    expect(e.position).toEqual({ file: "/etc/edict/overlay.yaml", line: 10, column: 9 });
    expect(e.message).toMatch(/"mcp:\/\/shell\/\*" is not allowed by the bundle's list/);
  });

  it("a lower posture minimum, a field that cannot be ordered, and a looser switch", () => {
    const posture = (spec: string) => `apiVersion: edict/v1
kind: PosturePolicy
metadata:
  id: p
  priority: 1
spec:
${spec}`;
    expect(refusal(() => applyOverlays(bundleTarget(), overlay(posture("  local:\n    min_security_score: 10\n")))).position?.line).toBe(8);
    expect(refusal(() => applyOverlays(bundleTarget(), overlay(posture("  fallback_provider: vault\n")))).message).toMatch(/may not change this field/);
    expect(refusal(() => applyOverlays(bundleTarget(), overlay(posture("  allow_insecure: true\n")))).message).toMatch(/looser/);
  });

  it("a DataPolicy overlay that allows", () => {
    const e = refusal(() => applyOverlays(bundleTarget(), overlay(`apiVersion: edict/v1
kind: DataPolicy
metadata:
  id: open
  priority: 1
spec:
  action:
    allow: true
`)));
    expect(e.position?.line).toBe(8);
    expect(e.message).toMatch(/may only deny/);
  });

  it("a path locked by an earlier overlay, even to tighten it", () => {
    const system = { path: "/etc/edict/system.yaml", text: access(`  ResourceLimits:
    MaxTokens: 800
`, "system").replace("  priority: 10\n", "  priority: 10\n  locked: [ResourceLimits]\n") };
    const user = { path: "/home/u/.edict/user.yaml", text: access(`  ResourceLimits:
    MaxTokens: 100
`, "user") };
    const e = refusal(() => applyOverlays(bundleTarget(), docs(system, user)));
    expect(e.position).toEqual({ file: "/home/u/.edict/user.yaml", line: 9, column: 16 });
    expect(e.message).toMatch(/locked by overlay system \(\/etc\/edict\/system\.yaml\); edict has no way to bypass a lock/);
    // the same user file alone is accepted: the refusal comes from the lock
    expect(applyOverlays(bundleTarget(), docs(user)).target.access.ResourceLimits?.MaxTokens).toBe(100);
  });

  it("a path the bundle's documents locked, even to tighten it, and nothing else", () => {
    const locked: EffectiveTarget = {
      ...bundleTarget(),
      locks: [
        { kind: "access", path: "ResourceLimits.MaxTokens", policy: "base", file: "policies/base.yaml" },
        { kind: "runtime", path: "tools", policy: "org-baseline", file: "" },
      ],
    };
    const tokens = overlay(access("  ResourceLimits:\n    MaxTokens: 10\n"), "/etc/edict/tokens.yaml");
    const e = refusal(() => applyOverlays(locked, tokens));
    expect(e.position).toEqual({ file: "/etc/edict/tokens.yaml", line: 9, column: 16 });
    expect(e.message).toMatch(/access ResourceLimits\.MaxTokens is locked by policy base \(policies\/base\.yaml\) of the bundle; edict has no way to bypass a lock/);
    // a lock under a parent path covers its children
    const tools = overlay(runtime("  tools:\n    allowlist: [\"mcp://github/*\"]\n"), "/etc/edict/tools.yaml");
    expect(refusal(() => applyOverlays(locked, tools)).message).toMatch(/runtime tools\.allowlist is locked by policy org-baseline of the bundle/);
    // a sibling of a locked path, and the same kind's other fields, still tighten
    const time = overlay(access("  ResourceLimits:\n    MaxExecutionTime: 10m\n"));
    expect(applyOverlays(locked, time).target.access.ResourceLimits?.MaxExecutionTime).toBe("10m");
    // the locks are kept in the overlaid target, so a second round of overlays sees them too
    expect(applyOverlays(locked, time).target.locks).toEqual(locked.locks);
    // without the bundle's locks the same overlays are accepted: the refusal comes from the lock
    expect(applyOverlays(bundleTarget(), tokens).target.access.ResourceLimits?.MaxTokens).toBe(10);
    expect(applyOverlays(bundleTarget(), tools).target.runtime.tools?.allowlist).toHaveLength(2);
  });

  it("ignores malformed lock entries of a payload instead of failing", () => {
    const odd = { ...bundleTarget(), locks: [null, 7, { kind: "access" }, { path: "x" }] } as unknown as EffectiveTarget;
    const time = overlay(access("  ResourceLimits:\n    MaxTokens: 10\n"));
    expect(applyOverlays(odd, time).target.access.ResourceLimits?.MaxTokens).toBe(10);
  });

  it("no environment variable bypasses a lock", () => {
    const system = { path: "/s.yaml", text: access("  ResourceLimits:\n    MaxTokens: 800\n", "system").replace("  priority: 10\n", "  priority: 10\n  locked: [ResourceLimits.MaxTokens]\n") };
    const user = { path: "/u.yaml", text: access("  ResourceLimits:\n    MaxTokens: 100\n", "user") };
    const saved = { ...process.env };
    try {
      for (const name of ["EDICT_BYPASS_LOCKS", "EDICT_OVERLAY_BYPASS", "VAULTGUARD_BYPASS_LOCKS", "EDICT_UNLOCK"]) process.env[name] = "1";
      expect(refusal(() => applyOverlays(bundleTarget(), docs(system, user))).message).toMatch(/locked/);
    } finally {
      process.env = saved;
    }
  });
});

describe("proveTighter: the semantic diff as the second check", () => {
  it("refuses an overlaid target that allows more, at the overlay that set it", () => {
    const docsIn = overlay(access("  Statement:\n    - Effect: Deny\n      Action: iam:*\n      Resource: \"*\"\n"));
    const base = bundleTarget();
    const overlaid = bundleTarget();
    const src = { policy: "host", file: "/etc/edict/overlay.yaml" };
    overlaid.access.Statement.push({ Effect: "Allow", Action: ["iam:*"], Resource: ["*"], source: src });
    const provenance = { access: { Statement: [src] }, runtime: {}, data: {}, posture: {} };
    const e = refusal(() => proveTighter(base, overlaid, provenance, docsIn.files));
    expect(e.code).toBe("CONFIG_ERROR");
    expect(e.position?.file).toBe("/etc/edict/overlay.yaml");
    expect(e.position?.line).toBe(8);
    expect(e.message).toMatch(/semantic diff from the bundle finds .*loosened/);
  });

  it("accepts a target that only denies more", () => {
    const docsIn = overlay(access("  Statement:\n    - Effect: Deny\n      Action: iam:*\n      Resource: \"*\"\n"));
    const overlaid = bundleTarget();
    overlaid.access.Statement.push({ Effect: "Deny", Action: ["s3:Delete*"], Resource: ["*"], source: { policy: "host", file: "/etc/edict/overlay.yaml" } });
    expect(proveTighter(bundleTarget(), overlaid, { access: {}, runtime: {}, data: {}, posture: {} }, docsIn.files).verdict).toBe("tightened");
  });
});

describe("loadOverlays", () => {
  const dir = mkdtempSync(join(tmpdir(), "edict-overlays-"));
  const a = join(dir, "a.yaml");
  const b = join(dir, "b.yaml");
  writeFileSync(a, access("  ResourceLimits:\n    MaxTokens: 900\n", "a"));
  writeFileSync(b, runtime("  tools:\n    allowlist: [\"mcp://github/*\"]\n", "b"));

  it("reads files in order with a stable, order-sensitive digest", async () => {
    const ab = await loadOverlays([a, b]);
    expect(ab.files.map((f) => f.document.metadata?.id)).toEqual(["a", "b"]);
    expect(ab.digest).toMatch(/^[0-9a-f]{64}$/);
    expect((await loadOverlays([a, b])).digest).toBe(ab.digest);
    expect((await loadOverlays([b, a])).digest).not.toBe(ab.digest);
    // framed per file: moving bytes across the boundary changes the digest
    expect(overlayDigest([new Uint8Array([1, 2]), new Uint8Array([3])])).not.toBe(overlayDigest([new Uint8Array([1]), new Uint8Array([2, 3])]));
  });

  it("reports a schema problem at its file:line:col", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, access("  ResourceLimits:\n    MaxTokenz: 5\n"));
    await expect(loadOverlays([bad])).rejects.toMatchObject({ code: "CONFIG_ERROR", position: { file: bad, line: 9, column: 5 } });
  });

  it("reports a YAML problem at its position and a missing file as IO_ERROR", async () => {
    const dup = join(dir, "dup.yaml");
    writeFileSync(dup, access("  ResourceLimits:\n    MaxTokens: 5\n    MaxTokens: 6\n"));
    await expect(loadOverlays([dup])).rejects.toMatchObject({ code: "CONFIG_ERROR", position: { file: dup, line: 10 } });
    await expect(loadOverlays([join(dir, "missing.yaml")])).rejects.toMatchObject({ code: "IO_ERROR" });
  });
});

describe("createOverlaySet", () => {
  function fakeLoader() {
    const listeners: Array<LoaderEvents["update"]> = [];
    const loader = {
      engine: undefined as LoadedEngine | undefined,
      on(event: "update", listener: LoaderEvents["update"]): () => void {
        if (event === "update") listeners.push(listener);
        return () => void listeners.splice(listeners.indexOf(listener), 1);
      },
      activate(target: EffectiveTarget, serial: number) {
        const meta = { name: "acme", serial, target: "prod", effective: target } as BundleMeta;
        loader.engine = Object.assign(compileEngine(target), { meta });
        for (const l of listeners) l(meta);
      },
      listeners,
    };
    return loader;
  }
  const deny = overlay(access(`  Statement:
    - Effect: Deny
      Action: "s3:*"
      Resource: "arn:aws:s3:::secrets/*"
`));
  const request = { action: "s3:GetObject", resource: "arn:aws:s3:::secrets/k" };

  it("is empty before a bundle, then serves the overlaid engine of each bundle", () => {
    const loader = fakeLoader();
    const set = createOverlaySet(deny, loader);
    expect(set.engine()).toBeUndefined();
    expect(set.digest()).toBe(deny.digest);
    loader.activate(bundleTarget(), 1);
    expect(set.engine()?.authorize(request).decision).toBe("deny");
    expect(set.engine()?.meta.serial).toBe(1);
    expect(set.error()).toBeUndefined();
    loader.activate(bundleTarget(), 2);
    expect(set.engine()?.meta.serial).toBe(2);
    expect(set.engine()?.authorize(request).decision).toBe("deny");
    set.close();
    expect(loader.listeners).toHaveLength(0);
  });

  it("on refusal serves the plain bundle engine and reports the error with its position", () => {
    const loader = fakeLoader();
    const raise = overlay(access("  ResourceLimits:\n    MaxTokens: 5000\n"));
    const set = createOverlaySet(raise, loader);
    loader.activate(bundleTarget(), 1);
    expect(set.engine()).toBe(loader.engine);
    expect(set.error()).toMatch(/^\/etc\/edict\/overlay\.yaml:9:16: overlay refused: access ResourceLimits\.MaxTokens: 5000 is looser/);
    // a later bundle with a higher limit accepts the same overlay
    const higher = bundleTarget();
    higher.access.ResourceLimits = { MaxTokens: 10_000 };
    loader.activate(higher, 2);
    expect(set.error()).toBeUndefined();
    expect(set.engine()).not.toBe(loader.engine);
  });

  it("follows a loader that hands out one engine object for its lifetime, as createLoader does", () => {
    const listeners: Array<LoaderEvents["update"]> = [];
    let active: { engine: ReturnType<typeof compileEngine>; meta: BundleMeta } | undefined;
    const view = {
      authorize: (r: Parameters<LoadedEngine["authorize"]>[0]) => active!.engine.authorize(r),
      checkTool: (u: string) => active!.engine.checkTool(u),
      decideData: (r: Parameters<LoadedEngine["decideData"]>[0]) => active!.engine.decideData(r),
      scan: (t: string, l: "input" | "output") => active!.engine.scan(t, l),
      posture: (f?: Parameters<LoadedEngine["posture"]>[0]) => active!.engine.posture(f),
      get meta() {
        return active!.meta;
      },
    } as LoadedEngine;
    const loader = {
      get engine() {
        return active === undefined ? undefined : view;
      },
      on(_event: "update", listener: LoaderEvents["update"]) {
        listeners.push(listener);
        return () => undefined;
      },
    };
    const activate = (target: EffectiveTarget, serial: number) => {
      active = { engine: compileEngine(target), meta: Object.freeze({ name: "acme", serial, target: "prod", effective: target }) as BundleMeta };
      for (const l of listeners) l(active.meta);
    };
    const raise = overlay(access("  ResourceLimits:\n    MaxTokens: 5000\n"));
    const set = createOverlaySet(raise, loader);
    activate(bundleTarget(), 1);
    expect(set.error()).toMatch(/overlay refused/);
    const higher = bundleTarget();
    higher.access.ResourceLimits = { MaxTokens: 10_000 };
    activate(higher, 2);
    // the same engine object now answers for bundle 2: the overlay is applied to it
    expect(set.error()).toBeUndefined();
    expect(set.engine()?.meta.serial).toBe(2);
  });

  it("with no overlay files serves the bundle engine itself and has no digest", () => {
    const loader = fakeLoader();
    loader.activate(bundleTarget(), 1);
    const set = createOverlaySet({ files: [], digest: overlayDigest([]) }, loader);
    expect(set.engine()).toBe(loader.engine);
    expect(set.digest()).toBeUndefined();
  });
});

describe("property: an accepted overlay never allows what the bundle denies", () => {
  const actions = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "iam:CreateUser", "tool:Use"];
  const resources = ["arn:aws:s3:::public/a", "arn:aws:s3:::secrets/b", "arn:aws:s3:::logs/c", "tool://shell", "tool://git", "*"];
  const patterns = ["s3:*", "s3:Get*", "s3:Delete*", "iam:*", "tool:Use", "*"];
  const resourcePatterns = ["arn:aws:s3:::secrets/*", "arn:aws:s3:::*", "tool://*", "*", "arn:aws:s3:::logs/*"];
  const tools = ["mcp://github/get_issue@1", "mcp://github/delete_repo@2", "mcp://fs/read@1", "mcp://fs/write@1", "mcp://shell/run@1"];
  const toolPatterns = ["mcp://github/*", "mcp://github/get_*", "mcp://fs/*", "mcp://fs/read@*", "mcp://shell/*", "*"];

  const statement = fc.record({
    Effect: fc.constantFrom("Deny", "Deny", "Deny", "Deny", "Allow"),
    Action: fc.constantFrom(...patterns),
    Resource: fc.constantFrom(...resourcePatterns),
    ip: fc.option(fc.constantFrom("10.0.0.0/8", "192.168.0.0/16"), { nil: undefined }),
  });
  const overlayText = fc.record({
    statements: fc.array(statement, { maxLength: 3 }),
    maxTokens: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
    approvals: fc.array(fc.constantFrom(...patterns), { maxLength: 2 }),
    allowlist: fc.option(fc.array(fc.constantFrom(...toolPatterns), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  });

  function toYaml(o: { statements: Array<{ Effect: string; Action: string; Resource: string; ip: string | undefined }>; maxTokens: number | undefined; approvals: string[]; allowlist: string[] | undefined }) {
    const lines: string[] = [];
    if (o.statements.length) {
      lines.push("  Statement:");
      for (const s of o.statements) {
        lines.push(`    - Effect: ${s.Effect}`, `      Action: ${JSON.stringify(s.Action)}`, `      Resource: ${JSON.stringify(s.Resource)}`);
        if (s.ip) lines.push("      Condition:", "        IpAddress:", `          source.ip: ${JSON.stringify(s.ip)}`);
      }
    }
    if (o.maxTokens !== undefined) lines.push("  ResourceLimits:", `    MaxTokens: ${o.maxTokens}`);
    if (o.approvals.length) lines.push("  RequireApproval:", `    Actions: ${JSON.stringify(o.approvals)}`);
    const a = access(lines.join("\n") + "\n");
    const r = o.allowlist ? runtime(`  tools:\n    allowlist: ${JSON.stringify(o.allowlist)}\n`) : undefined;
    return [a, r].filter((x): x is string => x !== undefined).join("\n---\n");
  }

  it("every request and tool call denied by the bundle stays denied (reference evaluator)", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(overlayText, fc.constantFrom("10.1.2.3", "192.168.1.1", "8.8.8.8"), (o, ip) => {
        const [accessText, runtimeText] = toYaml(o).split("\n---\n");
        const files = [{ path: "/a.yaml", text: accessText! }, ...(runtimeText ? [{ path: "/r.yaml", text: runtimeText }] : [])];
        const base = bundleTarget();
        let target: EffectiveTarget;
        try {
          target = applyOverlays(base, docs(...files)).target;
        } catch (e) {
          expect(e).toBeInstanceOf(EdictError);
          expect((e as EdictError).code).toBe("CONFIG_ERROR");
          expect((e as EdictError).position?.line).toBeGreaterThan(0);
          refused++;
          return;
        }
        accepted++;
        expect(o.statements.every((s) => s.Effect === "Deny")).toBe(true);
        for (const action of actions) {
          for (const resource of resources) {
            const request = { action, resource, context: { "source.ip": ip } };
            const before = evaluateAccessReference(base.access, request).decision;
            const after = evaluateAccessReference(target.access, request).decision;
            if (before === "deny") expect(after).toBe("deny");
            if (before === "approval_required") expect(after).not.toBe("allow");
          }
        }
        const beforeEngine = compileEngine(base);
        const afterEngine = compileEngine(target);
        for (const uri of tools) if (!beforeEngine.checkTool(uri).allowed) expect(afterEngine.checkTool(uri).allowed).toBe(false);
        if (o.maxTokens !== undefined) expect(target.access.ResourceLimits?.MaxTokens).toBeLessThanOrEqual(1000);
      }),
      { numRuns: 150, seed: Number(process.env.EDICT_PROPERTY_SEED ?? 19) },
    );
    expect(accepted).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(10);
  });
});
