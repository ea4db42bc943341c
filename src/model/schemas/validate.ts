/**
 * Schema validation with ajv, turned into issues keyed by JSON pointer so lint can place them.
 * One compiled validator per schema, made lazily and kept.
 */
import { Ajv } from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import { joinPointer, toJsonPath, unescapeSegment } from "../pointer.js";
import { suggest } from "../suggest.js";
import type { Schema } from "./builders.js";

export type SchemaIssueKind = "unknown-key" | "invalid-type" | "missing-required" | "invalid-value";

export interface SchemaIssue {
  kind: SchemaIssueKind;
  /** Pointer of the offending value (for unknown keys: of the key itself). */
  pointer: string;
  /** True when the issue is about a key rather than its value. */
  atKey: boolean;
  message: string;
  help?: string;
  /** The key an unknown-key or missing-required issue names. */
  key?: string;
  /** For an unknown key: the known key it is likely a misspelling of. */
  suggestion?: string;
}

const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true, verbose: true });
for (const keyword of ["x-merge", "x-looser", "x-format"]) ajv.addKeyword({ keyword, schemaType: "string" });

const compiled = new WeakMap<Schema, ValidateFunction>();

function validatorFor(schema: Schema): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    const { $id: _id, ...rest } = schema;
    v = ajv.compile(rest);
    compiled.set(schema, v);
  }
  return v;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`;
  return `${typeof value} ${String(value)}`;
}

function typeName(t: unknown): string {
  const names: Record<string, string> = { object: "a mapping", array: "a list", string: "a string", integer: "an integer", number: "a number", boolean: "true or false", null: "null" };
  const list = Array.isArray(t) ? t : [t];
  return list.map((x) => names[String(x)] ?? String(x)).join(" or ");
}

function valueAt(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const raw of pointer.split("/").slice(1)) {
    const seg = unescapeSegment(raw);
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Validates `value` against `schema`; returns issues deduplicated and ordered by pointer. */
export function validateAgainstSchema(schema: Schema, value: unknown): SchemaIssue[] {
  const validate = validatorFor(schema);
  if (validate(value)) return [];
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  const errors = (validate.errors ?? []) as ErrorObject[];
  // A wrong type at a pointer makes other complaints about that same pointer noise.
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === "type").map((e) => e.instancePath));
  for (const err of errors) {
    const issue = toIssue(err, value, typeErrorAt);
    if (!issue) continue;
    const key = `${issue.kind}|${issue.pointer}|${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function toIssue(err: ErrorObject, root: unknown, typeErrorAt: Set<string>): SchemaIssue | undefined {
  const at = err.instancePath;
  const got = valueAt(root, at);
  const params = err.params as Record<string, unknown>;
  if (err.keyword === "propertyNames") return undefined; // the nested error names the key
  if (err.propertyName !== undefined) {
    if (err.keyword === "propertyNames") return undefined;
    const key = err.propertyName;
    const allowed = Array.isArray(params.allowedValues) ? (params.allowedValues as unknown[]).map(String) : [];
    const near = allowed.length ? suggest(key, allowed) : undefined;
    return {
      kind: "invalid-value",
      pointer: joinPointer(at, key),
      atKey: true,
      message: `key "${key}" is not allowed here${allowed.length ? ` (one of ${allowed.join(", ")})` : params.pattern ? ` (must match ${String(params.pattern)})` : ""}${near ? `; did you mean "${near}"?` : ""}`,
    };
  }
  switch (err.keyword) {
    case "additionalProperties": {
      const key = String(params.additionalProperty);
      const known = Object.keys(((err.parentSchema as Schema | undefined)?.properties as Record<string, unknown>) ?? {});
      const near = suggest(key, known);
      return {
        kind: "unknown-key",
        pointer: joinPointer(at, key),
        atKey: true,
        message: `unknown key "${key}"${near ? `; did you mean "${near}"?` : ""}`,
        help: known.length ? `known keys here: ${known.join(", ")}` : "remove the key",
        key,
        ...(near ? { suggestion: near } : {}),
      };
    }
    case "required": {
      const missing = String(params.missingProperty);
      return {
        kind: "missing-required",
        pointer: at,
        atKey: at !== "",
        message: `missing required key "${missing}"${at ? ` in ${toJsonPath(at)}` : ""}`,
        help: `add "${missing}"`,
        key: missing,
      };
    }
    case "type":
      return { kind: "invalid-type", pointer: at, atKey: false, message: `expected ${typeName(params.type)}, got ${describe(got)}` };
    default:
      if (typeErrorAt.has(at)) return undefined;
  }
  switch (err.keyword) {
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const near = typeof got === "string" ? suggest(got, allowed) : undefined;
      return {
        kind: "invalid-value",
        pointer: at,
        atKey: false,
        message: `${describe(got)} is not one of ${allowed.join(", ")}${near ? `; did you mean "${near}"?` : ""}`,
      };
    }
    case "const":
      return { kind: "invalid-value", pointer: at, atKey: false, message: `expected ${JSON.stringify(params.allowedValue)}, got ${describe(got)}` };
    case "pattern":
      return { kind: "invalid-value", pointer: at, atKey: false, message: `${describe(got)} does not match ${String(params.pattern)}` };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { kind: "invalid-value", pointer: at, atKey: false, message: `${describe(got)} must be ${String(params.comparison)} ${String(params.limit)}` };
    case "minLength":
      return { kind: "invalid-value", pointer: at, atKey: false, message: "must not be empty" };
    case "minProperties":
      return { kind: "invalid-value", pointer: at, atKey: false, message: `needs at least ${String(params.limit)} entr${params.limit === 1 ? "y" : "ies"}` };
    case "uniqueItems":
      return { kind: "invalid-value", pointer: at, atKey: false, message: `items ${String(params.j)} and ${String(params.i)} are the same` };
    default:
      return { kind: "invalid-value", pointer: at, atKey: false, message: err.message ?? "invalid value" };
  }
}
