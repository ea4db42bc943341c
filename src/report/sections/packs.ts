/**
 * The Packs section: the installed packs with versions, sources and status, the priority-band
 * picture per layer, and drift. Pure: the data comes from gather-packs.ts.
 */
import type { DriftFinding } from "../../pack/drift.js";
import { PACK_STATE_FILE } from "../../model/repository.js";
import { esc, notice, section, table } from "../html.js";
import type { SourceLinker } from "../provenance.js";
import type { ReportPack, ReportPacks } from "../types.js";
import { renderBandsSvg } from "./bands-svg.js";

/** `sha256:0123456789ab…`: enough to tell checksums apart in a table. */
function shortChecksum(checksum: string | undefined): string {
  if (checksum === undefined) return `<span class="muted">none</span>`;
  const short = checksum.length > "sha256:".length + 12 ? `${checksum.slice(0, "sha256:".length + 12)}…` : checksum;
  return `<code title="${esc(checksum)}">${esc(short)}</code>`;
}

/** `edict pack list`'s status: edited or missing files first, then a different shipped version or content. */
function statusOf(name: string, drift: readonly DriftFinding[]): { text: string; cls: string } {
  const kinds = new Set(drift.filter((d) => d.pack === name).map((d) => d.kind));
  if (kinds.has("modified") || kinds.has("missing")) return { text: "modified", cls: "bad" };
  if (kinds.has("outdated") || kinds.has("checksum")) return { text: "outdated", cls: "warn" };
  return { text: "ok", cls: "ok" };
}

function packRow(p: ReportPack, drift: readonly DriftFinding[]): string[] {
  const status = statusOf(p.name, drift);
  return [
    `<b>${esc(p.name)}</b>`,
    esc(p.version),
    esc(p.layer),
    esc(p.source || "unknown"),
    shortChecksum(p.checksum),
    p.band ? `${p.band.min}–${p.band.max}` : `<span class="muted">unknown</span>`,
    `<span class="status ${status.cls}">${status.text}</span>`,
  ];
}

function renderDrift(drift: readonly DriftFinding[], linker: SourceLinker): string {
  if (drift.length === 0) return `<p data-testid="packs-drift" class="drift none">No drift: every installed pack matches what its source ships, and no installed file was edited.</p>`;
  const items = drift.map((d) => {
    // a missing file has nothing to link to; the state that still lists it does
    const where = d.path !== undefined && d.kind !== "missing" ? linker.render(d.path) : linker.render(PACK_STATE_FILE);
    return `<li class="drift-${esc(d.kind)}"><span class="kind">${esc(d.kind)}</span> ${esc(d.message)} ${where}</li>`;
  });
  return `<h3>Drift</h3>\n<ul data-testid="packs-drift" class="drift">\n${items.join("\n")}\n</ul>`;
}

/**
 * The Packs section. Without installed packs it says so, and still draws the custom policies'
 * priorities when there are any.
 */
export function renderPacks(packs: ReportPacks | undefined, linker: SourceLinker): string {
  if (!packs || packs.installed.length === 0) {
    const none = notice("info", "No pack is installed. Install one with <code>edict pack install NAME</code> (see <code>edict pack list</code>).");
    const custom = packs && packs.customPriorities.length > 0 ? `\n<h3>Priorities</h3>\n${renderBandsSvg(packs)}` : "";
    return section("packs", "Packs", none + custom);
  }
  const rows = packs.installed.map((p) => packRow(p, packs.drift));
  const body = [
    `<p>${packs.installed.length} installed pack${packs.installed.length === 1 ? "" : "s"}, recorded in ${linker.render(PACK_STATE_FILE)}.</p>`,
    table(["Pack", "Version", "Layer", "Source", "Checksum", "Band", "Status"], rows, "packs"),
    "<h3>Priority bands</h3>",
    `<p class="muted">Each pack owns a band of priorities; a higher layer's band lies above a lower one's. Dots mark the priorities its policies use${packs.customPriorities.length > 0 ? "; the custom lane shows the repository's own policies" : ""}.</p>`,
    renderBandsSvg(packs),
    renderDrift(packs.drift, linker),
  ];
  return section("packs", "Packs", body.join("\n"));
}
