/**
 * The exact comparison of tool calls between two runtime policies. Without
 * facts, `checkTool(uri)` depends only on which allowlist entries and `allow_versions` rules the
 * URI's parts match: its server, its tool and its version (or none: an unpinned call). Each part
 * is cut into cells by the patterns that read it (./cells/glob-cells.ts), and every combination
 * of cells is decided on both sides, so "same calls allowed" is proven, not sampled.
 */
import type { EffectiveRuntime } from "../engine/effective.js";
import { compileRuntime } from "../engine/runtime/index.js";
import { stableStringify } from "../model/merge/index.js";
import { describeCell } from "./cells/describe-cell.js";
import { findCells } from "./cells/glob-cells.js";
import type { ProofStatus, Region, ToolDecisionChange } from "./types.js";

/** The parts of a tool pattern; undefined version: any version, pinned or not. */
interface ToolPattern {
  server: string;
  tool: string;
  version?: string;
}

const PART = /^mcp:\/\/([^/@]+)\/([^@]+)(?:@([^@]+))?$/i;

function splitPattern(entry: unknown): ToolPattern | "any" | undefined {
  if (typeof entry !== "string") return undefined;
  if (/^\*+$/.test(entry)) return "any";
  const m = PART.exec(entry);
  return m === null ? undefined : { server: m[1]!, tool: m[2]!, ...(m[3] !== undefined ? { version: m[3] } : {}) };
}

/** Printable ASCII without space, and never a wildcard: what a concrete URI part may hold. */
const printable = (extra: string) => (cp: number) => cp >= 0x21 && cp <= 0x7e && cp !== 42 && cp !== 63 && !extra.includes(String.fromCodePoint(cp));

export interface ToolCell {
  uri: string;
  /** For people: the server, tool and version cells. */
  parts: { server: string; tool: string; version: string };
}

export interface ToolCellSearch {
  cells: ToolCell[];
  complete: boolean;
}

/** Most URIs tried (server × tool × version cells). */
const MAX_URIS = 100_000;

/**
 * One URI per combination of server, tool and version cells of `entries` (allowlist entries and
 * `allow_versions` patterns), unpinned calls included.
 */
export function toolCells(patterns: ReadonlyArray<{ server?: string; tool?: string; version?: string }>): ToolCellSearch {
  const parts = (key: "server" | "tool" | "version") => [...new Set(patterns.flatMap((p) => (p[key] === undefined ? [] : [p[key]!])))].sort();
  const servers = parts("server");
  const tools = parts("tool");
  const versions = parts("version");
  const search = (list: string[], extra: string) => findCells(list.map((text) => ({ kind: "glob" as const, text })), { allowed: printable(extra), allowEmpty: false });
  const s = search(servers, "/@");
  const t = search(tools, "@");
  const v = search(versions, "@");
  const described = (noun: string, list: string[], cell: { matches: number[]; example: string }) => describeCell(noun, list, cell.matches);
  const versionCells: Array<{ text?: string; describe: string }> = [...v.cells.map((c) => ({ text: c.example, describe: described("version", versions, c) })), { describe: "no version (unpinned)" }];
  const cells: ToolCell[] = [];
  let complete = s.complete && t.complete && v.complete;
  outer: for (const sc of s.cells) {
    for (const tc of t.cells) {
      for (const vc of versionCells) {
        if (cells.length >= MAX_URIS) {
          complete = false;
          break outer;
        }
        cells.push({
          uri: `mcp://${sc.example}/${tc.example}${vc.text === undefined ? "" : `@${vc.text}`}`,
          parts: { server: described("server", servers, sc), tool: described("tool", tools, tc), version: vc.describe },
        });
      }
    }
  }
  return { cells, complete };
}

/** The parts of tool allowlist entries (`*` and malformed entries have none). */
export function toolPatternParts(entries: readonly unknown[]): ToolPattern[] {
  return entries.flatMap((e) => {
    const p = splitPattern(e);
    return p === undefined || p === "any" ? [] : [p];
  });
}

/** The part patterns a runtime policy's tool check reads: allowlist entries and allow_versions. */
export function toolPatternsOf(runtime: EffectiveRuntime | undefined): Array<{ server?: string; tool?: string; version?: string }> {
  const lists = runtime?.tools?.allowlist;
  const out: Array<{ server?: string; tool?: string; version?: string }> = Array.isArray(lists) ? toolPatternParts((lists as unknown[]).flatMap((l) => (Array.isArray(l) ? l : [l]))) : [];
  for (const [server, versions] of Object.entries(runtime?.security?.allow_versions ?? {})) {
    out.push({ server });
    for (const v of Array.isArray(versions) ? versions : []) if (typeof v === "string") out.push({ version: v });
  }
  return out;
}

export interface ToolComparison {
  changes: ToolDecisionChange[];
  regions: Region[];
  proof: ProofStatus;
}

function checker(runtime: EffectiveRuntime | undefined): (uri: string) => "allowed" | "denied" | "error" {
  try {
    const engine = compileRuntime(runtime ?? {});
    return (uri) => (engine.checkTool(uri).allowed ? "allowed" : "denied");
  } catch {
    // a runtime policy the evaluator refuses refuses every call (the loader fails closed)
    return () => "error";
  }
}

/**
 * Every tool call (without facts) allowed on one side and denied on the other.
 *
 * @example
 * compareTools(base.runtime, head.runtime).changes;
 * // [{ uri: "mcp://database-mcp/query@2.0", before: "denied", after: "allowed" }]
 */
export function compareTools(base: EffectiveRuntime | undefined, head: EffectiveRuntime | undefined): ToolComparison {
  // without facts, only these settings reach a tool call's decision
  const reads = (r: EffectiveRuntime | undefined) => stableStringify([r?.tools ?? null, r?.security?.allow_versions ?? null, r?.enforcement?.deny_on ?? null]);
  if (reads(base) === reads(head)) return { changes: [], regions: [], proof: { proven: true, checked: 0, total: 0, complete: true, reasons: [] } };
  const search = toolCells([...toolPatternsOf(base), ...toolPatternsOf(head)]);
  const before = checker(base);
  const after = checker(head);
  const changes: ToolDecisionChange[] = [];
  const groups = new Map<string, Region>();
  for (const cell of search.cells) {
    const b = before(cell.uri);
    const a = after(cell.uri);
    const bd = b === "allowed" ? "allowed" : "denied";
    const ad = a === "allowed" ? "allowed" : "denied";
    if (bd === ad) continue;
    changes.push({ uri: cell.uri, before: bd, after: ad });
    const where = `server ${cell.parts.server}, tool ${cell.parts.tool}, ${cell.parts.version === "no version (unpinned)" ? "no version (unpinned)" : `version ${cell.parts.version}`}`;
    const key = `${bd}>${ad}|${where}`;
    const region = groups.get(key);
    if (region) region.cells++;
    else groups.set(key, { kind: "tool", verdict: ad === "allowed" ? "loosened" : "tightened", before: bd, after: ad, where: { tool: where }, cells: 1, example: { uri: cell.uri } });
  }
  const reasons = search.complete ? [] : [`budget: more than ${MAX_URIS.toLocaleString("en-US")} tool URIs`];
  return { changes, regions: [...groups.values()], proof: { proven: search.complete, checked: search.cells.length, total: search.cells.length, complete: search.complete, reasons } };
}
