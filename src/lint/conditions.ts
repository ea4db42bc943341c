/** Walking the Condition blocks of every statement, with pointers, for the condition rules. */
import { splitNegation } from "../engine/access/conditions.js";
import { joinPointer } from "../model/pointer.js";
import type { Repository, RepoFile } from "../model/repository.js";
import { parseConditionOperator } from "../engine/vocabulary.js";
import type { ParsedOperator } from "../engine/vocabulary.js";
import { allStatements } from "./statements.js";
import type { StatementRef } from "./statements.js";

export interface ConditionValueRef {
  file: RepoFile;
  operator: string;
  parsed: ParsedOperator | undefined;
  key: string;
  value: unknown;
  /** Pointer of the value (each list item separately). */
  pointer: string;
  /** Pointer of the operator key. */
  operatorPointer: string;
}

export function conditionValues(repo: Repository): ConditionValueRef[] {
  const out: ConditionValueRef[] = [];
  for (const st of allStatements(repo)) {
    if (!st.condition) continue;
    for (const [operator, block] of Object.entries(st.condition)) {
      const operatorPointer = joinPointer(joinPointer(st.pointer, "Condition"), operator);
      const parsed = parseConditionOperator(operator);
      if (!block || typeof block !== "object" || Array.isArray(block)) continue;
      for (const [key, raw] of Object.entries(block)) {
        const keyPointer = joinPointer(operatorPointer, key);
        const values = Array.isArray(raw) ? raw : [raw];
        values.forEach((value, i) => out.push({ file: st.entry.file, operator, parsed, key, value, pointer: Array.isArray(raw) ? joinPointer(keyPointer, i) : keyPointer, operatorPointer }));
      }
    }
  }
  return out;
}

/** One `operator → key → value(s)` entry of a statement's Condition. */
export interface ConditionEntryRef {
  operator: string;
  parsed: ParsedOperator | undefined;
  key: string;
  /** The value or list of values, as written. */
  value: unknown;
  /** Pointer of the key inside the operator block. */
  pointer: string;
}

/** The entries of a statement's Condition, skipping operator blocks that are not maps. */
export function conditionEntries(st: StatementRef): ConditionEntryRef[] {
  const out: ConditionEntryRef[] = [];
  for (const [operator, block] of Object.entries(st.condition ?? {})) {
    if (!block || typeof block !== "object" || Array.isArray(block)) continue;
    const operatorPointer = joinPointer(joinPointer(st.pointer, "Condition"), operator);
    const parsed = parseConditionOperator(operator);
    for (const [key, value] of Object.entries(block)) out.push({ operator, parsed, key, value, pointer: joinPointer(operatorPointer, key) });
  }
  return out;
}

/** StringNotEquals, NotIpAddress, ArnNotLike…: true on a missing key unless a set prefix says otherwise. */
export function isNegatedOperator(op: ParsedOperator): boolean {
  return op.base !== "Null" && splitNegation(op.base).negated;
}

const isFalse = (v: unknown): boolean => v === false || v === "false";

/**
 * True when the entry is false for every request that lacks its key, so it requires the key
 * (IAM semantics, as in the evaluator): `Null: {k: false}`, a positive operator, and any operator
 * with `ForAnyValue:`; not a negated operator, `…IfExists` or `ForAllValues:`.
 */
export function requiresKey(op: ParsedOperator, value: unknown): boolean {
  if (op.base === "Null") return Array.isArray(value) ? value.length > 0 && value.every(isFalse) : isFalse(value);
  if (op.set === "ForAnyValue") return true;
  if (op.set === "ForAllValues" || op.ifExists) return false;
  return !isNegatedOperator(op);
}

/** Whether some entry of the Condition requires `key` (names compare case-insensitively, as context lookups do). */
export function conditionRequiresKey(entries: readonly ConditionEntryRef[], key: string): boolean {
  const k = key.toLowerCase();
  return entries.some((e) => e.parsed !== undefined && e.key.toLowerCase() === k && requiresKey(e.parsed, e.value));
}
