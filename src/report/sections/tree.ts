/**
 * The effective policy of each target as a browsable tree: statements as a table (each row an
 * anchor the playground's reasons link to), every other value with the documents that set it
 * (`policy file:line`), locked paths marked, data rules with their sources.
 */
import type { EffectiveStatement, EffectiveTarget, Provenance } from "../../engine/effective.js";
import { isRecord } from "../../engine/record.js";
import type { KindKey, TargetMerge } from "../../model/merge/index.js";
import { joinPointer } from "../../model/pointer.js";
import { anchorId, esc, section, table } from "../html.js";
import { renderProvenance } from "../provenance.js";
import type { SourceLinker } from "../provenance.js";

/** The anchor of statement `index` of `target` (what the playground links a reason to). */
export function statementAnchor(target: string, index: number): string {
  return anchorId("st", target, index);
}

/** Per statement: its anchor and line, and the key `edict test` coverage uses. */
export interface PlacedStatement {
  statement: EffectiveStatement;
  anchor: string;
  line: number | undefined;
}

/** Every statement of a target with its anchor and line (the n-th Sid-less statement of a file is found by order). */
export function placeStatements(merge: TargetMerge, linker: SourceLinker): PlacedStatement[] {
  const nth = new Map<string, number>();
  return merge.effective.access.Statement.map((statement, i) => {
    let line: number | undefined;
    if (statement.Sid === undefined) {
      const key = `${statement.source.policy}\u0000${statement.source.file}`;
      const n = nth.get(key) ?? 0;
      nth.set(key, n + 1);
      line = linker.statementLine(statement.source, undefined, n);
    } else {
      line = linker.statementLine(statement.source, statement.Sid);
    }
    return { statement, anchor: statementAnchor(merge.target, i), line };
  });
}

function code(value: unknown): string {
  return `<code>${esc(typeof value === "string" ? value : JSON.stringify(value))}</code>`;
}

function list(values: readonly string[] | undefined, negated?: readonly string[]): string {
  if (values) return values.map(code).join(" ");
  if (negated) return `<span class="not">not</span> ${negated.map(code).join(" ")}`;
  return "";
}

function statementsTable(placed: PlacedStatement[], linker: SourceLinker): string {
  if (placed.length === 0) return `<p class="muted">No statements: every access request is denied.</p>`;
  const rows = placed.map(({ statement: s, anchor, line }) => [
    `<a class="anchor" href="#${anchor}">#</a>`,
    s.Sid === undefined ? `<span class="muted">(no Sid)</span>` : `<b>${esc(s.Sid)}</b>`,
    `<span class="effect ${s.Effect === "Deny" ? "deny" : "allow"}">${s.Effect}</span>`,
    list(s.Action, s.NotAction),
    list(s.Resource, s.NotResource),
    s.Condition ? `<code class="cond">${esc(JSON.stringify(s.Condition))}</code>` : "",
    `<span class="by">${esc(s.source.policy)}</span> ${linker.render(s.source.file, line)}`,
  ]);
  // the row ids: table() takes cells only, so the ids go on the first cell's row after rendering
  let html = table(["", "Sid", "Effect", "Action", "Resource", "Condition", "Source"], rows, "statements");
  let i = 0;
  html = html.replace(/<tr><td><a class="anchor"/g, () => `<tr id="${placed[i++]!.anchor}"><td><a class="anchor"`);
  return html;
}

interface TreeContext {
  kind: KindKey;
  provenance: Record<string, Provenance[]>;
  locks: Map<string, string>;
  linker: SourceLinker;
}

/** The documents that set `path`, or the nearest ancestor's (lists are recorded at the list). */
function sourcesOf(ctx: TreeContext, path: string): Provenance[] | undefined {
  for (let p = path; p !== ""; p = p.includes(".") ? p.slice(0, p.lastIndexOf(".")) : "") {
    const found = ctx.provenance[p];
    if (found) return found;
  }
  return undefined;
}

function lockMark(ctx: TreeContext, path: string): string {
  const by = ctx.locks.get(path);
  return by === undefined ? "" : ` <span class="lock" title="locked by ${esc(by)}: later documents and host overlays cannot change it">locked by ${esc(by)}</span>`;
}

function tree(value: Record<string, unknown>, ctx: TreeContext, segs: string[]): string {
  const items = Object.entries(value).map(([key, v]) => {
    const path = [...segs, key].join(".");
    const pointer = () => [...segs, key].reduce((ptr, s) => joinPointer(ptr, s), "/spec");
    if (isRecord(v) && Object.keys(v).length > 0) {
      return `<li><details open><summary><span class="k">${esc(key)}</span>${lockMark(ctx, path)}</summary><ul>${tree(v, ctx, [...segs, key])}</ul></details></li>`;
    }
    const prov = renderProvenance(ctx.linker, sourcesOf(ctx, path), pointer);
    return `<li><span class="k">${esc(key)}</span>: ${code(v)}${lockMark(ctx, path)}${prov ? ` <span class="src">← ${prov}</span>` : ""}</li>`;
  });
  return items.join("\n");
}

function kindTree(merge: TargetMerge, kind: Exclude<KindKey, "data">, value: Record<string, unknown>, linker: SourceLinker, locks: Map<string, string>): string {
  if (Object.keys(value).length === 0) return `<p class="muted">Nothing set.</p>`;
  return `<ul class="tree">${tree(value, { kind, provenance: merge.provenance[kind], locks, linker }, [])}</ul>`;
}

function dataRules(merge: TargetMerge, linker: SourceLinker): string {
  const { rules, default_action } = merge.effective.data;
  const head = `<p>Default action: <code>${esc(default_action)}</code></p>`;
  if (rules.length === 0) return head + `<p class="muted">No data rules.</p>`;
  const rows = rules.map((r) => [
    `<b id="${anchorId("data", merge.target, r.id)}">${esc(r.id)}</b>`,
    String(r.precedence),
    `<code class="cond">${esc(JSON.stringify(r.spec))}</code>`,
    linker.render(r.source.file, linker.lineOf(r.source.file, "/spec")),
  ]);
  return head + table(["Rule", "Precedence", "Spec", "Source"], rows, "rules");
}

function locksByKind(effective: EffectiveTarget, kind: string): Map<string, string> {
  return new Map((effective.locks ?? []).filter((l) => l.kind === kind).map((l) => [l.path, l.policy]));
}

function targetTree(merge: TargetMerge, linker: SourceLinker): string {
  const e = merge.effective;
  const { Statement: _statements, ...accessRest } = e.access;
  const part = (id: string, title: string, body: string) => `<details open class="kind" id="${anchorId("kind", merge.target, id)}"><summary>${esc(title)}</summary>\n${body}\n</details>`;
  return [
    `<details open class="target" id="${anchorId("target", merge.target)}" data-testid="tree-target"><summary><h3>${esc(merge.target)}</h3></summary>`,
    part("access", `AccessPolicy — ${e.access.Statement.length} statement${e.access.Statement.length === 1 ? "" : "s"}`, statementsTable(placeStatements(merge, linker), linker) + kindTree(merge, "access", accessRest as Record<string, unknown>, linker, locksByKind(e, "access"))),
    part("runtime", "RuntimePolicy", kindTree(merge, "runtime", e.runtime as Record<string, unknown>, linker, locksByKind(e, "runtime"))),
    part("data", `DataPolicy — ${e.data.rules.length} rule${e.data.rules.length === 1 ? "" : "s"}`, dataRules(merge, linker)),
    part("posture", "PosturePolicy", kindTree(merge, "posture", e.posture as Record<string, unknown>, linker, locksByKind(e, "posture"))),
    `</details>`,
  ].join("\n");
}

export function renderTree(merges: readonly TargetMerge[], linker: SourceLinker): string {
  const intro = `<p class="muted">Every document merged the way the runtime sees it. Each value names the document that set it; <span class=\"lock\">locked</span> marks paths a document locked (later documents and host overlays cannot change them).</p>`;
  return section("policy", "Effective policy", intro + merges.map((m) => targetTree(m, linker)).join("\n"));
}
