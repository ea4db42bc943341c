/**
 * Field changes of the effective policy, with a verdict read from each field's schema
 * (`x-looser`): nothing here names a field.
 *
 * An absent value is the loosest one: no limit (`increase` fields), no minimum (`decrease`),
 * the control off (`false` fields; for `true` fields such as `allow_insecure`, absent = false),
 * no allowlist (`add`: everything allowed), an empty deny list (`remove`). So removing a limit
 * loosens and adding one tightens.
 */
import type { Provenance } from "../engine/effective.js";
import type { KindKey } from "../model/merge/index.js";
import { stableStringify } from "../model/merge/index.js";
import { matchWildcard } from "../engine/match/index.js";
import type { LooserDirection, Schema } from "../model/schemas/builders.js";
import { childSchema } from "../model/schemas/walk.js";
import { parseDuration, parseMoney, parseSize } from "../model/values/index.js";
import type { Change, ChangeVerdict } from "./types.js";
import { verdictOf } from "./verdict.js";
import { compileToolPattern, parseToolUri } from "../engine/runtime/index.js";
import type { ToolMatcher } from "../engine/runtime/index.js";
import { findCells } from "./cells/glob-cells.js";
import { toolCells, toolPatternParts } from "./tool-regions.js";
import { isRecord } from "../engine/record.js";

export interface LeafVerdict {
  verdict: ChangeVerdict;
  review: boolean;
  note?: string;
}


/** Nested objects the diff descends into, as the merge does; everything else is a leaf. */
function isBranchSchema(schema: Schema): boolean {
  if ((schema["x-merge"] ?? "override") !== "override") return false;
  return isRecord(schema.properties) || isRecord(schema.additionalProperties);
}


/** Keys of both sides: the schema's order first, then other keys sorted. */
function unionKeys(schema: Schema, a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const declared = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
  const present = new Set([...Object.keys(a), ...Object.keys(b)]);
  const extra = [...present].filter((k) => !declared.includes(k)).sort();
  return [...declared.filter((k) => present.has(k)), ...extra];
}

export interface LeafDiff {
  segments: string[];
  schema: Schema;
  looser: LooserDirection | undefined;
  before: unknown;
  after: unknown;
}

/**
 * Every leaf whose value differs between `before` and `after`, walking both with `schema`.
 * `skip` names top-level keys handled elsewhere (Statement).
 */
export function diffLeaves(before: unknown, after: unknown, schema: Schema, skip: readonly string[] = []): LeafDiff[] {
  const out: LeafDiff[] = [];
  const walk = (a: unknown, b: unknown, s: Schema, segs: string[], inherited: LooserDirection | undefined): void => {
    const looser = s["x-looser"] ?? inherited;
    if (isBranchSchema(s) && (a === undefined || isRecord(a)) && (b === undefined || isRecord(b))) {
      const ao = (a ?? {}) as Record<string, unknown>;
      const bo = (b ?? {}) as Record<string, unknown>;
      for (const key of unionKeys(s, ao, bo)) {
        if (segs.length === 0 && skip.includes(key)) continue;
        const sub = childSchema(s, key);
        if (!sub) continue;
        walk(ao[key], bo[key], sub, [...segs, key], looser);
      }
      return;
    }
    if (stableStringify(a) !== stableStringify(b)) out.push({ segments: segs, schema: s, looser, before: a, after: b });
  };
  walk(before, after, schema, [], undefined);
  return out;
}

/** A number to order values by, or undefined when it cannot be read. */
function toOrdinal(value: unknown, schema: Schema): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  if (Array.isArray(schema.enum)) {
    const i = (schema.enum as unknown[]).indexOf(value);
    return i < 0 ? undefined : i;
  }
  const parsed = schema["x-format"] === "duration" ? parseDuration(value) : schema["x-format"] === "size" ? parseSize(value) : schema["x-format"] === "money" ? parseMoney(value) : undefined;
  return parsed?.ok ? parsed.value : undefined;
}

type Matcher = (pattern: unknown, value: unknown) => boolean;

/**
 * How list entries match values: tool patterns as the tool check reads them, other strings as
 * wildcards (actions ignoring case), anything else by equality.
 */
function matcherFor(item: Schema | undefined): Matcher {
  const format = item?.["x-format"];
  const ignoreCase = format === "action-pattern";
  const tools = new Map<string, ToolMatcher | undefined>();
  return (p, v) => {
    if (typeof p !== "string" || typeof v !== "string") return stableStringify(p) === stableStringify(v);
    if (format === "tool-pattern") {
      if (!tools.has(p)) tools.set(p, compileToolPattern(p));
      const tool = parseToolUri(v);
      return tool !== undefined && tools.get(p)?.(tool) === true;
    }
    return matchWildcard(p, v, ignoreCase);
  };
}

/**
 * One value per cell of the entries: every combination of entries matched and not
 * matched that some value realises, so comparing the lists on these values is exact. Tool
 * patterns are cut per URI part (server, tool, version, unpinned); other strings as globs;
 * anything else by the entries themselves plus a value equal to none.
 */
function candidates(lists: unknown[][], format: unknown): { values: unknown[]; complete: boolean } {
  const entries = lists.flat();
  const strings = [...new Set(entries.filter((e): e is string => typeof e === "string"))].sort();
  const others = entries.filter((e) => typeof e !== "string");
  if (format === "tool-pattern") {
    const search = toolCells(toolPatternParts(strings));
    return { values: [...search.cells.map((c) => c.uri), ...others], complete: search.complete };
  }
  const ignoreCase = format === "action-pattern";
  const search = findCells(strings.map((text) => ({ kind: "glob" as const, text: ignoreCase ? text.toLowerCase() : text })));
  // a value no entry can equal stands for every other non-string value
  return { values: [...search.cells.map((c) => c.example), ...others, { other: true }], complete: search.complete };
}

function asList(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

/** `add` lists: what each side allows. all-of lists allow a value only when every inner list does. */
function compareAllowLists(before: unknown, after: unknown, schema: Schema): LeafVerdict {
  const allOf = schema["x-merge"] === "all-of";
  const item = (allOf ? ((schema.items as Schema | undefined)?.items as Schema | undefined) ?? (schema.items as Schema | undefined) : (schema.items as Schema | undefined)) ?? undefined;
  const match = matcherFor(item);
  const norm = (v: unknown): unknown[][] | undefined | "bad" => {
    if (v === undefined) return undefined;
    const list = asList(v);
    if (!list) return "bad";
    if (!allOf) return [list];
    return list.every(Array.isArray) ? (list as unknown[][]) : "bad";
  };
  const a = norm(before);
  const b = norm(after);
  if (a === "bad" || b === "bad") return { verdict: "review", review: true, note: "not a list" };
  const allows = (lists: unknown[][] | undefined, v: unknown) => lists === undefined || lists.every((l) => l.some((p) => match(p, v)));
  const { values, complete } = candidates([...(a ?? []), ...(b ?? [])], item?.["x-format"]);
  const loosens = values.some((v) => allows(b, v) && !allows(a, v));
  const tightens = values.some((v) => allows(a, v) && !allows(b, v));
  if (!complete && !loosens && !tightens) return { verdict: "review", review: true, note: "not proven: too many patterns to compare" };
  const note = b === undefined ? "allowlist removed" : a === undefined ? "allowlist added" : loosens ? "allowlist widened" : tightens ? "allowlist narrowed" : "same values allowed";
  return { verdict: verdictOf(loosens, tightens), review: false, note };
}

/** `remove` lists (deny lists, required controls): what each side covers. */
function compareDenyLists(before: unknown, after: unknown, schema: Schema): LeafVerdict {
  const a = before === undefined ? [] : asList(before);
  const b = after === undefined ? [] : asList(after);
  if (!a || !b) return { verdict: "review", review: true, note: "not a list" };
  const item = schema.items as Schema | undefined;
  const match = matcherFor(item);
  const covers = (l: unknown[], v: unknown) => l.some((p) => match(p, v));
  const { values, complete } = candidates([a, b], item?.["x-format"]);
  const loosens = values.some((v) => covers(a, v) && !covers(b, v));
  const tightens = values.some((v) => covers(b, v) && !covers(a, v));
  if (!complete && !loosens && !tightens) return { verdict: "review", review: true, note: "not proven: too many patterns to compare" };
  const note = loosens && !tightens ? "entries removed" : tightens && !loosens ? "entries added" : loosens ? "entries swapped" : "same entries";
  return { verdict: verdictOf(loosens, tightens), review: false, note };
}

/** The verdict of one leaf change from its schema's `x-looser` direction. */
export function leafVerdict(looser: LooserDirection | undefined, schema: Schema, before: unknown, after: unknown): LeafVerdict {
  switch (looser) {
    case "neutral":
      return { verdict: "neutral", review: false };
    case "increase":
    case "decrease": {
      const loosest = looser === "increase" ? Infinity : -Infinity;
      const a = before === undefined ? loosest : toOrdinal(before, schema);
      const b = after === undefined ? loosest : toOrdinal(after, schema);
      if (a === undefined || b === undefined) return { verdict: "review", review: true, note: "value not comparable" };
      if (a === b) return { verdict: "neutral", review: false, note: "same value" };
      const up = b > a;
      const loosens = looser === "increase" ? up : !up;
      const what = before === undefined ? "added" : after === undefined ? "removed" : up ? "raised" : "lowered";
      return { verdict: loosens ? "loosened" : "tightened", review: false, note: `${looser === "increase" ? "limit" : "minimum"} ${what}` };
    }
    case "true":
    case "false": {
      const ok = (v: unknown) => v === undefined || typeof v === "boolean";
      if (!ok(before) || !ok(after)) return { verdict: "review", review: true, note: "not a boolean" };
      const a = before === true;
      const b = after === true;
      if (a === b) return { verdict: "neutral", review: false };
      const loose = looser === "true";
      return { verdict: b === loose ? "loosened" : "tightened", review: false, note: b ? "switched on" : "switched off" };
    }
    case "add":
      return compareAllowLists(before, after, schema);
    case "remove":
      return compareDenyLists(before, after, schema);
    default:
      return { verdict: "review", review: true };
  }
}

/** Dotted path of segments (the merge's provenance keys). */
export function dottedPath(segments: readonly string[]): string {
  return segments.join(".");
}

/** The provenance of a path, or of its nearest ancestor that has one. */
export function provenanceAt(prov: Readonly<Record<string, Provenance[]>> | undefined, segments: readonly string[]): Provenance[] {
  if (!prov) return [];
  for (let n = segments.length; n > 0; n--) {
    const p = prov[dottedPath(segments.slice(0, n))];
    if (p) return p;
  }
  return [];
}

/** Field changes of one kind, with verdicts and the documents that set each side. */
export function diffFields(
  kind: KindKey,
  before: unknown,
  after: unknown,
  schema: Schema,
  provenance: { before?: Readonly<Record<string, Provenance[]>>; after?: Readonly<Record<string, Provenance[]>> },
  skip: readonly string[] = [],
): Change[] {
  return diffLeaves(before, after, schema, skip).map((leaf) =>
    leafChange(kind, dottedPath(leaf.segments), leaf, {
      before: leaf.before === undefined ? [] : provenanceAt(provenance.before, leaf.segments),
      after: leaf.after === undefined ? [] : provenanceAt(provenance.after, leaf.segments),
    }),
  );
}

/** The field change of one differing leaf, with its verdict (shared by every kind's diff). */
export function leafChange(kind: KindKey, path: string, leaf: LeafDiff, source: Change["source"]): Change {
  const v = leafVerdict(leaf.looser, leaf.schema, leaf.before, leaf.after);
  return {
    kind,
    path,
    subject: "field",
    change: leaf.before === undefined ? "added" : leaf.after === undefined ? "removed" : "changed",
    verdict: v.verdict,
    review: v.review,
    before: leaf.before,
    after: leaf.after,
    source,
    ...(v.note ? { note: v.note } : {}),
  };
}
