/**
 * What the compiled evaluator knows about one action: the statements whose Action/NotAction
 * match it, filed by the number of their resource prefixes (see ./prefix-index.ts), and for each
 * prefix that has some a table (./decision-table.ts) of those a resource with that prefix meets:
 * the root's, its parents' and its own. A decision asks for the deepest prefix of its resource;
 * the table is that prefix's or its nearest parent's that has one.
 *
 * Tables sit by prefix number in an open-addressing table of typed arrays. When merging the
 * parents' statements into each table would copy too much (many statements under short prefixes
 * and many longer prefixes), a lookup merges and makes the table instead.
 */
import { addTable, decide } from "./decision-table.js";
import type { Met, Tables, Word } from "./decision-table.js";
import type { CompiledStatement } from "./statement.js";
import type { AccessDecision, ApprovalRequirement, RequestContext } from "./types.js";

/** Entries merging may copy beyond eight per statement. */
const MERGE_BUDGET = 4096;

const slotOf = (node: number, bits: number): number => Math.imul(node, 0x9e3779b1) >>> (32 - bits);

export class ActionPlan implements Tables {
  readonly program: Word[] = [];
  /** Pairs (prefix number, where its table starts in `program`); prefix 0 marks an empty slot. */
  private readonly slots: Int32Array;
  private readonly bits: number;
  /** Where the root's table starts. */
  private readonly root: number;
  /** What each prefix met holds, when tables are made per lookup. */
  private readonly own: Map<number, Met[]> | undefined;

  /**
   * `met`: the statements whose action part matches; `statements`: by position; `numbers`: the
   * number of each filing's prefix; `parents`: of each prefix number.
   */
  constructor(
    met: readonly CompiledStatement[],
    readonly statements: readonly CompiledStatement[],
    numbers: (prefix: string) => number,
    private readonly parents: Int32Array,
    readonly approval: ApprovalRequirement | undefined,
  ) {
    const own = new Map<number, Met[]>([[0, []]]);
    for (const statement of met) {
      for (const filing of statement.filings) {
        const node = numbers(filing.prefix);
        const list = own.get(node);
        if (list === undefined) own.set(node, [{ statement, filing }]);
        else list.push({ statement, filing });
      }
    }
    this.root = addTable(this, own.get(0) as Met[]);
    this.bits = Math.max(2, 32 - Math.clz32(2 * own.size));
    this.slots = new Int32Array(2 << this.bits);
    let budget = MERGE_BUDGET + 8 * met.length;
    const merged: Array<[number, Met[]]> = [];
    for (const node of own.keys()) {
      if (node === 0) continue;
      const items = this.metAlong(node, own);
      if ((budget -= items.length) < 0) {
        this.own = own;
        return;
      }
      merged.push([node, items]);
    }
    const mask = (1 << this.bits) - 1;
    for (const [node, items] of merged) {
      let s = slotOf(node, this.bits);
      while (this.slots[2 * s] !== 0) s = (s + 1) & mask;
      this.slots[2 * s] = node;
      this.slots[2 * s + 1] = addTable(this, items);
    }
  }

  /** The decision for a resource whose deepest prefix is `node`. */
  decide(node: number, resource: string, context: RequestContext): AccessDecision {
    if (this.own !== undefined) {
      const tables: Tables = { program: [], statements: this.statements, approval: this.approval };
      return decide(tables, addTable(tables, this.metAlong(node, this.own)), resource, context);
    }
    return decide(this, this.tableOf(node), resource, context);
  }

  /** Where the table of `node`, or of its nearest parent that has one, starts. */
  private tableOf(node: number): number {
    const { slots, bits, parents } = this;
    const mask = (1 << bits) - 1;
    for (let n = node; n !== 0; n = parents[n] as number) {
      for (let s = slotOf(n, bits), k = slots[2 * s] as number; k !== 0; s = (s + 1) & mask, k = slots[2 * s] as number) {
        if (k === n) return slots[2 * s + 1] as number;
      }
    }
    return this.root;
  }

  /** What the root, `node` and its parents hold. */
  private metAlong(node: number, own: Map<number, Met[]>): Met[] {
    const lists = [own.get(0) as Met[]];
    for (let n = node; n !== 0; n = this.parents[n] as number) {
      const list = own.get(n);
      if (list !== undefined) lists.push(list);
    }
    return lists.flat();
  }
}
