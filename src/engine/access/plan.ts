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
import type { PrefixTable } from "./prefix-index.js";
import type { CompiledStatement } from "./statement.js";
import type { AccessDecision, ApprovalRequirement, RequestContext } from "./types.js";

/** Entries merging may copy beyond eight per statement. */
const MERGE_BUDGET = 4096;

/** The decision for a request of the action. */
export type ActionPlan = (resource: string, context: RequestContext) => AccessDecision;

/** `met`: the statements whose action part matches; `prefixes`: where their filings' prefixes are numbered (sealed). */
export function actionPlan(met: readonly CompiledStatement[], prefixes: PrefixTable, approval: ApprovalRequirement | undefined): ActionPlan {
  const { parents } = prefixes;
  const own = new Map<number, Met[]>([[0, []]]);
  for (const statement of met) {
    for (const { node, rest } of statement.filings) {
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
      // the deepest prefix of the resource that has statements (the others add none)
      const deepest = prefixes.mapOf(own.keys());
      return (resource, context) => {
        const once: Tables = { program: [], approval };
        return decide(once, addTable(once.program, metAlong(deepest(resource))), resource, context);
      };
    }
  }
  const tables: Tables = { program: [], approval };
  /**
   * Per prefix that has statements (the root too), what its lookup holds: where its table starts
   * in the program, or, when the table tests nothing, the complement (~i, negative) of the index
   * of its decision (made now: it is the same for every request) in `fixed`. A decision then
   * reads either its table or its decision straight from the prefix's slot.
   */
  const fixed: AccessDecision[] = [];
  const values = new Map<number, number>();
  for (const node of own.keys()) {
    const at = addTable(tables.program, metAlong(node));
    values.set(node, tables.program[at] === 0 ? ~(fixed.push(decide(tables, at, "", {})) - 1) : at);
  }
  const valueOf = prefixes.mapOf(values.keys(), values);
  return (resource, context) => {
    const value = valueOf(resource);
    return value < 0 ? (fixed[~value] as AccessDecision) : decide(tables, value, resource, context);
  };
}
