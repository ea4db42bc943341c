/**
 * Global state a hostile document must never change: the built-in prototypes (prototype
 * pollution) and the shared defaults edict reads on every run (rule registry, schemas,
 * vocabularies, frozen evaluator constants). Snapshot before, compare after.
 */
import { RULES } from "../../src/lint/registry.js";
import { KIND_KEYS } from "../../src/model/merge/effective.js";
import { ENVELOPE_SCHEMA, SPEC_SCHEMAS } from "../../src/model/schemas/policy.js";
import { CONFIG_SCHEMA, PACK_META_SCHEMA, PACK_STATE_SCHEMA } from "../../src/model/schemas/repository.js";
import * as vocabulary from "../../src/engine/vocabulary.js";
import { DURATION_UNITS, SIZE_UNITS } from "../../src/model/values/units.js";
import { KNOWN_POLICY_VERSIONS } from "../../src/model/values/time.js";
import { BUILTIN_POSTURE_POLICIES } from "../../src/engine/posture/builtins.js";
import { MASK_STRICTNESS } from "../../src/engine/data/masking.js";
import { ACTION_STRENGTH } from "../../src/engine/data/compiled.js";
import { MAX_FILE_BYTES, MAX_NODES } from "../../src/model/source.js";

const PROTOTYPES: ReadonlyArray<[string, object]> = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["String.prototype", String.prototype],
  ["Function.prototype", Function.prototype],
  ["Number.prototype", Number.prototype],
  ["Map.prototype", Map.prototype],
  ["RegExp.prototype", RegExp.prototype],
];

/** Serialises any value deterministically, functions and regexes included, cycles cut. */
function fingerprint(value: unknown): string {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "function") return `fn:${v.name}:${v.length}`;
    if (v instanceof RegExp) return `re:${v.source}/${v.flags}`;
    if (v === undefined) return "undefined";
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "number" && !Number.isFinite(v)) return String(v);
    if (v === null || typeof v !== "object") return v;
    if (seen.has(v)) return "[cycle]";
    seen.add(v);
    if (v instanceof Map) return ["Map", [...v.entries()].map(([k, x]) => [walk(k), walk(x)])];
    if (v instanceof Set) return ["Set", [...v].map(walk)];
    const out: Record<string, unknown> = { "#frozen": Object.isFrozen(v) };
    for (const k of Reflect.ownKeys(v)) out[String(k)] = walk((v as Record<PropertyKey, unknown>)[k]);
    return out;
  };
  return JSON.stringify(walk(value));
}

function sharedDefaults(): Record<string, unknown> {
  return {
    RULES: RULES.map((r) => ({ meta: r.meta, check: r.check })),
    RULES_LENGTH: RULES.length,
    KIND_KEYS,
    SPEC_SCHEMAS,
    ENVELOPE_SCHEMA,
    CONFIG_SCHEMA,
    PACK_META_SCHEMA,
    PACK_STATE_SCHEMA,
    vocabulary: { ...vocabulary },
    DURATION_UNITS,
    SIZE_UNITS,
    KNOWN_POLICY_VERSIONS,
    BUILTIN_POSTURE_POLICIES,
    MASK_STRICTNESS,
    ACTION_STRENGTH,
    limits: [MAX_FILE_BYTES, MAX_NODES],
  };
}

export interface Snapshot {
  prototypes: Map<string, string[]>;
  defaults: Map<string, string>;
}

export function takeSnapshot(): Snapshot {
  const prototypes = new Map(PROTOTYPES.map(([name, proto]) => [name, Reflect.ownKeys(proto).map(String).sort()] as const));
  const defaults = new Map(Object.entries(sharedDefaults()).map(([k, v]) => [k, fingerprint(v)] as const));
  return { prototypes, defaults };
}

/** Cheap check, every case: nothing reachable from `{}` that was not there before. */
export function pollutionProblems(): string[] {
  const out: string[] = [];
  const own = Object.keys(Object.prototype);
  if (own.length > 0) out.push(`Object.prototype has enumerable own keys: ${own.join(", ")}`);
  for (const k of ["polluted", "yes", "x", "a", "0", "length"]) {
    if (k === "length") continue;
    if (({} as Record<string, unknown>)[k] !== undefined) out.push(`({}).${k} is ${String(({} as Record<string, unknown>)[k])}`);
  }
  if (([] as unknown as Record<string, unknown>).polluted !== undefined) out.push("[].polluted is defined");
  return out;
}

/** Full comparison against a snapshot: prototypes' own keys and every shared default. */
export function changedSince(before: Snapshot): string[] {
  const after = takeSnapshot();
  const out = pollutionProblems();
  for (const [name, keys] of before.prototypes) {
    const now = after.prototypes.get(name)!;
    if (now.join("\u0000") !== keys.join("\u0000")) {
      const added = now.filter((k) => !keys.includes(k));
      const removed = keys.filter((k) => !now.includes(k));
      out.push(`${name} changed: added [${added.join(", ")}], removed [${removed.join(", ")}]`);
    }
  }
  for (const [name, print] of before.defaults) {
    if (after.defaults.get(name) !== print) out.push(`shared default ${name} changed`);
  }
  return out;
}
