/**
 * `edict diff` for a terminal, risk first: loosening changes and newly allowed requests at the
 * top, then tightening, then neutral changes and packs, then one summary line. ANSI colours
 * only when asked for.
 */
import type { Change, DecisionChange, DiffResult, TargetDiff } from "./types.js";
import {
  changeCounts,
  count,
  decisionArrow,
  flatChanges,
  formatContext,
  formatSource,
  formatValue,
  riskRank,
  shortLabel,
  shownValues,
} from "./render-common.js";

export interface DiffTextOptions {
  color?: boolean;
}

type Paint = (s: string) => string;
const ansi = (open: number, close: number): Paint => (s) => (s === "" ? s : `\x1b[${open}m${s}\x1b[${close}m`);
const plain: Paint = (s) => s;

interface Palette {
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
}

const COLOR: Palette = { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), green: ansi(32, 39), yellow: ansi(33, 39) };
const NO_COLOR: Palette = { bold: plain, dim: plain, red: plain, green: plain, yellow: plain };

function changeLine(target: string, c: Change, p: Palette): string {
  const [before, after] = shownValues(c);
  const what =
    c.subject === "field" || c.change === "changed"
      ? `${formatValue(before, 60)} → ${formatValue(after, 60)}`
      : `${c.change} ${formatValue(after ?? before, 70)}`;
  const extra = [c.note, formatSource(c)].filter((x) => x !== undefined && x !== "").join("; ");
  const flag = c.review ? ` ${p.yellow("[review]")}` : "";
  return `  ${target} · ${c.kind} · ${p.bold(c.path)}: ${what}${extra ? p.dim(` (${extra})`) : ""}${flag}`;
}

function requestLines(title: string, pick: (t: TargetDiff) => { list: DecisionChange[]; total: number }, result: DiffResult, paint: Paint, p: Palette): string[] {
  const out: string[] = [];
  for (const t of result.targets) {
    const { list, total } = pick(t);
    if (total === 0) continue;
    if (out.length === 0) out.push(paint(p.bold(title)));
    out.push(`  ${t.target} (${total === list.length ? count(total, "request") : `${total} requests, ${list.length} shown`})`);
    for (const r of list) {
      const ctx = formatContext(r.context);
      out.push(`    ${r.action} ${r.resource}${ctx ? ` ${p.dim(ctx)}` : ""}  ${p.dim(decisionArrow(r))}`);
    }
  }
  return out;
}

/**
 * Formats a diff for a terminal.
 *
 * @example
 * io.stdout(renderDiffText(result, { color: shouldUseColor(process.stdout, process.env) }));
 */
export function renderDiffText(result: DiffResult, options: DiffTextOptions = {}): string {
  const p = options.color === true ? COLOR : NO_COLOR;
  const range = `${shortLabel(result.base)}..${shortLabel(result.head)}`;
  const version = result.nextVersion && result.verdict !== "unchanged" ? ` · next version ${result.nextVersion}` : "";
  const paintVerdict = result.verdict === "loosened" || result.verdict === "mixed" ? p.red : result.verdict === "tightened" ? p.green : plain;
  const out: string[] = [`edict diff ${range}: ${paintVerdict(p.bold(result.verdict))}${version}`];

  const all = flatChanges(result).sort((a, b) => riskRank(a.change.verdict) - riskRank(b.change.verdict));
  const group = (title: string, pred: (c: Change) => boolean, paint: Paint) => {
    const items = all.filter((x) => pred(x.change));
    if (items.length === 0) return;
    out.push("", paint(p.bold(title)), ...items.map((x) => changeLine(x.target, x.change, p)));
  };
  const section = (lines: string[]) => {
    if (lines.length > 0) out.push("", ...lines);
  };

  group("⚠ Loosened", (c) => c.verdict === "loosened" || c.verdict === "mixed", p.red);
  section(requestLines("⚠ Newly allowed requests", (t) => ({ list: t.newlyAllowed, total: t.newlyAllowedTotal }), result, p.red, p));
  section(requestLines("Approval changes", (t) => ({ list: t.approvalChanges, total: t.approvalChangesTotal }), result, p.yellow, p));
  group("Tightened", (c) => c.verdict === "tightened", p.green);
  section(requestLines("Newly denied requests", (t) => ({ list: t.newlyDenied, total: t.newlyDeniedTotal }), result, p.green, p));
  group("Neutral", (c) => c.verdict === "neutral", plain);

  const targetNotes = result.targets.filter((t) => t.status !== "both" || t.witnessesTruncated);
  if (targetNotes.length > 0) {
    out.push("", p.bold("Targets"));
    for (const t of targetNotes) {
      if (t.status !== "both") out.push(`  ${t.target}: ${t.status === "added" ? "new target (compared with an empty policy)" : "target removed"}`);
      if (t.witnessesTruncated) out.push(`  ${t.target}: only the first ${t.witnesses} witness requests were evaluated`);
    }
  }
  if (result.packs.length > 0) {
    out.push("", p.bold("Packs"));
    for (const k of result.packs) {
      const versions = k.before !== undefined && k.after !== undefined && k.before !== k.after ? `${k.before} → ${k.after}` : (k.after ?? k.before ?? "");
      out.push(`  ${k.name}: ${k.change} ${versions}`.trimEnd());
    }
  }

  out.push("");
  if (result.verdict === "unchanged") {
    out.push(p.green("✔ no changes to the effective policy"));
  } else {
    const changes = result.targets.flatMap((t) => t.changes);
    const c = result.counts;
    const changed = result.targets.filter((t) => t.verdict !== "unchanged").length;
    out.push(
      `${changeCounts(changes)} in ${count(changed, "target")}; ` +
        `${c.newlyAllowed} newly allowed, ${c.newlyDenied} newly denied request${c.newlyDenied === 1 ? "" : "s"}` +
        (c.approvalChanges > 0 ? `, ${count(c.approvalChanges, "approval change")}` : ""),
    );
  }
  return `${out.join("\n")}\n`;
}
