/**
 * The report page: one HTML file with inline CSS and JS and no external request, so it works
 * from `file://` and as a release asset. Pure: everything is in `ReportInput`.
 */
import { esc } from "./html.js";
import { createLinker } from "./provenance.js";
import { renderChanges } from "./sections/changes.js";
import { renderOverview } from "./sections/overview.js";
import { renderPacks } from "./sections/packs.js";
import { playgroundData, renderPlayground } from "./sections/playground.js";
import { renderTests } from "./sections/tests.js";
import { renderTree } from "./sections/tree.js";
import { REPORT_CSS } from "./style.js";
import type { ReportInput } from "./types.js";

const NAV: Array<[id: string, title: string]> = [
  ["overview", "Overview"],
  ["playground", "Playground"],
  ["policy", "Effective policy"],
  ["packs", "Packs"],
  ["tests", "Tests"],
  ["changes", "Changes"],
];

/** `</script` inside the inlined code would end the element early; the bundler never emits it in code, but strings might. */
function inlineScript(code: string): string {
  return `<script>${code.replace(/<\/(script)/gi, "<\\/$1")}</script>`;
}

export function renderReport(input: ReportInput): string {
  const linker = createLinker(input.repo, { repoUrl: input.repoUrl, revision: input.revision, prefix: input.repoPrefix });
  const name = input.bundle?.payload.name ?? input.name;
  const version = input.bundle?.payload.version ?? input.version;
  const title = `${name}${version ? ` ${version}` : ""} — edict policy report`;
  const data = playgroundData(input.merges, linker, input.bundle);
  const body = [
    renderOverview(input),
    renderPlayground(data, input.bundle),
    renderTree(input.merges, linker),
    renderPacks(input.packs, linker),
    renderTests(input.tests, input.merges, linker),
    renderChanges(input.changes),
  ].join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="edict report">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header><h1>${esc(name)}${version ? ` <small>${esc(version)}</small>` : ""}</h1><p>Policy report made by edict</p></header>
<nav>${NAV.map(([id, t]) => `<a href="#${id}">${t}</a>`).join("")}</nav>
<main>
${body}
</main>
<footer>Made by <code>edict report</code> at ${esc(input.generatedAt.toISOString())}. One self-contained file: no external requests.</footer>
${inlineScript(input.playgroundScript)}
</body>
</html>
`;
}
