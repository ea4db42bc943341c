/** The README's pack section, generated from packs/ so the docs cannot drift from what ships. */
import type { Repository } from "../model/repository.js";

export function packsMarkdown(repo: Repository): string {
  const out: string[] = [];
  for (const meta of [...repo.packMetas].sort((a, b) => (a.pack < b.pack ? -1 : 1))) {
    const m = meta.value;
    if (!m) continue;
    const band = m.priority_band ? `${m.priority_band.min}–${m.priority_band.max}` : "none";
    const deps = m.dependencies?.length ? m.dependencies.join(", ") : "none";
    out.push(`#### \`${m.name}\` ${m.version} (${m.layer}, band ${band}, depends on ${deps})`, "", m.description ?? "", "");
    out.push("| file | kind | id | targets | what it does |", "|---|---|---|---|---|");
    for (const p of repo.packPolicies.filter((e) => e.file.path.startsWith(`packs/${meta.pack}/`))) {
      const md = p.document.metadata;
      const targets = md?.targets ? md.targets.join(", ") : "all";
      out.push(`| \`${p.file.path.split("/").pop()}\` | ${p.kind} | \`${p.id ?? ""}\` | ${targets} | ${(md?.description ?? "").replace(/\|/g, "\\|")} |`);
    }
    out.push("");
  }
  return out.join("\n");
}
