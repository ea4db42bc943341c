/**
 * A deep copy of a parsed value that is exactly `JSON.parse(JSON.stringify(value))`, without the
 * text in between: the merge copies every statement of every target, and the round trip through
 * a string was most of its time.
 */

/** A value JSON.stringify leaves out of an object and writes as null in an array. */
function isOmitted(value: unknown): boolean {
  return value === undefined || typeof value === "function" || typeof value === "symbol";
}

function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `JSON.parse(JSON.stringify(value))`, throwing as it does. */
export function jsonCopy<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      // NaN and ±Infinity are written as null, -0 as 0
      return Number.isFinite(value) ? value + 0 : null;
    case "object":
      break;
    default:
      // undefined, a function or a symbol (no text: JSON.parse throws) and bigint (JSON.stringify throws)
      return JSON.parse(JSON.stringify(value) as string) as unknown;
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      out.push(isOmitted(item) ? null : copy(item));
    }
    return out;
  }
  // toJSON, boxed primitives and other classes: what JSON does with them, by JSON
  if (!isPlain(value) || typeof (value as { toJSON?: unknown }).toJSON === "function") return JSON.parse(JSON.stringify(value)) as unknown;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (isOmitted(item)) continue;
    // JSON.parse defines "__proto__" as an own key; an assignment would set the prototype
    if (key === "__proto__") Object.defineProperty(out, key, { value: copy(item), enumerable: true, writable: true, configurable: true });
    else out[key] = copy(item);
  }
  return out;
}
