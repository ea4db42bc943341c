/** The overview: what the page describes (bundle or repository), who signed it, and its targets. */
import { anchorId, esc, link, notice, section } from "../html.js";
import type { ReportInput } from "../types.js";

function row(label: string, html: string, testid?: string): string {
  return `<tr><th>${esc(label)}</th><td${testid ? ` data-testid="${testid}"` : ""}>${html}</td></tr>`;
}

const short = (rev: string) => `<code title="${esc(rev)}">${esc(rev.slice(0, 12))}</code>`;

export function renderOverview(input: ReportInput): string {
  const b = input.bundle;
  const p = b?.payload;
  const revision = p?.revision ?? input.revision;
  const revisionHtml = revision === undefined ? `<span class="muted">not a git repository</span>` : link(revision.slice(0, 12), input.repoUrl ? `${input.repoUrl}/commit/${revision}` : undefined);
  const targets = input.merges.map((m) => `<a href="#${anchorId("target", m.target)}">${esc(m.target)}</a>`).join(", ");
  const rows = [
    row("Name", `<b>${esc(p?.name ?? input.name)}</b>`, "overview-name"),
    row("Version", esc(p?.version ?? input.version ?? "—"), "overview-version"),
    row("Serial", p ? String(p.serial) : `<span class="muted">— (not a bundle)</span>`),
    row("Revision", revisionHtml + (input.dirty && !p ? ` <span class="warn-text">with uncommitted changes</span>` : ""), "overview-revision"),
    row("Created", p ? esc(p.created_at) : `<span class="muted">—</span>`),
    row("Expires", p ? esc(p.expires_at) : `<span class="muted">—</span>`),
    row("Signed by", b ? b.keyids.map((k) => `<code>${esc(k)}</code>`).join(" ") : `<span class="muted">unsigned: built from the repository</span>`, "overview-signers"),
    row("Targets", targets, "overview-targets"),
    ...(b ? [row("Bundle", `${esc(b.file)} · sha256 <code>${esc(b.sha256)}</code>`)] : []),
    ...(p && p.installed_packs.length > 0 ? [row("Packs", p.installed_packs.map((k) => `${esc(k.name)} ${esc(k.version)}`).join(", "))] : []),
    row("Report made", esc(input.generatedAt.toISOString().replace(/\.\d{3}Z$/, "Z"))),
  ];
  const notes: string[] = [];
  if (p && input.revision !== undefined && p.revision !== input.revision) {
    notes.push(notice("warn", `The bundle was built from ${short(p.revision)}, the repository is at ${short(input.revision)}: the tree, tests and packs describe the repository; the playground answers from the bundle.`));
  }
  if (b) notes.push(`<p class="muted">The playground verifies the embedded bundle in this browser (WebCrypto, Ed25519) against the pinned key before it answers, and refuses to answer from a bundle that fails.</p>`);
  return section("overview", "Overview", `<table class="overview">${rows.join("\n")}</table>\n${notes.join("\n")}`);
}
