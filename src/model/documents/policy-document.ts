/** A policy file: its schema issues and the document as `PolicyDocument`, header typed, spec as written. */
import { isRecord } from "../../engine/record.js";
import { API_VERSION, POLICY_KINDS } from "../../engine/vocabulary.js";
import type { PolicyKind } from "../../engine/vocabulary.js";
import type { Schema } from "../schemas/builders.js";
import { ENVELOPE_SCHEMA, policySchema } from "../schemas/policy.js";
import { validateAgainstSchema } from "../schemas/validate.js";
import type { PolicyDocument, PolicyMetadata } from "../types.js";
import { compact, numberOf, recordOf, stringOf, stringsOf } from "./typed-view.js";
import type { Validated } from "./typed-view.js";

/** The policy kind named in a parsed value, if it is one edict knows. */
export function policyKindOf(value: unknown): PolicyKind | undefined {
  return isRecord(value) ? POLICY_KINDS.find((k) => k === value.kind) : undefined;
}

/** The schema of a policy file: its kind's, or the envelope's when the kind is unknown. */
export function policyFileSchema(value: unknown): Schema {
  const kind = policyKindOf(value);
  return kind ? policySchema(kind) : ENVELOPE_SCHEMA;
}

/**
 * Validates a parsed policy file against its kind's schema (the envelope's when the kind is
 * unknown). The document is undefined when it is not a mapping or names no known kind; the spec
 * is passed through untouched, for lint and the merge to read.
 */
export function validatePolicyDocument(value: unknown): Validated<PolicyDocument> {
  const kind = policyKindOf(value);
  const issues = validateAgainstSchema(policyFileSchema(value), value);
  if (!kind || !isRecord(value)) return { value: undefined, issues };
  const document: PolicyDocument = compact({
    apiVersion: value.apiVersion === API_VERSION ? API_VERSION : undefined,
    kind,
    metadata: recordOf(value.metadata, metadataOf),
    spec: value.spec,
  });
  return { value: document, issues };
}

/** Every field is optional here, so a document missing its id still applies to its own targets. */
function metadataOf(metadata: Record<string, unknown>): PolicyMetadata {
  return compact({
    id: stringOf(metadata.id),
    priority: numberOf(metadata.priority),
    description: stringOf(metadata.description),
    targets: stringsOf(metadata.targets),
    locked: stringsOf(metadata.locked),
    owners: stringsOf(metadata.owners),
  });
}
