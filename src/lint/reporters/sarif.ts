/**
 * SARIF 2.1.0 (OASIS, https://docs.oasis-open.org/sarif/sarif/v2.1.0/) for GitHub code
 * scanning: one run, every rule in `tool.driver.rules`, one result per finding.
 */
import type { Finding, ReportInput, Severity } from "../finding.js";
import type { RuleDoc } from "./common.js";
import { sortFindings } from "./common.js";

export interface SarifOptions {
  /** Rule docs; all are listed in the run, and results point at them by index. */
  rules?: readonly RuleDoc[];
  /** edict's version, as `tool.driver.version`. */
  toolVersion: string;
  /** Where edict is documented, as `tool.driver.informationUri`. */
  informationUri?: string;
}

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
/** The `partialFingerprints` key; bump the suffix if what is hashed ever changes. */
export const FINGERPRINT_KEY = "edictFinding/v1";

type SarifLevel = "error" | "warning" | "note";
const LEVEL: Record<Severity, SarifLevel> = { error: "error", warning: "warning", info: "note" };

/** A SARIF log, 2-space indented, with a trailing newline. */
export function formatSarif(input: ReportInput, options: SarifOptions): string {
  const docs = [...(options.rules ?? [])];
  const index = new Map<string, number>();
  docs.forEach((r, i) => {
    if (!index.has(r.id)) index.set(r.id, i);
  });
  const findings = sortFindings(input.findings);
  // A finding from a rule the caller did not document still needs a valid ruleIndex.
  for (const f of findings) {
    if (index.has(f.rule)) continue;
    index.set(f.rule, docs.length);
    docs.push({ id: f.rule, category: "schema", severity: f.severity, description: f.rule });
  }
  const undocumented = new Set(docs.slice(options.rules?.length ?? 0).map((r) => r.id));

  const driver = {
    name: "edict",
    version: options.toolVersion,
    ...(options.informationUri === undefined ? {} : { informationUri: options.informationUri }),
    rules: docs.map((r) => toReportingDescriptor(r, undocumented.has(r.id))),
  };
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: { driver },
        // Finding columns count UTF-16 code units (JavaScript string offsets).
        columnKind: "utf16CodeUnits",
        results: findings.map((f) => toResult(f, index.get(f.rule)!)),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function toReportingDescriptor(r: RuleDoc, undocumented: boolean): object {
  return {
    id: r.id,
    name: toPascalCase(r.id),
    shortDescription: { text: firstSentence(r.description) },
    fullDescription: { text: r.description },
    help: { text: r.description },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: undocumented ? {} : { category: r.category },
  };
}

function toResult(f: Finding, ruleIndex: number): object {
  const startLine = Math.max(1, f.line);
  const startColumn = Math.max(1, f.column);
  const endLine = Math.max(startLine, f.endLine);
  const endColumn = endLine === startLine ? Math.max(startColumn, f.endColumn) : Math.max(1, f.endColumn);
  return {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.help === undefined ? f.message : `${f.message}\nhelp: ${f.help}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toUri(f.file), uriBaseId: "%SRCROOT%" },
          region: { startLine, startColumn, endLine, endColumn },
        },
      },
    ],
    // Stable across runs and line moves, so code scanning keeps one alert per problem.
    partialFingerprints: { [FINGERPRINT_KEY]: fnv1a64([f.rule, f.file, f.path, f.message].join("\u0000")) },
  };
}

/** A relative URI reference: each path segment percent-encoded, slashes kept. */
function toUri(file: string): string {
  return file
    .split("/")
    .map((seg) => encodeURIComponent(seg).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
}

/** "wildcard-allow-in-production" → "WildcardAllowInProduction", the form SARIF viewers expect. */
function toPascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

function firstSentence(text: string): string {
  const m = /^(.*?[.!?])(\s|$)/s.exec(text.trim());
  return (m?.[1] ?? text.trim()).replace(/\s+/g, " ");
}

/** 64-bit FNV-1a over the UTF-8 bytes, as 16 hex digits: not cryptographic, only a stable id. */
export function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(text)) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}
