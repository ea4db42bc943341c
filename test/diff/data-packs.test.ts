import { describe, expect, it } from "vitest";
import { combineVerdicts, nextVersion, overallVerdict, renderDiffMarkdown } from "../../src/diff/index.js";
import { accessDoc, changeAt, diffFiles, doc, ONE_TARGET, prod } from "./helpers.js";

const rule = (id: string, action: string, extra = "") => ({
  [`policies/${id}.yaml`]: doc("DataPolicy", id, `  match: { dataset: "*" }\n  action: { ${action} }\n${extra}`),
});
const DENY = "deny: true, reason: no";
const MASK = "mask: true";
const ALLOW = "allow: true";

describe("data rules", () => {
  it("a deny rule removed is loosened when something weaker can decide", () => {
    const r = diffFiles({ ...rule("a", ALLOW), ...rule("b", DENY) }, rule("a", ALLOW));
    expect(changeAt(r, "rules.b")).toMatchObject({ kind: "data", subject: "rule", change: "removed", verdict: "loosened", note: "1 request loosened" });
    expect(r.verdict).toBe("loosened");
  });

  it("a deny rule removed under default deny with no other rule changes nothing, but is a guardrail removed", () => {
    expect(changeAt(diffFiles(rule("b", DENY), {}), "rules.b")).toMatchObject({ verdict: "neutral", guardrail: "removed", note: "no decision changes" });
  });

  it("a mask rule added under default deny lets masked data out (loosened); over an allow-all it only masks (tightened)", () => {
    expect(changeAt(diffFiles({}, rule("m", MASK)), "rules.m").verdict).toBe("loosened");
    expect(changeAt(diffFiles(rule("a", ALLOW), { ...rule("a", ALLOW), ...rule("m", MASK) }), "rules.m").verdict).toBe("tightened");
  });

  it("a weaker action is loosened, a stronger one tightened; fields that never change the action follow x-looser", () => {
    const r = diffFiles(rule("x", DENY), rule("x", MASK));
    expect(changeAt(r, "rules.x")).toMatchObject({ change: "changed", verdict: "loosened", note: "action deny → mask; 1 request loosened" });
    expect(changeAt(r, "rules.x.action.reason").verdict).toBe("neutral");
    expect(diffFiles(rule("x", MASK), rule("x", DENY)).verdict).toBe("tightened");
    const ttl = diffFiles(rule("x", `${MASK}, ttl: 30m`), rule("x", `${MASK}, ttl: 2h`));
    expect(changeAt(ttl, "rules.x.action.ttl").verdict).toBe("loosened");
    // a deny narrowed under default deny flips nothing: neutral, flagged as a guardrail narrowed
    const scope = diffFiles(rule("x", DENY), { "policies/x.yaml": doc("DataPolicy", "x", `  match: { dataset: "fin_*" }\n  action: { ${DENY} }\n`) });
    expect(changeAt(scope, "rules.x")).toMatchObject({ verdict: "neutral", review: false, guardrail: "narrowed" });
  });

  it("default_action from deny to allow is loosened", () => {
    const allowAll = "name: acme\nversion: 1.0.0\ntargets:\n  production: { default_action: allow }\n";
    const r = diffFiles({ "edict.yaml": ONE_TARGET }, { "edict.yaml": allowAll });
    expect(changeAt(r, "default_action")).toMatchObject({ before: "deny", after: "allow", verdict: "loosened" });
    expect(r.nextVersion).toBe("1.0.0"); // no release yet: the first is head's edict.yaml version
  });
});

describe("packs and targets", () => {
  const state = (packs: Array<[string, string, string?]>) => ({
    ".edict/packs.yaml":
      "format_version: v1\ninstalled_packs:\n" +
      packs.map(([n, v, sum]) => `  ${n}:\n    name: ${n}\n    version: ${v}\n    layer: foundation\n    pack_checksum: "${sum ?? "sha256:0"}"\n    files: []\n`).join(""),
  });

  it("reports installs, upgrades, downgrades, modifications and removals", () => {
    const r = diffFiles(
      state([["starter", "1.0.0"], ["hipaa", "2.0.0"], ["old", "1.0.0"], ["edited", "1.0.0"]]),
      state([["starter", "1.1.0"], ["hipaa", "1.9.0"], ["new", "0.1.0"], ["edited", "1.0.0", "sha256:1"]]),
    );
    expect(r.packs).toEqual([
      { name: "edited", change: "modified", before: "1.0.0", after: "1.0.0" },
      { name: "hipaa", change: "downgraded", before: "2.0.0", after: "1.9.0" },
      { name: "new", change: "installed", after: "0.1.0" },
      { name: "old", change: "removed", before: "1.0.0" },
      { name: "starter", change: "upgraded", before: "1.0.0", after: "1.1.0" },
    ]);
    expect(r.verdict).toBe("neutral"); // no effective change, but not unchanged
  });

  it("a target added in head is compared with an empty policy", () => {
    const two = "name: acme\nversion: 1.0.0\ntargets:\n  production: {}\n  staging: {}\n";
    const files = { "policies/a.yaml": accessDoc("a", "  Statement:\n    - { Effect: Allow, Action: a:B, Resource: 'r://x' }\n") };
    const r = diffFiles({ "edict.yaml": ONE_TARGET, ...files }, { "edict.yaml": two, ...files });
    const staging = r.targets.find((t) => t.target === "staging")!;
    expect(staging.status).toBe("added");
    expect(staging.verdict).toBe("loosened");
    expect(staging.newlyAllowedTotal).toBeGreaterThan(0);
    expect(prod(r).verdict).toBe("unchanged");
    expect(() => diffFiles({}, {}, { targets: ["prod"] })).toThrow(/unknown target "prod"; did you mean "production"\?/);
  });
});

describe("verdicts and versions", () => {
  it("combines verdicts", () => {
    expect(combineVerdicts("loosened", "tightened")).toBe("mixed");
    expect(combineVerdicts("neutral", "tightened")).toBe("tightened");
    expect(overallVerdict([], false)).toBe("unchanged");
    expect(overallVerdict(["neutral"], true)).toBe("neutral");
  });

  it("bumps major for tightened or mixed, minor for loosened, patch otherwise", () => {
    expect(nextVersion("1.4.2", "tightened")).toBe("2.0.0");
    expect(nextVersion("1.4.2", "mixed")).toBe("2.0.0");
    expect(nextVersion("1.4.2", "loosened")).toBe("1.5.0");
    expect(nextVersion("1.4.2", "neutral")).toBe("1.4.3");
    expect(nextVersion("1.4.2", "unchanged")).toBe("1.4.3");
    expect(nextVersion("not-semver", "neutral")).toBeNull();
    expect(nextVersion(undefined, "neutral")).toBeNull();
  });
});

describe("markdown size limit", () => {
  it("cuts the largest sections to stay under the limit, saying so", () => {
    const many = Array.from({ length: 300 }, (_, i) => `    - { Sid: S${i}, Effect: Allow, Action: svc${i}:Do, Resource: 'r://x/${i}' }\n`).join("");
    const r = diffFiles({}, { "policies/a.yaml": accessDoc("a", `  Statement:\n${many}`) }, { maxExamples: 200 });
    const full = renderDiffMarkdown(r, { maxLength: 1_000_000 });
    expect(full.length).toBeGreaterThan(20_000);
    const cut = renderDiffMarkdown(r, { maxLength: 8_000 });
    expect(cut.length).toBeLessThanOrEqual(8_000);
    expect(cut).toMatch(/more (changes|requests|diff lines) not shown/);
    expect(cut.startsWith("### 🔓 Policy loosened")).toBe(true);
    expect(cut).toContain("</details>");
  });
});
