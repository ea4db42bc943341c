/**
 * The `time` dimension of a data request, cut into pieces: the instants that every
 * rule's `context.time` window treats alike.
 *
 * Whether an instant is inside a window depends only on the UTC offset of the window's zone at
 * that instant and on the UTC minute of the day. So within the reference year (2026-01-01T00:00Z
 * to 2027-01-01T00:00Z) we find, per zone in use, the segments of constant offset (offsets move
 * at DST transitions, found by sampling hourly and bisecting to the minute), and inside each
 * segment the minutes of the day where some window edge falls (after, before and the zone's
 * midnight, moved to UTC with that segment's offset). Every piece between two such minutes gets its first instant as the
 * representative `now`. This is exact for the reference year; another year can only differ
 * where a zone's rules change.
 */
import { compileTimeWindow, wallClock } from "../engine/data/time-window.js";
import type { TimeWindow } from "../engine/data/time-window.js";
import { consistent, orList, uniqueVectors } from "./data-space.js";
import type { DimCell, Dimension, Predicate } from "./data-space.js";

/** The year whose instants the diff examines (documented: exactness holds within it). */
export const REFERENCE_YEAR = { start: Date.UTC(2026, 0, 1), end: Date.UTC(2027, 0, 1) } as const;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface WindowSpec {
  zone: string;
  after?: string;
  before?: string;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset in minutes at `ms` (wall clock minus UTC). */
export function offsetAt(zone: string, ms: number): number {
  let f = offsetFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" });
    offsetFormats.set(zone, f);
  }
  const part: Record<string, number> = {};
  for (const p of f.formatToParts(ms)) if (p.type !== "literal") part[p.type] = Number(p.value);
  const wall = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour! % 24, part.minute!);
  return Math.round((wall - Math.floor(ms / MINUTE) * MINUTE) / MINUTE);
}

// a memo of a pure function: the transitions of a zone in the reference year never change within a run
const transitionMemo = new Map<string, number[]>();

/** The instants of the reference year where the zone's offset changes (to the minute). */
export function offsetTransitions(zone: string): number[] {
  const known = transitionMemo.get(zone);
  if (known) return known;
  const out: number[] = [];
  let prev = REFERENCE_YEAR.start;
  let prevOffset = offsetAt(zone, prev);
  for (let t = prev + HOUR; t <= REFERENCE_YEAR.end; t += HOUR) {
    const o = offsetAt(zone, t);
    if (o !== prevOffset) {
      // the first minute with the new offset lies in (prev, t]
      let lo = prev;
      let hi = t;
      while (hi - lo > MINUTE) {
        const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
        if (offsetAt(zone, mid) === prevOffset) lo = mid;
        else hi = mid;
      }
      if (hi < REFERENCE_YEAR.end) out.push(hi);
    }
    prev = t;
    prevOffset = o;
  }
  transitionMemo.set(zone, out);
  return out;
}

const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function windowPhrase(w: WindowSpec): string {
  return `${w.after ?? "00:00"}–${w.before ?? "24:00"} ${w.zone}`;
}

/** Atoms: one per distinct window ("now is inside it"). Values are epoch milliseconds. */
export function timeDimension(predicates: readonly Predicate[]): Dimension<number> {
  const specOf = (p: Predicate): WindowSpec | undefined => {
    const t = p.context?.time;
    if (t === undefined) return undefined;
    const w: WindowSpec = { zone: t.timezone ?? "UTC" };
    if (t.after !== undefined) w.after = t.after;
    if (t.before !== undefined) w.before = t.before;
    return w;
  };
  const keyOf = (w: WindowSpec) => `${w.zone}|${w.after ?? ""}|${w.before ?? ""}`;
  const specs = predicates.map(specOf);
  const byKey = new Map<string, WindowSpec>();
  for (const w of specs) if (w) byKey.set(keyOf(w), w);
  const keys = [...byKey.keys()].sort();
  const windows = keys.map((k) => byKey.get(k)!);
  const windowOf = specs.map((w) => (w ? keys.indexOf(keyOf(w)) : -1));
  const reasons: string[] = [];
  const compiled: Array<TimeWindow | undefined> = windows.map((w) => {
    const c = compileTimeWindow({ timezone: w.zone, ...(w.after !== undefined ? { after: w.after } : {}), ...(w.before !== undefined ? { before: w.before } : {}) });
    if (typeof c === "string") {
      reasons.push(`unsupported: time window ${windowPhrase(w)}: ${c}`);
      return undefined;
    }
    return c;
  });
  const good = windows.filter((_, j) => compiled[j] !== undefined);
  const zones = [...new Set(good.map((w) => w.zone))].sort();
  const clocks = new Map(zones.map((z) => [z, wallClock(z)]));

  // pieces: per segment of constant offsets, the minutes of the day where an edge falls
  const bounds = [...new Set([REFERENCE_YEAR.start, ...zones.flatMap(offsetTransitions), REFERENCE_YEAR.end])].sort((a, b) => a - b);
  const instants: number[] = [];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const start = bounds[s]!;
    const end = bounds[s + 1]!;
    const cuts = new Set([0]);
    for (const w of good) {
      const off = offsetAt(w.zone, start);
      // the zone's midnight is an edge too: a window with one bound starts or ends there
      for (const e of [w.after, w.before, "00:00"]) if (e !== undefined) cuts.add((((minuteOf(e) - off) % 1440) + 1440) % 1440);
    }
    const sorted = [...cuts].sort((a, b) => a - b);
    const dayStart = Math.floor(start / DAY) * DAY;
    const startMinute = (start - dayStart) / MINUTE;
    sorted.forEach((from, i) => {
      const to = sorted[i + 1] ?? 1440;
      let t = dayStart + from * MINUTE;
      if (startMinute >= from && startMinute < to) t = start;
      else if (t < start) t += DAY;
      if (t < end) instants.push(t);
    });
  }
  instants.sort((a, b) => a - b);

  const atomsOf = (t: number) => windows.map((w, j) => compiled[j] !== undefined && compiled[j]!.contains(clocks.get(w.zone)!(t)));
  const cells: DimCell<number>[] = [];
  const seen = new Set<string>();
  for (const t of instants) {
    const atoms = atomsOf(t);
    const key = atoms.join(",");
    if (seen.has(key)) continue;
    seen.add(key);
    let vec = 0n;
    windowOf.forEach((j, i) => {
      if (j < 0 || atoms[j]) vec |= 1n << BigInt(i);
    });
    cells.push({ vec, value: t, atoms });
  }
  return {
    key: "time",
    cells,
    complete: reasons.length === 0,
    reasons,
    atomsOf,
    vectorsUnder: (kept) => (reasons.length > 0 ? undefined : uniqueVectors(cells.filter((c) => consistent(c.atoms, kept)).map((c) => c.vec))),
    phrase: (kept) => {
      const inside = windows.filter((_, j) => kept[j] === true).map(windowPhrase);
      const outside = windows.filter((_, j) => kept[j] === false).map(windowPhrase);
      const out = outside.length > 0 ? `outside ${orList(outside, "and")}` : "";
      return inside.length === 0 ? out : `${orList(inside, "and")}${out ? `, but ${out}` : ""}`;
    },
  };
}
