/** Every JSON Schema edict publishes, by file name under schemas/. */
import { POLICY_KINDS } from "../../engine/vocabulary.js";
import type { Schema } from "./builders.js";
import { policySchema } from "./policy.js";
import { CONFIG_SCHEMA, PACK_META_SCHEMA, PACK_STATE_SCHEMA } from "./repository.js";

export type { Annotations, LooserDirection, MergeStrategy, Schema, ValueFormat } from "./builders.js";
export { policySchema, SPEC_SCHEMAS, ENVELOPE_SCHEMA } from "./policy.js";
export { CONFIG_SCHEMA, PACK_META_SCHEMA, PACK_STATE_SCHEMA } from "./repository.js";
export { validateAgainstSchema } from "./validate.js";
export type { SchemaIssue, SchemaIssueKind } from "./validate.js";
export { childSchema, schemaAt, walkWithSchema } from "./walk.js";

/** The files written to schemas/ for editors (yaml-language-server), with draft-07 `$schema`. */
export function publishedSchemas(): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  const withMeta = (s: Schema): Schema => ({ $schema: "http://json-schema.org/draft-07/schema#", ...s });
  for (const kind of POLICY_KINDS) out[`${kind}.json`] = withMeta(policySchema(kind));
  out["edict.json"] = withMeta(CONFIG_SCHEMA);
  out["pack-metadata.json"] = withMeta(PACK_META_SCHEMA);
  out["pack-state.json"] = withMeta(PACK_STATE_SCHEMA);
  return out;
}
