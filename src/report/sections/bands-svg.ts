/**
 * The priority-band picture of the Packs section: one lane per layer (foundation, domain, custom,
 * then any other layer written), a rectangle per pack spanning its band on a shared priority
 * axis, dots at the priorities its policies use, and the custom policies' priorities in the custom
 * lane. Inline SVG with system fonts only, so the page makes no request; every text is escaped.
 */
import { LAYERS } from "../../engine/vocabulary.js";
import { esc } from "../html.js";
import type { ReportPack, ReportPacks } from "../types.js";

const WIDTH = 800;
const LABEL_WIDTH = 110;
const PLOT_LEFT = LABEL_WIDTH + 10;
const PLOT_RIGHT = WIDTH - 20;
const ROW = 30;
const LANE_PAD = 8;
const AXIS_HEIGHT = 28;
const TOP = 8;

interface Placed {
  pack: ReportPack;
  /** The span drawn: the band, or the priorities' range when the band is unknown. */
  min: number;
  max: number;
  row: number;
}

/** A tick step giving at most about ten ticks over `span`. */
function tickStep(span: number): number {
  for (const step of [10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000]) if (span / step <= 10) return step;
  return 10 ** Math.ceil(Math.log10(span / 10));
}

/** The axis range: every band end and priority, widened to whole tick steps. */
function axisOf(packs: ReportPacks): { lo: number; hi: number; step: number } {
  const values = [
    ...packs.customPriorities,
    ...packs.installed.flatMap((p) => [...p.priorities, ...(p.band ? [p.band.min, p.band.max] : [])]),
  ].filter((n) => Number.isFinite(n));
  const min = values.length > 0 ? Math.min(...values) : 0;
  const max = values.length > 0 ? Math.max(...values) : 100;
  const step = tickStep(Math.max(max - Math.min(0, min), 1));
  const lo = Math.min(0, Math.floor(min / step) * step);
  const hi = Math.max(lo + step, Math.ceil((max + 1) / step) * step);
  return { lo, hi, step };
}

/** Packs of one lane on rows so that overlapping spans (a broken layout lint reports) stay readable. */
function placeLane(packs: readonly ReportPack[]): Placed[] {
  const rowsEnd: number[] = [];
  const spans = packs
    .map((pack) => {
      const min = pack.band?.min ?? (pack.priorities.length > 0 ? Math.min(...pack.priorities) : undefined);
      const max = pack.band?.max ?? (pack.priorities.length > 0 ? Math.max(...pack.priorities) : undefined);
      return { pack, min, max };
    })
    .sort((a, b) => (a.min ?? Infinity) - (b.min ?? Infinity));
  const out: Placed[] = [];
  for (const s of spans) {
    if (s.min === undefined || s.max === undefined) continue;
    let row = rowsEnd.findIndex((end) => end < s.min!);
    if (row < 0) row = rowsEnd.push(s.max) - 1;
    else rowsEnd[row] = s.max;
    out.push({ pack: s.pack, min: s.min, max: s.max, row });
  }
  return out;
}

/** The layers drawn, in layer order, then any other layer name written in the state. */
function lanesOf(packs: ReportPacks): string[] {
  const extra = [...new Set(packs.installed.map((p) => p.layer).filter((l) => !(LAYERS as readonly string[]).includes(l)))].sort();
  return [...LAYERS, ...extra];
}

/**
 * The SVG picture (`data-testid="packs-bands"`), readable at 800 px: lanes bottom-up would put
 * foundation last, so lanes read top-down in layer order, the axis below them.
 */
export function renderBandsSvg(packs: ReportPacks): string {
  const { lo, hi, step } = axisOf(packs);
  const x = (v: number) => PLOT_LEFT + ((v - lo) / (hi - lo)) * (PLOT_RIGHT - PLOT_LEFT);
  const backgrounds: string[] = [];
  const parts: string[] = [];
  let y = TOP;
  for (const layer of lanesOf(packs)) {
    const placed = placeLane(packs.installed.filter((p) => p.layer === layer));
    const custom = layer === "custom" ? [...new Set(packs.customPriorities)] : [];
    const rows = Math.max(1, ...placed.map((p) => p.row + 1)) + (custom.length > 0 && placed.length > 0 ? 1 : 0);
    const height = rows * ROW + LANE_PAD * 2;
    parts.push(`<g class="lane" data-layer="${esc(layer)}">`);
    backgrounds.push(`<rect class="lane-bg" data-layer="${esc(layer)}" x="0" y="${y}" width="${WIDTH}" height="${height}"/>`);
    parts.push(`<text class="lane-label" x="8" y="${y + height / 2 + 4}">${esc(layer)}</text>`);
    for (const p of placed) {
      const top = y + LANE_PAD + p.row * ROW;
      const left = x(p.min);
      const width = Math.max(x(p.max) - left, 4);
      const band = p.pack.band ? `band ${p.pack.band.min}–${p.pack.band.max}` : "band unknown";
      const title = `${p.pack.name} ${p.pack.version} · ${band} · priorities ${p.pack.priorities.join(", ") || "none"}`;
      parts.push(
        `<rect class="band${p.pack.band ? "" : " unknown"}" data-pack="${esc(p.pack.name)}" x="${left.toFixed(1)}" y="${top + 3}" width="${width.toFixed(1)}" height="${ROW - 6}" rx="3"><title>${esc(title)}</title></rect>`,
      );
      parts.push(`<text class="band-label" x="${(left + 4).toFixed(1)}" y="${top + ROW / 2 + 4}">${esc(p.pack.name)}</text>`);
      for (const n of p.pack.priorities) {
        const outside = p.pack.band !== undefined && (n < p.pack.band.min || n > p.pack.band.max);
        parts.push(`<circle class="prio${outside ? " outside" : ""}" cx="${x(n).toFixed(1)}" cy="${top + ROW - 6}" r="3"><title>${esc(`${p.pack.name}: priority ${n}${outside ? " (outside its band)" : ""}`)}</title></circle>`);
      }
    }
    if (custom.length > 0) {
      const top = y + LANE_PAD + (rows - 1) * ROW;
      parts.push(`<text class="band-label custom" x="${PLOT_LEFT}" y="${top + 11}">custom policies</text>`);
      for (const n of custom) parts.push(`<circle class="prio custom" cx="${x(n).toFixed(1)}" cy="${top + ROW - 8}" r="3.5"><title>custom policy: priority ${n}</title></circle>`);
    }
    parts.push("</g>");
    y += height;
  }
  const ticks: string[] = [`<line class="axis" x1="${PLOT_LEFT}" y1="${y + 2}" x2="${PLOT_RIGHT}" y2="${y + 2}"/>`];
  for (let v = lo; v <= hi; v += step) {
    ticks.push(`<line class="tick" x1="${x(v).toFixed(1)}" y1="${TOP}" x2="${x(v).toFixed(1)}" y2="${y + 6}"/>`);
    ticks.push(`<text class="tick-label" x="${x(v).toFixed(1)}" y="${y + 20}" text-anchor="middle">${v}</text>`);
  }
  const height = y + AXIS_HEIGHT;
  return [
    `<svg data-testid="packs-bands" class="bands" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" style="max-width:${WIDTH}px" role="img" aria-label="priority bands per layer">`,
    `<style>.bands text{font:12px system-ui,-apple-system,"Segoe UI",sans-serif;fill:#1f2328}.bands .lane-bg{fill:#f6f8fa;stroke:#d0d7de}.bands .lane-label{font-weight:600}.bands .band{fill:#b6e3ff;stroke:#0969da}.bands .band.unknown{fill:none;stroke-dasharray:4 3}.bands .prio{fill:#0969da}.bands .prio.outside{fill:#cf222e}.bands .prio.custom{fill:#8250df}.bands .tick{stroke:#d0d7de;stroke-dasharray:2 3}.bands .axis{stroke:#57606a}.bands .tick-label{fill:#57606a}</style>`,
    ...backgrounds,
    ...ticks,
    ...parts,
    "</svg>",
  ].join("\n");
}
