/**
 * `edict diff --format markdown`: the body of the pull-request comment. One summary line with
 * a verdict emoji, the regions of newly allowed requests first, then the changes seen identically
 * in several targets (once, with their targets), then one collapsible section per changed target
 * with a table of its other changes (every changed value in full), the newly denied regions, a
 * "not proven" note when the comparison was cut short, and a diff of the effective policy YAML. The whole stays under
 * `maxLength` characters (GitHub refuses comments over 65,536): the largest sections are cut
 * first, each with a note saying so.
 */
import { createTwoFilesPatch } from "diff";
import { stringify } from "yaml";
import type { EffectiveTarget } from "../engine/effective.js";
import type { Change, ChangeVerdict, DiffResult, DiffVerdict, Region, TargetDiff } from "./types.js";
import { changeCounts, changeIdentity, changeTexts, count, exampleText, formatSource, inTargets, regionText, regionsOf, releaseNote, riskRank, sharedChanges, shortLabel } from "./render-common.js";
import type { PartStyle } from "./render-common.js";
import { notProvenNote } from "./verdict.js";

export interface DiffMarkdownOptions {
  /** Upper bound on the body's length in characters (default 60,000). */
  maxLength?: number;
  /** Heading level of the summary line (default 3). */
  headingLevel?: number;
  /** Include the YAML diff of each target's effective policy (default true). */
  yamlDiff?: boolean;
}

export const DEFAULT_MARKDOWN_MAX = 60_000;

const EMOJI: Record<DiffVerdict, string> = { loosened: "🔓", tightened: "🔒", mixed: "⚖️", review: "🔍", neutral: "📝", unchanged: "✅" };
const CHANGE_EMOJI: Record<ChangeVerdict, string> = { loosened: "🔓", tightened: "🔒", mixed: "⚖️", review: "🔍", neutral: "📝" };

/** A table cell: pipes escaped, one line, code when asked. */
function cell(text: string, code = false): string {
  const one = text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
  if (!code || one === "") return one;
  return one.includes("`") ? `\`\` ${one} \`\`` : `\`${one}\``;
}

function regionRow(targets: readonly string[] | undefined, r: Region): string {
  const cells = [cell(regionText(r)), cell(`${r.before} → ${r.after}`), cell(exampleText(r), true)];
  return `| ${targets !== undefined ? `${cell(targets.join(", "))} | ` : ""}${cells.join(" | ")} |`;
}

const CODE: PartStyle = { value: (t) => cell(t, true), path: (t) => cell(t) };

/** The change column: every changed part in full, one per line of the cell ("—" when there are no values, as for "not proven"). */
function changeCell(c: Change): string {
  const parts = changeTexts(c, CODE);
  return parts.length > 0 ? parts.join("<br>") : "—";
}

/** field | change | verdict | set by, after a targets column for a change shared by several. */
function changeRow(c: Change, targets?: readonly string[]): string {
  const flag = c.guardrail ? ` · ⚑ guardrail ${c.guardrail}` : c.review && c.verdict !== "review" ? " · ⚠ review" : "";
  const verdict = `${CHANGE_EMOJI[c.verdict]} ${c.verdict}${flag}${c.note ? ` <sub>${cell(c.note)}</sub>` : ""}`;
  const who = targets !== undefined ? `${cell(targets.join(", "))} | ` : "";
  return `| ${who}${c.kind} ${cell(c.path, true)} | ${changeCell(c)} | ${verdict} | ${cell(formatSource(c), true)} |`;
}

const byRisk = (a: Change, b: Change) => riskRank(a.verdict) - riskRank(b.verdict);
const SHARED_TITLE = "Changes in several targets";

function effectiveYaml(e: EffectiveTarget | undefined): string {
  return e === undefined ? "" : stringify(e, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** A unified diff of the two effective policies, without the "=====" banner. */
export function effectivePatch(t: TargetDiff, base: string, head: string): string {
  const patch = createTwoFilesPatch(`${base}/${t.target}`, `${head}/${t.target}`, effectiveYaml(t.before), effectiveYaml(t.after), undefined, undefined, { context: 3 });
  return patch.replace(/^=+\n/, "").trimEnd();
}

/** A block of lines that may be cut from the end, with a note saying how much was cut. */
interface Part {
  head: string;
  lines: string[];
  tail: string;
  /** Lines kept when shrunk (all when undefined). */
  keep?: number;
  cutNote: (omitted: number) => string;
}

function partText(p: Part): string {
  const kept = p.keep === undefined ? p.lines : p.lines.slice(0, p.keep);
  const omitted = p.lines.length - kept.length;
  const body = kept.length > 0 ? `${kept.join("\n")}\n` : "";
  return `${p.head}${body}${p.tail}${omitted > 0 ? `${p.cutNote(omitted)}\n` : ""}`;
}

function fixed(text: string): Part {
  return { head: text, lines: [], tail: "", cutNote: () => "" };
}

/** Cuts the largest parts until the whole fits in `max` characters. */
function fit(parts: Part[], max: number): string {
  const total = () => parts.reduce((n, p) => n + partText(p).length, 0);
  for (let guard = 0; guard < 10_000 && total() > max; guard++) {
    let best: Part | undefined;
    for (const p of parts) if ((p.keep ?? p.lines.length) > 0 && (!best || partText(p).length > partText(best).length)) best = p;
    if (!best) break;
    const kept = best.keep ?? best.lines.length;
    const excess = total() - max;
    // Drop roughly enough lines for the excess, at least one, at most half of what is left.
    const avg = Math.max(1, best.lines.slice(0, kept).reduce((n, l) => n + l.length + 1, 0) / kept);
    const drop = Math.min(Math.max(1, Math.ceil(excess / avg)), Math.max(1, Math.ceil(kept / 2)));
    best.keep = Math.max(0, kept - drop);
  }
  const text = parts.map(partText).join("");
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 80))}\n\n_… cut to fit the comment limit; run \`edict diff\` for the full report._\n`;
}

const cutRows = (what: string) => (n: number) => `\n_… ${n} more ${what} not shown (comment size limit); run \`edict diff\` for all of them._\n`;

/**
 * Formats a diff as a pull-request comment body.
 *
 * @example
 * const body = renderDiffMarkdown(diffRepositories(base, head, { base: baseSha, head: headSha }));
 */
export function renderDiffMarkdown(result: DiffResult, options: DiffMarkdownOptions = {}): string {
  const max = options.maxLength ?? DEFAULT_MARKDOWN_MAX;
  const h = "#".repeat(Math.min(6, Math.max(1, options.headingLevel ?? 3)));
  const c = result.counts;
  const changed = result.targets.filter((t) => t.verdict !== "unchanged");
  const allChanges = result.targets.flatMap((t) => t.changes);
  const range = `\`${shortLabel(result.base)}\` → \`${shortLabel(result.head)}\``;
  const version = result.nextVersion ? ` · next version \`${result.nextVersion}\` (${releaseNote(result, (v) => `\`${v}\``)})` : "";
  const parts: Part[] = [];

  if (result.verdict === "unchanged") {
    parts.push(fixed(`${h} ${EMOJI.unchanged} Effective policy unchanged (${range})\n`));
    return fit(parts, max);
  }
  const unproven = result.targets.filter((t) => !t.proof.proven);
  const summary = [
    changeCounts(allChanges),
    `${count(changed.length, "target")}`,
    `${c.newlyAllowed} newly allowed`,
    `${c.newlyDenied} newly denied`,
    ...(c.dataChanges > 0 ? [count(c.dataChanges, "data decision") + " changed"] : []),
    ...(c.toolChanges > 0 ? [count(c.toolChanges, "tool call") + " changed"] : []),
    ...(result.packs.length > 0 ? [count(result.packs.length, "pack change")] : []),
    ...(unproven.length > 0 ? [`not proven for ${unproven.map((t) => t.target).join(", ")}`] : []),
  ].join(" · ");
  parts.push(fixed(`${h} ${EMOJI[result.verdict]} Policy ${result.verdict}: ${summary} (${range})${version}\n`));

  const allowed = newlyAllowedRows(result);
  if (allowed.length > 0) {
    parts.push({
      head: `\n${h}# ⚠ Newly allowed\n\n| target | requests | decision | example |\n|---|---|---|---|\n`,
      lines: allowed,
      tail: "",
      cutNote: cutRows("regions"),
    });
  }

  // a change seen identically in several targets: once, here, with its targets
  const shared = sharedChanges(result).filter((s) => s.targets.length > 1);
  const sharedIds = new Set(shared.map((s) => changeIdentity(s.item)));
  if (shared.length > 0) {
    parts.push({
      head: `\n${h}# ${SHARED_TITLE}\n\n| targets | field | change | verdict | set by |\n|---|---|---|---|---|\n`,
      lines: [...shared].sort((a, b) => byRisk(a.item, b.item)).map((s) => changeRow(s.item, s.targets)),
      tail: "",
      cutNote: cutRows("changes"),
    });
  }

  // Targets that loosen anything first, then tightened ones, then neutral; edict.yaml order within.
  const targetRank = (v: DiffVerdict) => (v === "loosened" || v === "mixed" ? 0 : v === "tightened" ? 1 : v === "review" ? 2 : 3);
  for (const t of [...changed].sort((a, b) => targetRank(a.verdict) - targetRank(b.verdict))) {
    const status = t.status === "added" ? " (new target)" : t.status === "removed" ? " (target removed)" : "";
    parts.push(fixed(`\n<details><summary>${EMOJI[t.verdict]} <b>${escapeHtml(t.target)}</b>${status}: ${t.verdict} — ${escapeHtml(changeCounts(t.changes))}</summary>\n\n`));
    const own = t.changes.filter((ch) => !sharedIds.has(changeIdentity(ch)));
    if (own.length > 0) {
      const rows = [...own].sort(byRisk).map((ch) => changeRow(ch));
      parts.push({ head: "| field | change | verdict | set by |\n|---|---|---|---|\n", lines: rows, tail: "", cutNote: cutRows("changes") });
    }
    const sharedHere = t.changes.length - own.length;
    if (sharedHere > 0) {
      const which = sharedHere === 1 ? "1 change shared with other targets is" : `${sharedHere} changes shared with other targets are`;
      parts.push(fixed(`${own.length > 0 ? "\n" : ""}${which} listed under **${SHARED_TITLE}**.\n`));
    }
    const denied = regionsOf(t, "tightened");
    if (denied.length > 0) {
      parts.push({
        head: `\n**Newly denied**\n\n| requests | decision | example |\n|---|---|---|\n`,
        lines: denied.map((r) => regionRow(undefined, r)),
        tail: "",
        cutNote: cutRows("regions"),
      });
    }
    if (!t.proof.proven) parts.push(fixed(`\n_${escapeHtml(notProvenNote(t.proof))}: a verdict of no change would be unfounded, so this target needs a person's review._\n`));
    if (options.yamlDiff !== false) {
      const patch = effectivePatch(t, shortLabel(result.base), shortLabel(result.head));
      if (patch.includes("@@")) {
        const fence = patch.includes("```") ? "````" : "```";
        parts.push({ head: `\n${fence}diff\n`, lines: patch.split("\n"), tail: `${fence}\n`, cutNote: (n) => `_… ${n} more diff lines not shown (comment size limit)._\n` });
      }
    }
    parts.push(fixed("\n</details>\n"));
  }

  const unchanged = result.targets.filter((t) => t.verdict === "unchanged").map((t) => t.target);
  if (unchanged.length > 0) parts.push(fixed(`\nUnchanged: ${unchanged.map((u) => `\`${u}\``).join(", ")}\n`));

  if (result.packs.length > 0) {
    parts.push({
      head: `\n**Packs**\n\n| pack | change | before | after |\n|---|---|---|---|\n`,
      lines: result.packs.map((p) => `| ${cell(p.name, true)} | ${p.change} | ${p.before !== undefined ? cell(p.before, true) : "—"} | ${p.after !== undefined ? cell(p.after, true) : "—"} |`),
      tail: "",
      cutNote: cutRows("packs"),
    });
  }
  return fit(parts, max);
}

/** Rows of the newly allowed table: a region seen identically in several targets once, with them. */
function newlyAllowedRows(result: DiffResult): string[] {
  const regions = result.targets.flatMap((t) => regionsOf(t, "loosened").map((item) => ({ target: t.target, item })));
  return inTargets(regions).map((x) => regionRow(x.targets, x.item));
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
