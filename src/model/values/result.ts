/**
 * The result every value parser returns: the parsed value, or a lowercase message that says
 * what was expected and what was got. Parsers never throw on bad input.
 */
export type ValueResult<T> = { ok: true; value: T } | { ok: false; message: string };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

/** How a value appears in a message: strings quoted, anything else as JSON (or its type). */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "nothing";
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return typeof value;
}
