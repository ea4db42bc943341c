/**
 * Small builders for edict's JSON Schemas. Every field may carry three annotations that the
 * rest of edict reads from the schema instead of from hand-kept lists:
 *
 * - `x-merge`: how documents combine: override (default), append, union, all-of, tighten-only
 * - `x-looser`: which change of the field weakens a control
 * - `x-format`: a value syntax that lint checks beyond JSON types (durations, globs, CIDRs, …)
 */

export type MergeStrategy = "override" | "append" | "union" | "all-of" | "tighten-only";

/**
 * The direction of a change that loosens a control.
 * increase/decrease: numbers; true/false: the loose boolean value; add/remove: list members;
 * neutral: no decision can change; review: security-relevant but not orderable.
 */
export type LooserDirection = "increase" | "decrease" | "true" | "false" | "add" | "remove" | "neutral" | "review";

export type ValueFormat =
  | "duration"
  | "size"
  | "money"
  | "policy-version"
  | "action-pattern"
  | "resource-pattern"
  | "tool-pattern"
  | "host-pattern"
  | "path-pattern"
  | "reason-code"
  | "regex"
  | "time-of-day"
  | "timezone"
  | "date-time"
  | "semver"
  | "semver-range"
  | "version-range"
  | "glob";

export interface Annotations {
  "x-merge"?: MergeStrategy;
  "x-looser"?: LooserDirection;
  "x-format"?: ValueFormat;
}

export type Schema = Record<string, unknown> & Annotations & { description?: string };

type Ann = Annotations & { description?: string };

function withAnn(schema: Schema, ann?: Ann): Schema {
  return ann ? { ...schema, ...ann } : schema;
}

export const str = (ann?: Ann, extra: Schema = {}): Schema => withAnn({ type: "string", ...extra }, ann);
export const int = (ann?: Ann, extra: Schema = {}): Schema => withAnn({ type: "integer", ...extra }, ann);
export const num = (ann?: Ann, extra: Schema = {}): Schema => withAnn({ type: "number", ...extra }, ann);
export const bool = (ann?: Ann): Schema => withAnn({ type: "boolean" }, ann);
export const strEnum = (values: readonly string[], ann?: Ann): Schema => withAnn({ type: "string", enum: [...values] }, ann);
export const list = (items: Schema, ann?: Ann, extra: Schema = {}): Schema => withAnn({ type: "array", items, ...extra }, ann);
/** A string or a list of strings (IAM's `Action: "x"` or `Action: ["x", "y"]`). */
export const strOrList = (ann?: Ann, item: Schema = { type: "string" }): Schema =>
  withAnn({ type: ["string", "array"], items: item, minLength: 1, ...(item["x-format"] ? { "x-format": item["x-format"] } : {}) }, ann);

/** A closed object: unknown keys are errors (lint suggests the nearest known key). */
export function obj(properties: Record<string, Schema>, required: string[] = [], ann?: Ann): Schema {
  return withAnn({ type: "object", properties, ...(required.length ? { required } : {}), additionalProperties: false }, ann);
}

/** An open map from names to one value schema. */
export function map(values: Schema, ann?: Ann, extra: Schema = {}): Schema {
  return withAnn({ type: "object", additionalProperties: values, ...extra }, ann);
}
