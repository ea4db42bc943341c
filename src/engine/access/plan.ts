/**
 * What the compiled evaluator knows about one action: the statements whose Action/NotAction
 * match it, filed by the number of their resource prefixes (see ./prefix-index.ts), and for each
 * prefix that has some a table (./decision-table.ts) of those a resource with that prefix meets:
 * the root's, its parents' and its own. A decision asks for the deepest prefix of its resource;
 * the table is that prefix's or its nearest parent's that has one.
 *
 * When merging the parents' statements into each table would copy too much (many statements
 * under short prefixes and many longer prefixes), a lookup merges and makes the table instead.
 */
import { addTable, decide } from "./decision-table.js";
import type { Met, Tables } from "./decision-table.js";
import type { CompiledStatement } from "./statement.js";
import type { AccessDecision, ApprovalRequirement, RequestContext } from "./types.js";

/** Entries merging may copy beyond eight per statement. */
const MERGE_BUDGET = 4096;

/** The decision for a resource whose deepest prefix is `node`. */
export type ActionPlan = (node: number, resource: string, context: RequestContext) => AccessDecision;

/**
 * `met`: the statements whose action part matches; `numberOf`: the number of a filing's prefix;
 * `parents`: of each prefix number.
 */
export function actionPlan(
  met: readonly CompiledStatement[],
  numberOf: (prefix: string) => number,
  parents: readonly number[],
  approval: ApprovalRequirement | undefined,
): ActionPlan {
  const own = new Map<number, Met[]>([[0, []]]);
  for (const statement of met) {
    for (const { prefix, rest } of statement.filings) {
      const node = numberOf(prefix);
      (own.get(node) ?? (own.set(node, []).get(node) as Met[])).push({ statement, rest });
    }
  }
  /** What the root, `node` and its parents hold. */
  const metAlong = (node: number): Met[] => {
    const lists = [own.get(0) as Met[]];
    for (let n = node; n !== 0; n = parents[n] as number) lists.push(own.get(n) ?? []);
    return lists.flat();
  };
  let budget = MERGE_BUDGET + 8 * met.length;
  for (const node of own.keys()) {
    if ((budget -= metAlong(node).length) < 0) {
      return (node, resource, context) => {
        const once: Tables = { program: [], approval };
        return decide(once, addTable(once.program, metAlong(node)), resource, context);
      };
    }
  }
  const tables: Tables = { program: [], approval };
  /** Where the table of each prefix that has statements (the root too) starts in the program. */
  const starts = new Map<number, number>();
  for (const node of own.keys()) starts.set(node, addTable(tables.program, metAlong(node)));
  return lookup(tables, starts, parents);
}

function lookup(tables: Tables, starts: Map<number, number>, parents: readonly number[]): ActionPlan {
  return (node, resource, context) => {
    // the table of `node`, or of its nearest parent that has one (the root has one)
    for (let n = node; ; n = parents[n] as number) {
      const at = starts.get(n);
      if (at !== undefined) return decide(tables, at, resource, context);
    }
  };
}
