/** The one "is this a plain JSON object" test: not null, not a list. Everything that reads untyped input uses it. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
