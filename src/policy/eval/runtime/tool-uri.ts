/**
 * Sec0 tool URIs `mcp://<server>/<tool>[@<version>]` and the allowlist patterns over them
 * (SPEC §2.2). A URI is split into its three parts and each pattern part is matched against its
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
import { compileWildcard } from "../../match/wildcard.js";
import type { WildcardMatcher } from "../../match/wildcard.js";
import type { ToolUri } from "./types.js";

const SCHEME = "mcp://";
/** Printable ASCII without space. */
const PRINTABLE = /^[\x21-\x7e]+$/;

interface Parts {
  server: string;
  tool: string;
  version: string | undefined;
}

function split(text: string): Parts | undefined {
  if (text.length <= SCHEME.length || text.slice(0, SCHEME.length).toLowerCase() !== SCHEME) return undefined;
  const rest = text.slice(SCHEME.length);
  if (!PRINTABLE.test(rest)) return undefined;
  const slash = rest.indexOf("/");
  if (slash <= 0) return undefined;
  const server = rest.slice(0, slash);
  if (server.includes("@")) return undefined;
  const path = rest.slice(slash + 1);
  const at = path.indexOf("@");
  if (at < 0) return path === "" ? undefined : { server, tool: path, version: undefined };
  if (at !== path.lastIndexOf("@")) return undefined;
  const tool = path.slice(0, at);
  const version = path.slice(at + 1);
  if (tool === "" || version === "") return undefined;
  return { server, tool, version };
}

/** Parses a concrete tool URI; undefined when it is malformed (callers must deny it). */
export function parseToolUri(uri: unknown): ToolUri | undefined {
  if (typeof uri !== "string" || uri.includes("*") || uri.includes("?")) return undefined;
  return split(uri);
}

/** A compiled allowlist entry. */
export type ToolMatcher = (tool: ToolUri) => boolean;

const ANY: ToolMatcher = () => true;

/**
 * Compiles an allowlist entry: `*` (everything), `mcp://server/tool@version` with wildcards in any
 * part, or without `@version` (any version, pinned or not). Undefined when the entry is malformed.
 *
 * An entry with a version pattern matches an unpinned call only when that pattern is all `*`
 * (`mcp://s/*@*` means "any version"); `mcp://s/t@1.0` cannot vouch for a call whose version is
 * unknown.
 */
export function compileToolPattern(entry: string): ToolMatcher | undefined {
  if (typeof entry !== "string") return undefined;
  if (/^\*+$/.test(entry)) return ANY;
  const parts = split(entry);
  if (parts === undefined) return undefined;
  const server = part(parts.server);
  const tool = part(parts.tool);
  if (parts.version === undefined) return (t) => server(t.server) && tool(t.tool);
  const anyVersion = /^\*+$/.test(parts.version);
  const version = part(parts.version);
  return (t) =>
    server(t.server) && tool(t.tool) && (t.version === undefined ? anyVersion : version(t.version));
}

function part(pattern: string): WildcardMatcher {
  return compileWildcard(pattern);
}

/** The URI as written back: `mcp://server/tool[@version]`. */
export function formatToolUri(tool: ToolUri): string {
  return `${SCHEME}${tool.server}/${tool.tool}${tool.version === undefined ? "" : `@${tool.version}`}`;
}
