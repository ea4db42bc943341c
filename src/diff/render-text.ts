/**
 * `edict diff` for a terminal, risk first: loosening changes and the regions of newly allowed
 * requests at the top, then tightening, then changes to review (not orderable, or not proven),
 * then neutral changes and packs, then one summary line. ANSI colours only when asked for.
 */
import type { Change, DiffResult, Region } from "./types.js";
import { changeCounts, count, exampleText, flatChanges, formatSource, formatValue, regionText, regionsOf, riskRank, shortLabel, shownValues } from "./render-common.js";
import { notProvenNote } from "./verdict.js";

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
  const flag = c.guardrail ? ` ${p.yellow(`[guardrail ${c.guardrail}]`)}` : c.review || c.verdict === "review" ? ` ${p.yellow("[review]")}` : "";
  return `  ${target} · ${c.kind} · ${p.bold(c.path)}: ${what}${extra ? p.dim(` (${extra})`) : ""}${flag}`;
}

/** Regions per target shown before "… N more". */
const MAX_REGION_LINES = 20;

function regionLines(title: string, verdict: Region["verdict"], result: DiffResult, paint: Paint, p: Palette): string[] {
  const out: string[] = [];
  for (const t of result.targets) {
    const regions = regionsOf(t, verdict);
    if (regions.length === 0) continue;
    if (out.length === 0) out.push(paint(p.bold(title)));
    out.push(`  ${t.target} (${count(regions.length, "region")})`);
    for (const r of regions.slice(0, MAX_REGION_LINES)) {
      out.push(`    ${regionText(r)}  ${p.dim(`${r.before} → ${r.after}`)}`);
      out.push(p.dim(`      e.g. ${exampleText(r)}`));
    }
    if (regions.length > MAX_REGION_LINES) out.push(p.dim(`    … ${regions.length - MAX_REGION_LINES} more regions (--format json lists them all)`));
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
  section(regionLines("⚠ Newly allowed", "loosened", result, p.red, p));
  group("Tightened", (c) => c.verdict === "tightened", p.green);
  section(regionLines("Newly denied", "tightened", result, p.green, p));
  group("To review", (c) => c.verdict === "review", p.yellow);
  group("Neutral", (c) => c.verdict === "neutral", plain);

  const targetNotes = result.targets.filter((t) => t.status !== "both" || !t.proof.proven);
  if (targetNotes.length > 0) {
    out.push("", p.bold("Targets"));
    for (const t of targetNotes) {
      if (t.status !== "both") out.push(`  ${t.target}: ${t.status === "added" ? "new target (compared with an empty policy)" : "target removed"}`);
      if (!t.proof.proven) out.push(`  ${t.target}: ${p.yellow(notProvenNote(t.proof))}`);
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
        (c.approvalChanges > 0 ? `, ${count(c.approvalChanges, "approval change")}` : "") +
        (c.dataChanges > 0 ? `, ${count(c.dataChanges, "data decision")} changed` : "") +
        (c.toolChanges > 0 ? `, ${count(c.toolChanges, "tool call")} changed` : ""),
    );
  }
  return `${out.join("\n")}\n`;
}
