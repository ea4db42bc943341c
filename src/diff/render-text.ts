/**
 * `edict diff` for a terminal, risk first: loosening changes and the regions of newly allowed
 * requests at the top, then tightening, then changes to review (not orderable, or not proven),
 * then neutral changes and packs, then one summary line. ANSI colours only when asked for.
 * Every changed value is shown in full (unchanged list items and keys are left out), and a
 * change seen identically in several targets is one line: "targets: production, staging · …".
 */
import type { Change, DiffResult, Region } from "./types.js";
import { changeCounts, changeTexts, count, exampleText, formatSource, inTargets, regionText, regionsOf, releaseNote, riskRank, sharedChanges, shortLabel } from "./render-common.js";
import type { InTargets } from "./render-common.js";
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

/** Who a change concerns: its target, or "targets: a, b" for a change seen identically in several. */
function whoText(targets: readonly string[]): string {
  return targets.length === 1 ? targets[0]! : `targets: ${targets.join(", ")}`;
}

/**
 * A change in one line when it changed one part, else a head line and one line per part;
 * every changed value in full.
 */
function changeLines({ targets, item: c }: InTargets<Change>, p: Palette): string[] {
  const parts = changeTexts(c);
  const extra = [c.note, formatSource(c)].filter((x) => x !== undefined && x !== "").join("; ");
  const flag = c.guardrail ? ` ${p.yellow(`[guardrail ${c.guardrail}]`)}` : c.review || c.verdict === "review" ? ` ${p.yellow("[review]")}` : "";
  const head = `  ${whoText(targets)} · ${c.kind} · ${p.bold(c.path)}`;
  const tail = `${extra ? p.dim(` (${extra})`) : ""}${flag}`;
  if (parts.length <= 1) return [`${head}${parts.length === 1 ? `: ${parts[0]}` : ""}${tail}`];
  return [`${head}:${tail}`, ...parts.map((x) => `      ${x}`)];
}

/** Regions per target shown before "… N more". */
const MAX_REGION_LINES = 20;

function regionLines(title: string, verdict: Region["verdict"], result: DiffResult, paint: Paint, p: Palette): string[] {
  const out: string[] = [];
  // the regions of a change shared by targets are the same in each: listed once
  const lists = result.targets.map((t) => ({ target: t.target, item: regionsOf(t, verdict) })).filter((x) => x.item.length > 0);
  for (const { targets, item: regions } of inTargets(lists)) {
    if (out.length === 0) out.push(paint(p.bold(title)));
    out.push(`  ${targets.join(", ")} (${count(regions.length, "region")})`);
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
  const version = result.nextVersion && result.verdict !== "unchanged" ? ` · next version ${result.nextVersion} (${releaseNote(result)})` : "";
  const paintVerdict = result.verdict === "loosened" || result.verdict === "mixed" ? p.red : result.verdict === "tightened" ? p.green : plain;
  const out: string[] = [`edict diff ${range}: ${paintVerdict(p.bold(result.verdict))}${version}`];

  const all = sharedChanges(result).sort((a, b) => riskRank(a.item.verdict) - riskRank(b.item.verdict));
  const group = (title: string, pred: (c: Change) => boolean, paint: Paint) => {
    const items = all.filter((x) => pred(x.item));
    if (items.length === 0) return;
    out.push("", paint(p.bold(title)), ...items.flatMap((x) => changeLines(x, p)));
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
