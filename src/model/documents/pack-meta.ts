/** A shipped pack's metadata.yaml: its schema issues and `__pack_meta` as `PackMeta`. */
import { isRecord } from "../../engine/record.js";
import { LAYERS } from "../../engine/vocabulary.js";
import { PACK_META_SCHEMA } from "../schemas/repository.js";
import { validateAgainstSchema } from "../schemas/validate.js";
import type { PackMeta } from "../types.js";
import { compact, numberOf, oneOf, recordOf, stringOf, stringsOf } from "./typed-view.js";
import type { Validated } from "./typed-view.js";

/**
 * Validates a parsed metadata.yaml (the whole file, so issue pointers start at `/__pack_meta`).
 * The meta is undefined when `__pack_meta` lacks a string name or version or a known layer: a pack
 * without them cannot be placed.
 */
export function validatePackMeta(value: unknown): Validated<PackMeta> {
  const issues = validateAgainstSchema(PACK_META_SCHEMA, value);
  const meta = isRecord(value) ? value.__pack_meta : undefined;
  if (!isRecord(meta)) return { value: undefined, issues };
  const name = stringOf(meta.name);
  const version = stringOf(meta.version);
  const layer = oneOf(meta.layer, LAYERS);
  if (name === undefined || version === undefined || layer === undefined) return { value: undefined, issues };
  const typed: PackMeta = compact({
    name,
    version,
    layer,
    description: stringOf(meta.description),
    dependencies: stringsOf(meta.dependencies),
    priority_band: recordOf(meta.priority_band, bandOf),
  });
  return { value: typed, issues };
}

/** A band needs both ends; whether they are whole numbers in range is a value check, not a type. */
function bandOf(band: Record<string, unknown>): PackMeta["priority_band"] {
  const min = numberOf(band.min);
  const max = numberOf(band.max);
  return min === undefined || max === undefined ? undefined : { min, max };
}
