import { parseConditionOperator } from "../../engine/vocabulary.js";
import { allStatements } from "../statements.js";
import { defineRule } from "../rule.js";
import { escapeSegment, joinPointer } from "../../model/pointer.js";

export default defineRule(
  {
    id: "for-all-values-without-null",
    category: "security",
    severity: "warning",
    description:
      "A `ForAllValues:` condition is true when the context key is missing or empty (there is no value that fails), so an `Allow` guarded by it also allows requests that carry no values at all. Add `Null: {<key>: false}` to the same condition block to require the key.",
  },
  (ctx) => {
    for (const st of allStatements(ctx.repo)) {
      if (st.effect !== "Allow" || !st.condition) continue;
      const nullGuarded = new Set<string>();
      const nullBlock = st.condition.Null;
      if (nullBlock && typeof nullBlock === "object") for (const [k, v] of Object.entries(nullBlock)) if (v === false || v === "false") nullGuarded.add(k.toLowerCase());
      for (const [op, block] of Object.entries(st.condition)) {
        if (parseConditionOperator(op)?.set !== "ForAllValues" || !block || typeof block !== "object") continue;
        for (const key of Object.keys(block)) {
          if (nullGuarded.has(key.toLowerCase())) continue;
          ctx.report({
            file: st.entry.file,
            pointer: joinPointer(`${st.pointer}/Condition/${escapeSegment(op)}`, key),
            atKey: true,
            message: `${op} on "${key}" is true when "${key}" is missing; the Allow then applies to requests without it`,
            help: `add Null: { ${key}: false } to this Condition`,
          });
        }
      }
    }
  },
);
