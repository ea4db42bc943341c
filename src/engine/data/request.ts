/** Shape check of a data request from a caller that may not be typed (JavaScript, JSON over a wire). */
import { isRecord } from "../record.js";
import type { RequestedField } from "./types.js";

/** The request values `context` matchers compare with. */
export type ContextKey = "requester_role" | "requester_clearance" | "requester_region" | "dataset_region" | "environment";

/** A requested field with its tag set (`tags` ∪ {sensitivity, category}). */
export interface TaggedField {
  readonly field: RequestedField;
  readonly tags: ReadonlySet<string>;
}

/** A well-formed request, read once for every rule to look at; with the values `context` matchers compare with. */
export interface RequestFacts extends Readonly<Record<ContextKey, string | undefined>> {
  readonly dataset: string;
  readonly fields: readonly TaggedField[];
  readonly names: ReadonlySet<string>;
  readonly epochMs: number;
}

const optString = (v: unknown): v is string | undefined => v === undefined || typeof v === "string";

/** The facts of a well-formed request at `now`, or why it cannot be evaluated. */
export function readRequest(request: unknown, now: unknown): RequestFacts | string {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) return "the evaluation time is not a valid Date";
  if (!isRecord(request)) return "expected an object";
  const { dataset, fields, requester = {}, dataset_region, environment } = request;
  if (typeof dataset !== "string") return "dataset must be a string";
  if (!Array.isArray(fields)) return "fields must be a list";
  const tagged: TaggedField[] = [];
  for (const [i, field] of (fields as unknown[]).entries()) {
    if (!isRecord(field) || typeof field.name !== "string") return `fields[${i}] must be an object with a string name`;
    const { sensitivity, category, tags } = field;
    if (!optString(sensitivity) || !optString(category)) return `fields[${i}]: sensitivity and category must be strings`;
    if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === "string"))) return `fields[${i}]: tags must be a list of strings`;
    const set = new Set(tags as string[] | undefined);
    if (sensitivity !== undefined) set.add(sensitivity);
    if (category !== undefined) set.add(category);
    tagged.push({ field: field as unknown as RequestedField, tags: set });
  }
  if (!isRecord(requester)) return "requester must be an object";
  const { role, clearance, region } = requester;
  if (!optString(role) || !optString(clearance) || !optString(region)) return "requester role, clearance and region must be strings";
  if (!optString(dataset_region) || !optString(environment)) return "dataset_region and environment must be strings";
  return {
    dataset,
    fields: tagged,
    names: new Set(tagged.map((f) => f.field.name)),
    epochMs: now.getTime(),
    requester_role: role,
    requester_clearance: clearance,
    requester_region: region,
    dataset_region,
    environment,
  };
}

/** Why the request cannot be evaluated, or undefined when it is well-formed. */
export function requestProblem(request: unknown, now: unknown): string | undefined {
  const read = readRequest(request, now);
  return typeof read === "string" ? read : undefined;
}
