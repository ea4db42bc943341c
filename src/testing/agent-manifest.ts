/**
 * The agent manifest format (`edict check-agent`): its schema and its validation. Problems are
 * found and placed by the same validator and the same placement as lint's, so an unknown key reads
 * `unknown key "model"; did you mean "models"?` at the key's line and column, as in `edict lint`.
 * Pure.
 */
import { isRecord } from "../engine/record.js";
import { spanOf } from "../lint/engine.js";
import { list, obj, str } from "../model/schemas/builders.js";
import type { Schema } from "../model/schemas/builders.js";
import { validateAgainstSchema } from "../model/schemas/validate.js";
import type { SchemaIssueKind } from "../model/schemas/validate.js";
import type { SourceFile, SourceProblemCode } from "../model/source.js";

/** The lists a manifest declares, in the order check-agent reports them. */
export const DECLARATION_KEYS = ["models", "tools", "mcp_tools", "actions"] as const;

export const AGENT_MANIFEST_SCHEMA: Schema = obj({
  name: str({ description: "the agent's name, shown in the verdict" }),
  models: list(obj({ provider: str(), model: str() }, ["provider", "model"]), { description: "models the agent invokes: model:Invoke on model://<provider>/<model>" }),
  tools: list(str(), { description: "tools the agent uses: tool:Use on tool://<name>" }),
  mcp_tools: list(str(), { description: "MCP tools the agent calls, as mcp://server/tool@version" }),
  actions: list(obj({ action: str(), resource: str() }, ["action", "resource"]), { description: "access requests the agent makes: service:Action on a resource" }),
});

export type ManifestProblemCode = SchemaIssueKind | SourceProblemCode | "nothing-declared";

export interface ManifestProblem {
  /** The id of the lint rule that reports the same problem in a policy file (`unknown-key`, …); `nothing-declared` is the manifest's own. */
  code: ManifestProblemCode;
  line: number;
  column: number;
  message: string;
  help?: string;
  /** JSON pointer of the offending key or value; "" for the whole file. */
  pointer: string;
}

function place(source: SourceFile, pointer: string, atKey: boolean): { line: number; column: number } {
  return source.lines.position(spanOf({ source }, pointer, atKey)[0]);
}

/**
 * Everything wrong with a parsed manifest: what the reader found (YAML syntax, duplicate keys,
 * empty file, …), what the schema finds (unknown keys with a suggestion, wrong types, missing
 * keys), and a manifest that declares nothing, which would otherwise pass vacuously.
 */
export function validateManifest(source: SourceFile): ManifestProblem[] {
  const problems: ManifestProblem[] = source.problems.map((p) => ({
    code: p.code,
    ...source.lines.position(p.span[0]),
    message: p.message,
    ...(p.help ? { help: p.help } : {}),
    pointer: "",
  }));
  if (source.value === undefined) return problems;
  for (const issue of validateAgainstSchema(AGENT_MANIFEST_SCHEMA, source.value)) {
    problems.push({ code: issue.kind, ...place(source, issue.pointer, issue.atKey), message: issue.message, ...(issue.help ? { help: issue.help } : {}), pointer: issue.pointer });
  }
  const root = source.value;
  const declared = isRecord(root) ? DECLARATION_KEYS.reduce((n, k) => n + (Array.isArray(root[k]) ? root[k].length : 0), 0) : 0;
  if (declared === 0 && problems.length === 0) {
    problems.push({
      code: "nothing-declared",
      ...place(source, "", false),
      message: "the manifest declares nothing to check",
      help: `declare what the agent uses under ${DECLARATION_KEYS.join(", ")}`,
      pointer: "",
    });
  }
  return problems;
}
