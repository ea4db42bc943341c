/**
 * The Changes section: the semantic diff against the previous release, shown as the pull
 * request comment shows it (its markdown, rendered with marked). Everything from the diff is
 * repository text (Sids, resources, conditions), so the HTML is sanitised: raw HTML passes only
 * as the few bare tags the markdown renderer itself writes, links only to http(s), no images.
 */
import { Marked } from "marked";
import type { Tokens } from "marked";
import { renderDiffMarkdown } from "../../diff/render-markdown.js";
import { esc, notice, section } from "../html.js";
import type { ReportChanges } from "../types.js";

/** The tags `renderDiffMarkdown` writes itself, bare (no attributes): nothing else passes as HTML. */
const ALLOWED_TAGS = new Set(["details", "/details", "summary", "/summary", "b", "/b", "sub", "/sub", "br"]);

/**
 * Raw HTML from the markdown, made inert except for the allowed bare tags: every other `<` and
 * `>` is escaped (script injection through a Sid or resource), and a lone `&` that does not
 * start an entity is escaped while the entities the markdown renderer wrote are kept.
 */
export function sanitiseRawHtml(raw: string): string {
  return raw.replace(/<(\/?[a-zA-Z]+)\s*\/?>|[<>"]|&(?!#\d{1,7};|#x[0-9a-fA-F]{1,6};|[a-zA-Z][a-zA-Z0-9]{1,31};)/g, (match, tag: string | undefined) => {
    if (tag !== undefined && ALLOWED_TAGS.has(tag.toLowerCase())) return `<${tag.toLowerCase()}>`;
    return esc(match);
  });
}

/** Only http(s) links become anchors (no `javascript:`, no `data:`); they open outside the report. */
function safeHref(href: string): string | undefined {
  return /^https?:\/\//i.test(href.trim()) ? href.trim() : undefined;
}

const markdown = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      return sanitiseRawHtml(token.text);
    },
    link(token: Tokens.Link): string {
      const text = this.parser.parseInline(token.tokens);
      const href = safeHref(token.href);
      return href === undefined ? text : `<a href="${esc(href)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
    },
    // an image would be a request from the page: its alt text stands in
    image(token: Tokens.Image): string {
      return esc(token.text);
    },
  },
});

/** The PR comment's markdown of a diff as safe HTML. */
export function diffMarkdownToHtml(md: string): string {
  return markdown.parse(md) as string;
}

function previousLine(changes: ReportChanges): string {
  const p = changes.previous;
  const trust =
    p.verified === true
      ? `<span class="status ok">signature verified</span>${p.keyids && p.keyids.length > 0 ? ` (${p.keyids.map((k) => `<code>${esc(k)}</code>`).join(", ")})` : ""}`
      : `<span class="status warn">not verified</span> (give <code>--key</code> to check its signature)`;
  return `<p data-testid="changes-previous">Compared with the previous release <b>${esc(p.version)}</b> (serial ${esc(p.serial)}, revision <code title="${esc(p.revision)}">${esc(p.revision.slice(0, 12))}</code>) from <code>${esc(p.file)}</code>: ${trust}.</p>`;
}

/**
 * The Changes section. Without a previous release it says how to get one.
 */
export function renderChanges(changes: ReportChanges | undefined): string {
  if (!changes) return section("changes", "Changes", notice("info", "Give <code>--previous BUNDLE</code> to compare with the previous release."));
  const body = [previousLine(changes), `<div class="diff-md" data-testid="changes-diff">\n${diffMarkdownToHtml(renderDiffMarkdown(changes.result))}\n</div>`];
  return section("changes", "Changes", body.join("\n"));
}
