/** Walks a value alongside its schema, visiting every (pointer, value, subschema) triple. */
import { joinPointer } from "../pointer.js";
import type { Schema } from "./builders.js";

export type SchemaVisitor = (pointer: string, value: unknown, schema: Schema) => void;

/** The schema of an object member: its declared property, else the open map's value schema; undefined when unknown. */
export function childSchema(schema: Schema, key: string): Schema | undefined {
  const props = schema.properties as Record<string, Schema> | undefined;
  if (props && Object.prototype.hasOwnProperty.call(props, key)) return props[key];
  const extra = schema.additionalProperties;
  return typeof extra === "object" && extra !== null ? (extra as Schema) : undefined;
}

export function walkWithSchema(value: unknown, schema: Schema, visit: SchemaVisitor, pointer = ""): void {
  visit(pointer, value, schema);
  if (Array.isArray(value)) {
    const items = schema.items as Schema | undefined;
    if (items && typeof items === "object") value.forEach((v, i) => walkWithSchema(v, items, visit, joinPointer(pointer, i)));
    return;
  }
  if (value === null || typeof value !== "object") return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const sub = childSchema(schema, k);
    if (sub) walkWithSchema(v, sub, visit, joinPointer(pointer, k));
  }
}

/** The schema node at a pointer of the value, following properties/additionalProperties/items. */
export function schemaAt(schema: Schema, segments: readonly string[]): Schema | undefined {
  let cur: Schema | undefined = schema;
  for (const seg of segments) {
    if (!cur) return undefined;
    const props = (cur.properties ?? {}) as Record<string, Schema>;
    // a list index reads the items schema, unless the object declares a property of that name
    if (/^\d+$/.test(seg) && !Object.prototype.hasOwnProperty.call(props, seg) && cur.items && typeof cur.items === "object") cur = cur.items as Schema;
    else cur = childSchema(cur, seg);
  }
  return cur;
}
