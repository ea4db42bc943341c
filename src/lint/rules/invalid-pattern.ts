import { validateActionPattern, validateResourcePattern } from "../../engine/match/index.js";
import { formatRule } from "./format-rule.js";

function validateToolPattern(p: string): string | undefined {
  if (p === "*") return undefined;
  if (!/^mcp:\/\/[^/\s@]+(\/[^\s@]*)?(@[^\s@]+)?$/.test(p)) return `tool "${p}" is not mcp://<server>/<tool>[@<version>] or *`;
  return undefined;
}

function validateHostPattern(p: string): string | undefined {
  if (!/^[A-Za-z0-9*?.-]+(:\d+)?$/.test(p)) return `host "${p}" is not a host name or wildcard like *.example.com`;
  return undefined;
}

function validatePathPattern(p: string): string | undefined {
  if (!p.startsWith("/")) return `path "${p}" is not absolute`;
  return undefined;
}

function validateGlob(p: string): string | undefined {
  if (p.trim() === "") return "pattern is empty";
  if (/\s/.test(p.trim()) && p.trim() !== p) return `pattern "${p}" has leading or trailing whitespace`;
  return undefined;
}

export default formatRule(
  "invalid-pattern",
  {
    "action-pattern": validateActionPattern,
    "resource-pattern": validateResourcePattern,
    "tool-pattern": validateToolPattern,
    "host-pattern": validateHostPattern,
    "path-pattern": validatePathPattern,
    glob: validateGlob,
  },
  "A malformed action, resource, tool, host or path pattern. Actions are `service:Action[:sub]` or `*`, resources `scheme://path` or `*`, tools `mcp://server/tool[@version]`; `*` matches any run of characters and `?` one. A malformed pattern silently matches nothing, so an intended Deny would not apply. Fix the pattern.",
);
