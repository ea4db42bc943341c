/** The README's rule table, generated from the registry so the docs cannot drift from the code. */
import type { Rule } from "./rule.js";

export function rulesMarkdownTable(rules: readonly Rule[]): string {
  const rows = rules.map((r) => {
    const what = r.meta.description.split(/(?<=\.)\s/)[0]!.replace(/\|/g, "\\|");
    return `| \`${r.meta.id}\` | ${r.meta.category} | ${r.meta.severity} | ${what} |`;
  });
  return ["| rule | category | default | what it finds |", "|---|---|---|---|", ...rows].join("\n") + "\n";
}
