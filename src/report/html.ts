/**
 * HTML building blocks of the report page: escaping, safe embedding of JSON and bytes in
 * `<script>` elements, and links. The page is one file with inline CSS and JS and no external
 * request, so everything that reaches it from the repository goes through `esc` or `jsonScript`.
 */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text or an attribute value as HTML. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * JSON for a `<script type="application/json">` element: `<`, `>` and `&` escaped as `\u003c`…,
 * so no string in it can close the element or open a comment; U+2028/2029 escaped for old parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** `<script type="application/json" id="ID">…</script>`. */
export function jsonScript(id: string, value: unknown): string {
  return `<script type="application/json" id="${esc(id)}">${jsonForScript(value)}</script>`;
}

/** Bytes as standard base64 in a `<script type="application/octet-stream" id="ID">` element (exact bytes, no escaping to get wrong). */
export function bytesScript(id: string, bytes: Uint8Array): string {
  return `<script type="application/octet-stream" id="${esc(id)}">${Buffer.from(bytes).toString("base64")}</script>`;
}

/** An anchor id from parts: letters, digits, `-` and `_` only, so it is safe in `id` and `href="#…"`. */
export function anchorId(...parts: Array<string | number>): string {
  return parts.map((p) => String(p).replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}`)).join("-");
}

/** A link to `href` when it is http(s), otherwise the text alone. */
export function link(text: string, href: string | undefined, attrs = ""): string {
  return href !== undefined && /^https?:\/\//.test(href) ? `<a href="${esc(href)}"${attrs}>${esc(text)}</a>` : esc(text);
}

/** `<section id>` with a heading. */
export function section(id: string, title: string, body: string, testid = id): string {
  return `<section id="${esc(id)}" data-testid="section-${esc(testid)}"><h2>${esc(title)}</h2>\n${body}\n</section>`;
}

/** A table from header cells and rows of ready HTML cells. */
export function table(head: readonly string[], rows: ReadonlyArray<readonly string[]>, cls = ""): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("\n");
  return `<table${cls ? ` class="${esc(cls)}"` : ""}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A short notice paragraph: `info`, `warn` or `bad`. */
export function notice(kind: "info" | "warn" | "bad" | "ok", html: string): string {
  return `<p class="notice ${kind}">${html}</p>`;
}
