/**
 * What the text and markdown renderers show of a change: the changed part in full (never cut
 * mid-value), and a change seen identically in several targets once, with its targets.
 */
import { describe, expect, it } from "vitest";
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from "../../src/diff/index.js";
import { accessDoc, diffFiles, doc } from "./helpers.js";

const TWO_TARGETS = "name: acme\nversion: 1.2.3\ntargets:\n  production: { default_action: deny }\n  staging: { default_action: deny }\n";

/** An Allow of db:Select from the listed networks, in production only. */
const fromNetworks = (cidrs: string[]) => ({
  "policies/ac.yaml": accessDoc(
    "ac",
    `  Statement:\n    - Sid: Office\n      Effect: Allow\n      Action: db:Select\n      Resource: "*"\n      Condition:\n        IpAddress:\n          source.ip: [${cidrs.join(", ")}]\n`,
  ),
});

const NETWORKS = ["10.0.0.0/8", "172.16.0.0/12", "100.64.0.0/10", "198.18.0.0/15", "203.0.113.0/24"];

/** A runtime policy for every target (no `targets:`), so both targets merge it the same way. */
const runtime = (denyOn: string[], retries: number) => ({
  "policies/rt.yaml": doc("RuntimePolicy", "rt", `  side_effects: { max_retries: ${retries} }\n  enforcement: { deny_on: [${denyOn.join(", ")}] }\n`),
});

/** The lines of a report that mention `needle`. */
const linesWith = (text: string, needle: string) => text.split("\n").filter((l) => l.includes(needle));

describe("the changed part is shown in full", () => {
  it("a network appended to a long IpAddress list is named, not cut off", () => {
    const r = diffFiles(fromNetworks(NETWORKS), fromNetworks([...NETWORKS, "192.168.0.0/16"]));
    const text = renderDiffText(r);
    const [line, ...more] = linesWith(text, "Statement[ac:Office]");
    expect(more).toEqual([]);
    expect(line).toContain("Condition.IpAddress.source.ip: added 192.168.0.0/16");
    expect(line).not.toContain("…");
    const md = renderDiffMarkdown(r);
    const row = linesWith(md, "Statement[ac:Office]")[0]!;
    expect(row).toContain("Condition.IpAddress.source.ip: added `192.168.0.0/16`");
    expect(row).not.toContain("…");
  });

  it("items removed and added are both named; unchanged items are left out", () => {
    const r = diffFiles(fromNetworks(NETWORKS), fromNetworks([...NETWORKS.slice(0, 4), "192.168.0.0/16"]));
    const line = linesWith(renderDiffText(r), "Statement[ac:Office]")[0]!;
    expect(line).toContain("Condition.IpAddress.source.ip: added 192.168.0.0/16; removed 203.0.113.0/24");
    expect(line).not.toContain("10.0.0.0/8");
  });

  it("a long scalar is shown old → new in full", () => {
    const long = (w: string) => `Access for the agents of the ${w} team, reviewed every quarter by the security office`;
    const r = diffFiles({ "policies/ac.yaml": accessDoc("ac", `  Description: ${long("data")}\n`) }, { "policies/ac.yaml": accessDoc("ac", `  Description: ${long("platform")}\n`) });
    expect(renderDiffText(r)).toContain(`production · access · Description: ${long("data")} → ${long("platform")}`);
    expect(renderDiffMarkdown(r)).toContain(`\`${long("data")}\` → \`${long("platform")}\``);
  });

  it("a statement added is shown whole", () => {
    const base = fromNetworks(NETWORKS);
    const head = {
      "policies/ac.yaml": base["policies/ac.yaml"] + "    - { Sid: Scratch, Effect: Allow, Action: [file:Write, file:Delete], Resource: 'file://tmp/agents/scratch/*' }\n",
    };
    const line = linesWith(renderDiffText(diffFiles(base, head)), "Statement[ac:Scratch]")[0]!;
    expect(line).toContain("added {Sid: Scratch, Effect: Allow, Action: [file:Write, file:Delete], Resource: [file://tmp/agents/scratch/*]}");
  });

  it("a statement with several changed parts lists each on its own line", () => {
    const st = (action: string, cidrs: string[]) => ({
      "policies/ac.yaml": accessDoc("ac", `  Statement:\n    - Sid: S\n      Effect: Allow\n      Action: ${action}\n      Resource: "*"\n      Condition: { IpAddress: { source.ip: [${cidrs.join(", ")}] } }\n`),
    });
    const text = renderDiffText(diffFiles(st("db:Select", NETWORKS), st("[db:Select, db:Insert]", NETWORKS.slice(1))));
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.includes("Statement[ac:S]"));
    expect(lines[at]).toMatch(/Statement\[ac:S\]: \(/);
    expect(lines.slice(at + 1, at + 3)).toEqual(["      Action: added db:Insert", "      Condition.IpAddress.source.ip: removed 10.0.0.0/8"]);
  });
});

describe("a change seen identically in several targets", () => {
  const base = { "edict.yaml": TWO_TARGETS, ...runtime(["tool_not_in_allowlist", "egress_violation"], 3) };
  const head = { "edict.yaml": TWO_TARGETS, ...runtime(["tool_not_in_allowlist"], 5) };
  const r = diffFiles(base, head);

  it("is one line in text, with its targets", () => {
    const text = renderDiffText(r);
    expect(linesWith(text, "enforcement.deny_on")).toEqual(["  targets: production, staging · runtime · enforcement.deny_on: removed egress_violation (entries removed; policies/rt.yaml)"]);
    expect(linesWith(text, "side_effects.max_retries")).toHaveLength(1);
    expect(linesWith(text, "side_effects.max_retries")[0]).toMatch(/^ {2}targets: production, staging · runtime · side_effects\.max_retries: 3 → 5/);
  });

  it("is one row in markdown, in a table of changes shared by targets", () => {
    const md = renderDiffMarkdown(r);
    expect(linesWith(md, "enforcement.deny_on")).toEqual([
      "| production, staging | runtime `enforcement.deny_on` | removed `egress_violation` | 🔓 loosened <sub>entries removed</sub> | `policies/rt.yaml` |",
    ]);
    expect(md.indexOf("Changes in several targets")).toBeLessThan(md.indexOf("<details>"));
    expect(md).toContain("2 changes shared with other targets are listed under **Changes in several targets**.");
  });

  it("stays per target in JSON", () => {
    const json = JSON.parse(renderDiffJson(r));
    for (const t of ["production", "staging"]) {
      expect(json.targets[t].changes.map((c: { path: string }) => c.path).sort()).toEqual(["enforcement.deny_on", "side_effects.max_retries"]);
    }
  });

  it("a change that differs between targets is shown per target", () => {
    const prodOnly = doc("RuntimePolicy", "rt_prod", "  side_effects: { max_retries: 1 }\n", 600).replace("  priority: 600\n", "  priority: 600\n  targets: [production]\n");
    const split = diffFiles({ ...base, "policies/rt-prod.yaml": prodOnly }, { ...head, "policies/rt-prod.yaml": prodOnly });
    const text = renderDiffText(split);
    expect(linesWith(text, "side_effects.max_retries")).toEqual(["  staging · runtime · side_effects.max_retries: 3 → 5 (limit raised; policies/rt.yaml)"]);
    expect(linesWith(text, "enforcement.deny_on")).toHaveLength(1);
  });
});
