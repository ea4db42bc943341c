import { describe, expect, it } from "vitest";
import type { Finding, ReportInput } from "../../../src/lint/finding.js";
import { summarize } from "../../../src/lint/finding.js";
import { FINGERPRINT_KEY, fnv1a64, formatSarif, SARIF_SCHEMA } from "../../../src/lint/reporters/sarif.js";
import { INPUT, RULES } from "./fixture.js";

interface Log {
  $schema: string;
  version: string;
  runs: Array<{
    tool: { driver: { name: string; version: string; informationUri?: string; rules: Array<{ id: string; name: string; defaultConfiguration: { level: string }; properties: { category?: string } }> } };
    results: Array<{
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }>;
      partialFingerprints: Record<string, string>;
    }>;
  }>;
}
const parse = (input: ReportInput, rules = RULES): Log => JSON.parse(formatSarif(input, { rules, toolVersion: "1.2.3" })) as Log;
const run = (log: Log) => log.runs[0]!;
function only(f: Finding): ReportInput {
  return { findings: [f], summary: summarize([f], 1), sources: new Map() };
}
const base: Finding = { rule: "duplicate-sid", severity: "warning", message: "m", file: "a.yaml", line: 3, column: 2, endLine: 3, endColumn: 5, path: "spec" };

describe("formatSarif", () => {
  it("is a SARIF 2.1.0 log with one run by edict", () => {
    const log = parse(INPUT);
    expect(log.$schema).toBe(SARIF_SCHEMA);
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    expect(run(log).tool.driver).toMatchObject({ name: "edict", version: "1.2.3" });
    expect(run(log).tool.driver.informationUri).toBeUndefined();
  });

  it("every result's ruleIndex points at the rule with the same id", () => {
    const r = run(parse(INPUT));
    expect(r.results).toHaveLength(INPUT.findings.length);
    for (const res of r.results) expect(r.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
  });

  it("lists every given rule, used or not, in the given order", () => {
    expect(run(parse(INPUT)).tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
  });

  it("appends a rule it was not told about, so its index stays valid", () => {
    const r = run(parse(only({ ...base, rule: "mystery-rule" })));
    expect(r.tool.driver.rules.map((x) => x.id)).toEqual([...RULES.map((x) => x.id), "mystery-rule"]);
    expect(r.results[0]!.ruleIndex).toBe(RULES.length);
    const none = run(parse(only(base), []));
    expect(none.tool.driver.rules[none.results[0]!.ruleIndex]!.id).toBe("duplicate-sid");
  });

  it("maps severities to levels: error → error, warning → warning, info → note", () => {
    const r = run(parse(INPUT));
    for (const res of r.results) {
      const f = INPUT.findings.find((x) => x.rule === res.ruleId)!;
      expect(res.level).toBe({ error: "error", warning: "warning", info: "note" }[f.severity]);
    }
    const levels = Object.fromEntries(r.tool.driver.rules.map((x) => [x.id, x.defaultConfiguration.level]));
    expect(levels).toMatchObject({ "layer-inversion": "error", "duplicate-sid": "warning", "contains-rarely-matches": "note" });
    expect(run(parse(only({ ...base, severity: "info" }))).results[0]!.level).toBe("note");
  });

  it("names rules in PascalCase and keeps the category", () => {
    const rule = run(parse(INPUT)).tool.driver.rules.find((r) => r.id === "wildcard-allow-in-production")!;
    expect(rule.name).toBe("WildcardAllowInProduction");
    expect(rule.properties.category).toBe("security");
  });

  it("points at the file relative to %SRCROOT%, percent-encoded", () => {
    const loc = run(parse(only({ ...base, file: "policies/my policy (1).yaml" }))).results[0]!.locations[0]!.physicalLocation;
    expect(loc.artifactLocation).toEqual({ uri: "policies/my%20policy%20%281%29.yaml", uriBaseId: "%SRCROOT%" });
    expect(loc.region).toEqual({ startLine: 3, startColumn: 2, endLine: 3, endColumn: 5 });
  });

  it("keeps regions valid for whole-file findings", () => {
    const region = run(parse(only({ ...base, line: 0, column: 0, endLine: 0, endColumn: 0 }))).results[0]!.locations[0]!.physicalLocation.region;
    expect(region).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 });
  });

  it("fingerprints ignore position but not rule, file, path or message", () => {
    const fp = (f: Finding): string => run(parse(only(f))).results[0]!.partialFingerprints[FINGERPRINT_KEY]!;
    const a = fp(base);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(fp({ ...base, line: 40, endLine: 40, column: 9 })).toBe(a);
    for (const change of [{ rule: "other" }, { file: "b.yaml" }, { path: "spec.x" }, { message: "n" }]) expect(fp({ ...base, ...change })).not.toBe(a);
  });

  it("appends help to the message", () => {
    expect(run(parse(only({ ...base, help: "do this" }))).results[0]!.message.text).toBe("m\nhelp: do this");
  });
});

describe("fnv1a64", () => {
  // Published FNV-1a 64-bit test vectors.
  it.each([
    ["", "cbf29ce484222325"],
    ["a", "af63dc4c8601ec8c"],
    ["foobar", "85944171f73967e8"],
  ])("%j → %s", (text, hash) => {
    expect(fnv1a64(text)).toBe(hash);
  });
});
