/**
 * What every validator returns, and the small readers it builds typed views with: each takes an
 * untyped value and gives it back only when it has the type, so a view never holds a field
 * under a type it does not have.
 */
import { isRecord } from "../../engine/record.js";
import type { SchemaIssue } from "../schemas/validate.js";

export interface Validated<T> {
  /**
   * The value as its type: fields of the wrong type are left out (list items and map entries
   * too); undefined when the value cannot be used at all.
   */
  value: T | undefined;
  /** What the file's JSON Schema finds wrong with the value: exactly what lint reports for it. */
  issues: SchemaIssue[];
}

export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function numberOf(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

/** The value when it is one of `allowed`. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}

/** The record read by `read` when the value is a mapping. */
export function recordOf<T>(value: unknown, read: (record: Record<string, unknown>) => T): T | undefined {
  return isRecord(value) ? read(value) : undefined;
}

/** The items `read` accepts when the value is a list. */
export function listOf<T>(value: unknown, read: (item: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: T[] = [];
  for (const item of value) {
    const typed = read(item);
    if (typed !== undefined) out.push(typed);
  }
  return out;
}

export function stringsOf(value: unknown): string[] | undefined {
  return listOf(value, stringOf);
}

/** The entries `read` accepts when the value is a mapping, in the file's order. */
export function mapOf<T>(value: unknown, read: (entry: unknown) => T | undefined): Record<string, T> | undefined {
  if (!isRecord(value)) return undefined;
  const entries: Array<[string, T]> = [];
  for (const [key, entry] of Object.entries(value)) {
    const typed = read(entry);
    if (typed !== undefined) entries.push([key, typed]);
  }
  // fromEntries defines own properties, so no key can reach the prototype
  return Object.fromEntries(entries);
}

/** The view without its undefined fields, so a field left out is absent rather than undefined. */
export function compact<T extends object>(view: T): T {
  for (const [key, value] of Object.entries(view)) if (value === undefined) Reflect.deleteProperty(view, key);
  return view;
}
