/** Runs policy test cases against compiled engines and measures statement/rule coverage. */
import type { Engine } from "../engine/engine.js";
import type { TargetMerge } from "../model/merge/index.js";
import type { PolicyCase } from "./suite.js";

export interface CaseResult {
  case: PolicyCase;
  passed: boolean;
  actual: string;
  /** The deciding statements or rule, for the failure report. */
  deciders: string[];
  error?: string;
}

export interface Coverage {
  /** "file#Sid-or-index" of every access statement and "data:<id>" of every data rule, per target. */
  total: number;
  covered: number;
  percent: number;
  uncovered: Array<{ target: string; item: string; file: string }>;
}

export interface TestRun {
  results: CaseResult[];
  coverage: Coverage;
}

interface Target {
  merged: TargetMerge;
  engine: Engine;
}

function statementKey(i: number, s: { Sid?: string; source: { file: string } }): string {
  return `${s.source.file}#${s.Sid ?? `statement ${i + 1}`}`;
}

export function runCases(cases: readonly PolicyCase[], targets: ReadonlyMap<string, Target>): TestRun {
  const hit = new Map<string, Set<string>>();
  const mark = (target: string, key: string) => {
    let set = hit.get(target);
    if (!set) hit.set(target, (set = new Set()));
    set.add(key);
  };
  const results: CaseResult[] = cases.map((c) => {
    const t = targets.get(c.target);
    if (!t) return { case: c, passed: false, actual: "error", deciders: [], error: `target "${c.target}" is not in edict.yaml` };
    if (c.invalid) return { case: c, passed: false, actual: "error", deciders: [], error: `${c.file}:${c.invalid.line}:${c.invalid.column}: ${c.invalid.message}` };
    try {
      if (c.request) {
        const d = t.engine.authorize({ action: c.request.action, resource: c.request.resource, context: (c.request.context ?? {}) as never });
        const statements = t.merged.effective.access.Statement;
        for (const r of d.reasons) {
          const i = statements.findIndex((s) => s.source.file === r.file && s.source.policy === r.policy && (s.Sid ?? undefined) === r.sid && s.Effect === r.effect);
          if (i >= 0) mark(c.target, statementKey(i, statements[i]!));
        }
        return { case: c, passed: d.decision === c.expect, actual: d.decision, deciders: d.reasons.map((r) => `${r.effect} ${r.policy}${r.sid ? `/${r.sid}` : ""} (${r.file})`) };
      }
      if (c.tool !== undefined) {
        const d = t.engine.checkTool(c.tool);
        const actual = d.allowed ? (d.enforced === "escalate" ? "escalate" : "allow") : "deny";
        const passed = actual === c.expect || (c.expect === "allow" && d.allowed);
        return { case: c, passed, actual, deciders: d.violations.map((v) => `${v.code}: ${v.message}`) };
      }
      const d = t.engine.decideData(c.data as never);
      for (const id of d.matched) mark(c.target, `data:${id}`);
      return { case: c, passed: d.action === c.expect, actual: d.action, deciders: d.policy ? [`${d.policy}: ${d.reason}`] : [d.reason] };
    } catch (e) {
      return { case: c, passed: false, actual: "error", deciders: [], error: (e as Error).message };
    }
  });

  let total = 0;
  let covered = 0;
  const uncovered: Coverage["uncovered"] = [];
  for (const [name, t] of targets) {
    const seen = hit.get(name) ?? new Set<string>();
    const items: Array<{ key: string; file: string }> = [
      ...t.merged.effective.access.Statement.map((s, i) => ({ key: statementKey(i, s), file: s.source.file })),
      ...t.merged.effective.data.rules.map((r) => ({ key: `data:${r.id}`, file: r.source.file })),
    ];
    for (const item of items) {
      total++;
      if (seen.has(item.key)) covered++;
      else uncovered.push({ target: name, item: item.key, file: item.file });
    }
  }
  return { results, coverage: { total, covered, percent: total === 0 ? 100 : Math.round((covered / total) * 1000) / 10, uncovered } };
}
