/**
 * One shared input for the golden files: two files, all three severities, a tab before the
 * range, a range over several lines, a finding far right on a long line, with and without help,
 * and messages holding characters every format must escape (`|`, backticks, `:`, `,`, `%`, `\n`).
 */
import type { Finding, ReportInput } from "../../../src/lint/finding.js";
import { summarize } from "../../../src/lint/finding.js";
import type { RuleDoc } from "../../../src/lint/reporters/index.js";

const TEAMS = Array.from({ length: 36 }, (_, i) => `team-${String(i + 1).padStart(2, "0")}`);
/** Long enough that the excerpt is cut on both sides of the finding. */
export const LONG_LINE = `      Condition: {StringEquals: {team: [${[...TEAMS.slice(0, 16), "zulu", ...TEAMS.slice(16)].join(", ")}]}}`;

export const PROD_YAML = [
  "apiVersion: edict/v1",
  "kind: AccessPolicy",
  "metadata:",
  "  name: prod",
  "  priority: 250",
  "spec:",
  "  Statement:",
  "    - Sid:\tAllowAll",
  "      Effect: Allow",
  '      Action: "*"',
  '      Resource: "*"',
  "    - Sid: Teams",
  LONG_LINE,
  "",
].join("\n");

export const EDICT_YAML = ["version: 1", "audit:", "  enabled: false", "lint:", "  rules: {}", ""].join("\n");

const zulu = LONG_LINE.indexOf("zulu") + 1;

/** Deliberately out of order: every reporter sorts. */
export const FINDINGS: Finding[] = [
  {
    rule: "wildcard-allow-in-production",
    severity: "error",
    message: 'Allow "*" on "*" in target production',
    file: "policies/prod.yaml",
    line: 9,
    column: 7,
    endLine: 11,
    endColumn: 20,
    path: "spec.Statement[0]",
    help: "name the actions and resources this policy needs",
  },
  {
    rule: "priority-outside-band",
    severity: "error",
    message: "priority 250 outside band 100–199 of pack starter",
    file: "policies/prod.yaml",
    line: 5,
    column: 13,
    endLine: 5,
    endColumn: 16,
    path: "metadata.priority",
    help: "use a priority between 100 and 199, or move the policy to a pack whose band holds 250",
  },
  {
    rule: "contains-rarely-matches",
    severity: "info",
    message: "a `contains` list of 37 values | can hardly ever match",
    file: "policies/prod.yaml",
    line: 13,
    column: zulu,
    endLine: 13,
    endColumn: zulu + 4,
    path: "spec.Statement[1].Condition.StringEquals.team",
  },
  {
    rule: "duplicate-sid",
    severity: "warning",
    message: 'duplicate Sid "AllowAll" in this document',
    file: "policies/prod.yaml",
    line: 8,
    column: 12,
    endLine: 8,
    endColumn: 20,
    path: "spec.Statement[0].Sid",
  },
  {
    rule: "audit-log-off",
    severity: "warning",
    message: "audit log is off: set audit.enabled to true, 100% of requests go unlogged",
    file: "edict.yaml",
    line: 3,
    column: 3,
    endLine: 3,
    endColumn: 10,
    path: "audit.enabled",
    help: "audit:\n  enabled: true",
  },
];

export const SOURCES: ReadonlyMap<string, string> = new Map([
  ["policies/prod.yaml", PROD_YAML],
  ["edict.yaml", EDICT_YAML],
]);

export const INPUT: ReportInput = { findings: FINDINGS, summary: summarize(FINDINGS, 12), sources: SOURCES };
export const EMPTY: ReportInput = { findings: [], summary: summarize([], 12), sources: SOURCES };

export const RULES: RuleDoc[] = [
  {
    id: "audit-log-off",
    category: "security",
    severity: "warning",
    description: "The audit log is off or missing. Without it no one can tell who was allowed what; set audit.enabled to true.",
  },
  {
    id: "contains-rarely-matches",
    category: "effect",
    severity: "info",
    description: "A DataPolicy contains list that can hardly ever match. Use any when one match is enough.",
  },
  {
    id: "duplicate-sid",
    category: "structure",
    severity: "warning",
    description: "Two statements of one document share a Sid. Rename one so findings and diffs can name each statement.",
  },
  {
    id: "layer-inversion",
    category: "structure",
    severity: "error",
    description: "A pack of a lower layer overrides one of a higher layer. Move the override to the higher layer.",
  },
  {
    id: "priority-outside-band",
    category: "structure",
    severity: "error",
    description: "A policy's priority lies outside the band of its pack. Pick a priority inside the band.",
  },
  {
    id: "wildcard-allow-in-production",
    category: "security",
    severity: "error",
    description: "Allow * on * in a production target grants everything. Name the actions and resources instead.",
  },
];
