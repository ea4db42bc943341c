/** Iterating the statements of AccessPolicy documents with their pointers, for rules. */
import type { PolicyEntry, Repository } from "../model/repository.js";
import { isRecord } from "../engine/record.js";

export interface StatementRef {
  entry: PolicyEntry;
  index: number;
  pointer: string;
  effect: "Allow" | "Deny";
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  condition?: Record<string, Record<string, unknown>>;
}

function list(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  return undefined;
}


/** Statements of one document, skipping ones too broken to reason about (schema rules report those). */
export function statementsOf(entry: PolicyEntry): StatementRef[] {
  if (entry.kind !== "AccessPolicy") return [];
  const raw = (entry.document.spec as { Statement?: unknown } | undefined)?.Statement;
  if (!Array.isArray(raw)) return [];
  const out: StatementRef[] = [];
  raw.forEach((st, index) => {
    if (!isRecord(st) || (st.Effect !== "Allow" && st.Effect !== "Deny")) return;
    const ref: StatementRef = { entry, index, pointer: `/spec/Statement/${index}`, effect: st.Effect };
    const a = list(st.Action);
    const na = list(st.NotAction);
    const r = list(st.Resource);
    const nr = list(st.NotResource);
    if (a) ref.action = a;
    if (na) ref.notAction = na;
    if (r) ref.resource = r;
    if (nr) ref.notResource = nr;
    if (isRecord(st.Condition)) ref.condition = st.Condition as Record<string, Record<string, unknown>>;
    out.push(ref);
  });
  return out;
}

export function allStatements(repo: Repository): StatementRef[] {
  return repo.policies.concat(repo.packPolicies).flatMap(statementsOf);
}
