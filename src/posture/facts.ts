/**
 * Recorded facts as JSON, so a posture result can be reproduced on another machine or in a
 * test: `edict posture --format json` on the machine, `edict posture --facts that.json` anywhere.
 */
import { EdictError } from "../errors.js";
import type { PostureFacts } from "../engine/posture/index.js";
import { suggest } from "../model/suggest.js";
import { isRecord } from "../engine/record.js";

const FIELD_TYPES = {
  environment: "string",
  securityScore: "number",
  encryption: "boolean",
  tpm: "boolean",
  secureBoot: "boolean",
  iam: "boolean",
  imdsv2: "boolean",
  workloadIdentity: "boolean",
  account: "string",
  region: "string",
  namespace: "string",
  serviceAccount: "boolean",
  nonRoot: "boolean",
  readOnlyRootFs: "boolean",
} as const satisfies Record<keyof PostureFacts, "string" | "number" | "boolean">;

export const FACT_FIELDS = Object.keys(FIELD_TYPES) as ReadonlyArray<keyof PostureFacts>;


/**
 * Checks a JSON value as PostureFacts: a facts object, or the output of `edict posture --format
 * json` (its `facts` member). `null` means unknown and is dropped. Throws PARSE_ERROR naming the
 * field, what it expected and what it got.
 */
export function toPostureFacts(value: unknown, file: string): PostureFacts {
  const where = { position: { file } };
  if (!isRecord(value)) throw new EdictError("PARSE_ERROR", "facts must be a JSON object such as {\"environment\": \"local\", \"encryption\": true}", where);
  const body = isRecord(value["facts"]) ? value["facts"] : value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(body)) {
    if (!Object.hasOwn(FIELD_TYPES, key)) {
      const near = suggest(key, FACT_FIELDS);
      throw new EdictError("PARSE_ERROR", `unknown fact "${key}"${near ? `; did you mean "${near}"?` : ""} (facts: ${FACT_FIELDS.join(", ")})`, where);
    }
    if (v === null) continue;
    const expected = FIELD_TYPES[key as keyof PostureFacts];
    const got = Array.isArray(v) ? "array" : typeof v;
    if (got !== expected || (expected === "number" && !Number.isFinite(v))) throw new EdictError("PARSE_ERROR", `fact "${key}" must be a ${expected}, got ${JSON.stringify(v)}`, where);
    out[key] = v;
  }
  return out as PostureFacts;
}

/** Parses recorded facts from JSON text (see toPostureFacts). */
export function parsePostureFacts(text: string, file: string): PostureFacts {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new EdictError("PARSE_ERROR", `facts are not valid JSON: ${(e as Error).message}`, { position: { file }, cause: e });
  }
  return toPostureFacts(value, file);
}
