/**
 * Where a value of the effective policy was written: the line of a spec path in its file, and a
 * link to that file at the report's revision when the repository's GitHub URL is known.
 */
import type { Provenance } from "../engine/effective.js";
import { joinPointer } from "../model/pointer.js";
import type { Repository } from "../model/repository.js";
import { spanOf } from "../lint/engine.js";
import { esc, link } from "./html.js";

export interface SourceLinker {
  /** The 1-based line of `pointer` (a JSON pointer such as `/spec/ResourceLimits/MaxTokens`) in `file`, or of its nearest written ancestor. */
  lineOf(file: string, pointer: string): number | undefined;
  /** The line of a statement (by Sid, or the n-th statement of that Sid-less kind) in its file. */
  statementLine(source: Provenance, sid: string | undefined, nth?: number): number | undefined;
  /** `file:line` as HTML, linked to the file at the revision when the URL is known. */
  render(file: string, line?: number): string;
  /** The link target of `file:line`, when the URL is known. */
  href(file: string, line?: number): string | undefined;
}

export interface LinkerOptions {
  repoUrl?: string | undefined;
  revision?: string | undefined;
  /** The policy repository's folder inside the git work tree ("" at its root). */
  prefix?: string | undefined;
}

/** `https://github.com/o/r` from a git remote URL (https, ssh, scp-like), or undefined for other hosts. */
export function githubUrlOf(remote: string | undefined, server = "https://github.com"): string | undefined {
  if (remote === undefined) return undefined;
  const host = new URL(server).host;
  const text = remote.trim().replace(/\.git$/, "");
  const patterns = [new RegExp(`^https?://(?:[^@/]+@)?${host.replace(/\./g, "\\.")}/([^/]+)/([^/]+)$`), new RegExp(`^(?:ssh://)?git@${host.replace(/\./g, "\\.")}[:/]([^/]+)/([^/]+)$`)];
  for (const p of patterns) {
    const m = p.exec(text);
    if (m) return `${server.replace(/\/+$/, "")}/${m[1]}/${m[2]}`;
  }
  return undefined;
}

export function createLinker(repo: Repository, options: LinkerOptions = {}): SourceLinker {
  const lineOf = (file: string, pointer: string): number | undefined => {
    const found = repo.byPath.get(file);
    // the nearest written ancestor, at its key: what lint reports a finding at
    return found && found.source.lines.position(spanOf(found, pointer, true)[0]).line;
  };
  const statementLine = (source: Provenance, sid: string | undefined, nth = 0): number | undefined => {
    const value = repo.byPath.get(source.file)?.source.value as { spec?: { Statement?: unknown } } | undefined;
    const list = value?.spec?.Statement;
    if (!Array.isArray(list)) return lineOf(source.file, "/spec");
    let seen = 0;
    for (const [i, st] of list.entries()) {
      const itsSid = st !== null && typeof st === "object" ? (st as { Sid?: unknown }).Sid : undefined;
      if (sid !== undefined ? itsSid === sid : itsSid === undefined && seen++ === nth) return lineOf(source.file, joinPointer("/spec/Statement", i));
    }
    // desugared statements (Models, Capabilities, workspace controls) have no Statement entry
    return lineOf(source.file, "/spec");
  };
  const base = options.repoUrl && options.revision ? `${options.repoUrl.replace(/\/+$/, "")}/blob/${options.revision}/` : undefined;
  const prefix = options.prefix ? `${options.prefix.replace(/\/+$/, "")}/` : "";
  const href = (file: string, line?: number): string | undefined =>
    base === undefined ? undefined : `${base}${(prefix + file).split("/").map(encodeURIComponent).join("/")}${line ? `#L${line}` : ""}`;
  return {
    lineOf,
    statementLine,
    href,
    render: (file, line) => `<span class="prov">${link(`${file}${line ? `:${line}` : ""}`, href(file, line), ' target="_blank" rel="noopener"')}</span>`,
  };
}

/** The provenance of a value: each setting document as `policy (file:line)`. */
export function renderProvenance(linker: SourceLinker, sources: readonly Provenance[] | undefined, pointerOf: (p: Provenance) => string): string {
  if (!sources || sources.length === 0) return "";
  return sources.map((s) => `<span class="by">${esc(s.policy)}</span> ${linker.render(s.file, linker.lineOf(s.file, pointerOf(s)))}`).join(", ");
}
