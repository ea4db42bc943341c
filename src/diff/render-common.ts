/** Helpers shared by the text and markdown renderers. */
import type { Provenance } from "../engine/effective.js";
import { stableStringify } from "../model/merge/index.js";
import type { Change, ChangeVerdict, DecisionChange, DiffResult, Region, TargetDiff, WitnessContext, WitnessRequest } from "./types.js";

export const ELLIPSIS = "…";

/** "1 change", "2 changes". */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}${ELLIPSIS}`;
}

/** A value in one short line: scalars as written, lists in brackets, objects in braces. */
export function formatValue(value: unknown, max = 80): string {
  const fmt = (v: unknown): string => {
    if (v === undefined) return "(unset)";
    if (v === null) return "null";
    if (typeof v === "string") return v === "" ? '""' : v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    if (Array.isArray(v)) return `[${v.map(fmt).join(", ")}]`;
    if (typeof v === "object") {
      return `{${Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `${k}: ${fmt(x)}`)
        .join(", ")}}`;
    }
    return String(v);
  };
  return truncate(fmt(value), max);
}

/**
 * The values a renderer shows for a change: for a changed statement or rule, only the keys
 * that differ (the rest would push the difference out of a one-line cell).
 */
export function shownValues(c: Change): [unknown, unknown] {
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  if (c.subject === "field" || !isObj(c.before) || !isObj(c.after)) return [c.before, c.after];
  const a = c.before;
  const b = c.after;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => stableStringify(a[k]) !== stableStringify(b[k]));
  const pick = (o: Record<string, unknown>) => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
  return [pick(a), pick(b)];
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

/** Short label of a side: the first 7 characters of a commit id, anything else as given. */
export function shortLabel(label: string): string {
  return /^[0-9a-f]{40,64}$/.test(label) ? label.slice(0, 7) : label;
}

/** Changes in risk order: loosening first, then tightening, then to review, then neutral. */
export function riskRank(v: ChangeVerdict): number {
  return v === "loosened" ? 0 : v === "mixed" ? 1 : v === "tightened" ? 2 : v === "review" ? 3 : 4;
}

export function flatChanges(result: DiffResult): Array<{ target: string; change: Change }> {
  return result.targets.flatMap((t) => t.changes.map((change) => ({ target: t.target, change })));
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
