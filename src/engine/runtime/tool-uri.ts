/**
 * Sec0 tool URIs `mcp://<server>/<tool>[@<version>]` and the allowlist patterns over them
 *. A URI is split into its three parts and each pattern part is matched against its
 * own part, so a `*` in the server part can never reach into the tool name.
 *
 * Grammar (URIs and patterns alike):
 * - the scheme `mcp://` (compared case-insensitively);
 * - the server: everything up to the first `/`, non-empty;
 * - the tool: the rest up to an `@`, non-empty; it may contain `/` (MCP allows it in tool names);
 * - the version: after the `@`, non-empty; at most one `@`.
 * Only printable ASCII without spaces is accepted. A concrete URI may not contain `*` or `?`;
 * in a pattern they are wildcards (`*` any run, `?` one character, as in ../../match).
 */
import { compileWildcard } from "../match/wildcard.js";
import type { ToolUri } from "./types.js";

/**
 * Printable ASCII without space throughout; scheme (any case), server (no `/` or `@`), tool (no `@`,
 * `/` allowed), optional version (no `@`).
 */
const URI = /^(?=[\x21-\x7e]+$)mcp:\/\/([^/@]+)\/([^@]+)(?:@([^@]+))?$/i;

function split(text: string): ToolUri | undefined {
  const m = URI.exec(text);
  return m === null ? undefined : { server: m[1]!, tool: m[2]!, version: m[3] };
}

/** Parses a concrete tool URI; undefined when it is malformed (callers must deny it). */
export function parseToolUri(uri: unknown): ToolUri | undefined {
  if (typeof uri !== "string" || /[*?]/.test(uri)) return undefined;
  return split(uri);
}

/** A compiled allowlist entry. */
export type ToolMatcher = (tool: ToolUri) => boolean;

const ANY: ToolMatcher = () => true;
const STARS = /^\*+$/;

/**
 * Compiles an allowlist entry: `*` (everything), `mcp://server/tool@version` with wildcards in any
 * part, or without `@version` (any version, pinned or not). Undefined when the entry is malformed.
 *
 * An entry with a version pattern matches an unpinned call only when that pattern is all `*`
 * (`mcp://s/*@*` means "any version"); `mcp://s/t@1.0` cannot vouch for a call whose version is
 * unknown.
 */
export function compileToolPattern(entry: unknown): ToolMatcher | undefined {
  if (typeof entry !== "string") return undefined;
  if (STARS.test(entry)) return ANY;
  const parts = split(entry);
  if (parts === undefined) return undefined;
  const server = compileWildcard(parts.server);
  const tool = compileWildcard(parts.tool);
  // no version part means any version, as `@*` does
  const pattern = parts.version ?? "*";
  const anyVersion = STARS.test(pattern);
  const version = compileWildcard(pattern);
  return (t) => server(t.server) && tool(t.tool) && (t.version === undefined ? anyVersion : version(t.version));
}

/** The URI as written back: `mcp://server/tool[@version]`. */
export function formatToolUri(tool: ToolUri): string {
  return `mcp://${tool.server}/${tool.tool}${tool.version === undefined ? "" : `@${tool.version}`}`;
}
