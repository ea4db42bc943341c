/** Helpers shared by the text and markdown renderers. */
import type { Provenance } from "../engine/effective.js";
import { stableStringify } from "../model/merge/index.js";
import { changeParts } from "./change-parts.js";
import type { ChangePart } from "./change-parts.js";
import type { Change, ChangeVerdict, DecisionChange, DiffResult, Region, TargetDiff, WitnessContext, WitnessRequest } from "./types.js";

/** "1 change", "2 changes". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** A value in one line, in full: scalars as written, lists in brackets, objects in braces. */
export function formatValue(value: unknown): string {
  if (value === undefined) return "(unset)";
  if (value === null) return "null";
  if (typeof value === "string") return value === "" ? '""' : value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  if (typeof value === "object") {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, x]) => `${k}: ${formatValue(x)}`)
      .join(", ")}}`;
  }
  return String(value);
}

/** How a renderer writes a value (plain, or as inline code) and a path inside one. */
export interface PartStyle {
  value: (text: string) => string;
  path: (text: string) => string;
}

export const PLAIN_STYLE: PartStyle = { value: (t) => t, path: (t) => t };

/** One part of a change: "Condition.IpAddress.source.ip: added 192.168.0.0/16", "10000 → 99999". */
export function partText(p: ChangePart, style: PartStyle = PLAIN_STYLE): string {
  const v = (x: unknown) => (x === undefined ? "(unset)" : style.value(formatValue(x)));
  const items = (xs: readonly unknown[]) => xs.map(v).join(", ");
  let body: string;
  if (p.kind === "items") {
    body = [p.added.length > 0 ? `added ${items(p.added)}` : "", p.removed.length > 0 ? `removed ${items(p.removed)}` : ""].filter((x) => x !== "").join("; ");
  } else if (p.kind === "reordered") {
    body = `reordered ${v(p.before)} → ${v(p.after)}`;
  } else {
    body = `${v(p.before)} → ${v(p.after)}`;
  }
  return p.at === "" ? body : `${style.path(p.at)}: ${body}`;
}

/**
 * What a change changed, one entry per part, each in full (see changeParts): a statement or
 * rule added or removed is "added {…}" whole; an unchanged moved one is "moved".
 */
export function changeTexts(c: Change, style: PartStyle = PLAIN_STYLE): string[] {
  if (c.subject !== "field" && (c.change === "added" || c.change === "removed")) return [`${c.change} ${style.value(formatValue(c.after ?? c.before))}`];
  const parts = changeParts(c).map((p) => partText(p, style));
  return parts.length === 0 && c.change === "moved" ? ["moved"] : parts;
}

/** What makes two targets' changes the same change: everything a report shows of it. */
export function changeIdentity(c: Change): string {
  const side = (v: unknown) => (v === undefined ? ["unset"] : ["set", v]);
  return stableStringify([c.kind, c.path, c.subject, c.change, c.verdict, c.review, c.note ?? null, c.guardrail ?? null, side(c.before), side(c.after), c.source]);
}

/** Something a report shows, and every target it was seen in, identically. */
export interface InTargets<T> {
  targets: string[];
  item: T;
}

/**
 * Items of several targets, an item seen identically (`identity`) in several targets once,
 * with those targets in edict.yaml order; in the order first seen.
 *
 * @example
 * inTargets([{ target: "production", item: a }, { target: "staging", item: a }], stableStringify); // [{ targets: ["production", "staging"], item: a }]
 */
export function inTargets<T>(entries: Iterable<{ target: string; item: T }>, identity: (item: T) => string = stableStringify): InTargets<T>[] {
  const byIdentity = new Map<string, InTargets<T>>();
  for (const { target, item } of entries) {
    const id = identity(item);
    const seen = byIdentity.get(id);
    if (seen === undefined) byIdentity.set(id, { targets: [target], item });
    else if (!seen.targets.includes(target)) seen.targets.push(target);
  }
  return [...byIdentity.values()];
}

/** Every target's changes, a change seen identically in several targets once (see `inTargets`). */
export function sharedChanges(result: DiffResult): InTargets<Change>[] {
  return inTargets(
    result.targets.flatMap((t) => t.changes.map((item) => ({ target: t.target, item }))),
    changeIdentity,
  );
}

export function formatContext(context: WitnessContext): string {
  const entries = Object.entries(context);
  if (entries.length === 0) return "";
  return entries.map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.map(String).join(",")}]` : String(v)}`).join(" ");
}

function files(p: readonly Provenance[]): string {
  return [...new Set(p.map((x) => x.file))].join(", ");
}

/** The files that set the value: "a.yaml", or "a.yaml → b.yaml" when the setter changed. */
export function formatSource(c: Change): string {
  const before = files(c.source.before);
  const after = files(c.source.after);
  if (!before) return after;
  if (!after || before === after) return before;
  return `${before} → ${after}`;
}

/** Where the next version comes from: "after 1.4.0" (the previous release) or "first release". */
export function releaseNote(result: Pick<DiffResult, "lastVersion">, code: (v: string) => string = (v) => v): string {
  return result.lastVersion !== undefined ? `after ${code(result.lastVersion)}` : "first release";
}

/** Short label of a side: the first 7 characters of a commit id, anything else as given. */
export function shortLabel(label: string): string {
  return /^[0-9a-f]{40,64}$/.test(label) ? label.slice(0, 7) : label;
}

/** Changes in risk order: loosening first, then tightening, then to review, then neutral. */
export function riskRank(v: ChangeVerdict): number {
  return v === "loosened" ? 0 : v === "mixed" ? 1 : v === "tightened" ? 2 : v === "review" ? 3 : 4;
}

export function decisionArrow(r: DecisionChange): string {
  return `${r.before} → ${r.after}`;
}

/** "2 loosened, 1 tightened, 3 neutral" (zero counts left out; "no changes" when empty). */
export function changeCounts(changes: readonly Change[]): string {
  const by = (v: ChangeVerdict) => changes.filter((c) => c.verdict === v).length;
  const parts = (["loosened", "mixed", "tightened", "neutral"] as const).filter((v) => by(v) > 0).map((v) => `${by(v)} ${v}`);
  const review = changes.filter((c) => c.review || c.verdict === "review").length;
  if (review > 0) parts.push(`${review} to review`);
  return parts.length > 0 ? parts.join(", ") : "no changes";
}


/** What a region covers, in one line: "db:Select on db://production/users when source.ip in 10.0.0.0/8". */
export function regionText(r: Region): string {
  const w = r.where;
  if (r.kind === "access") {
    return `${w.actions ?? "any action"} on ${w.resource ?? "any resource"}${w.condition ? ` when ${w.condition}` : ""}`;
  }
  if (r.kind === "tool") return w.tool ?? "any tool call";
  // dataset, fields, requester and time phrases name themselves; bare values get their key
  const parts = Object.entries(w).map(([k, v]) => (k === "dataset_region" || k === "environment" ? `${k.replace(/_/g, " ")} ${v}` : v));
  return parts.length > 0 ? parts.join("; ") : "any data request";
}

/** The region's example request in one line. */
export function exampleText(r: Region): string {
  const e = r.example as Record<string, unknown>;
  if (r.kind === "access") {
    const w = e as unknown as WitnessRequest;
    const ctx = formatContext(w.context);
    return `${w.action} ${w.resource}${ctx ? ` ${ctx}` : ""}`;
  }
  if (r.kind === "tool") return String(e.uri);
  return `${JSON.stringify(e.request)} at ${String(e.now).replace(/:00\.000Z$/, "Z")}`;
}

/** Regions of one direction, loosening ones first within a target. */
export function regionsOf(t: TargetDiff, verdict: Region["verdict"]): Region[] {
  return t.regions.filter((r) => r.verdict === verdict);
}
