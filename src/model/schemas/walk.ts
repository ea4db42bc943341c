/** Walks a value alongside its schema, visiting every (pointer, value, subschema) triple. */
import { joinPointer } from "../pointer.js";
import type { Schema } from "./builders.js";

export type SchemaVisitor = (pointer: string, value: unknown, schema: Schema) => void;

export function walkWithSchema(value: unknown, schema: Schema, visit: SchemaVisitor, pointer = ""): void {
  visit(pointer, value, schema);
  if (Array.isArray(value)) {
    const items = schema.items as Schema | undefined;
    if (items && typeof items === "object") value.forEach((v, i) => walkWithSchema(v, items, visit, joinPointer(pointer, i)));
    return;
  }
  if (value === null || typeof value !== "object") return;
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const extra = schema.additionalProperties;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const sub = Object.prototype.hasOwnProperty.call(props, k) ? props[k] : typeof extra === "object" && extra !== null ? (extra as Schema) : undefined;
    if (sub) walkWithSchema(v, sub, visit, joinPointer(pointer, k));
  }
}

/** The schema node at a pointer of the value, following properties/additionalProperties/items. */
export function schemaAt(schema: Schema, segments: readonly string[]): Schema | undefined {
  let cur: Schema | undefined = schema;
  for (const seg of segments) {
    if (!cur) return undefined;
    const props = (cur.properties ?? {}) as Record<string, Schema>;
    if (Object.prototype.hasOwnProperty.call(props, seg)) cur = props[seg];
    else if (/^\d+$/.test(seg) && cur.items && typeof cur.items === "object") cur = cur.items as Schema;
    else if (typeof cur.additionalProperties === "object" && cur.additionalProperties !== null) cur = cur.additionalProperties as Schema;
    else return undefined;
  }
  return cur;
}
