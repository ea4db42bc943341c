/** Walking the Condition blocks of every statement, with pointers, for the condition rules. */
import { joinPointer } from "../policy/pointer.js";
import type { Repository, RepoFile } from "../policy/repository.js";
import { parseConditionOperator } from "../policy/vocabulary.js";
import type { ParsedOperator } from "../policy/vocabulary.js";
import { allStatements } from "./statements.js";

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
