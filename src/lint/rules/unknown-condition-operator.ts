import { joinPointer } from "../../model/pointer.js";
import { suggest } from "../../model/suggest.js";
import { allConditionOperatorNames, parseConditionOperator } from "../../engine/vocabulary.js";
import { allStatements } from "../statements.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "unknown-condition-operator",
    category: "schema",
    severity: "error",
    description:
      "A Condition uses an operator IAM does not define (`StringEqual`, `IPAddress`, `ForAnyValues:`). edict evaluates an unknown operator as a failed condition, so an Allow never applies and a Deny always does; other engines may ignore it instead. Use one of the IAM operators, optionally with `IfExists` and a `ForAnyValue:`/`ForAllValues:` prefix.",
  },
  (ctx) => {
    const names = allConditionOperatorNames();
    for (const st of allStatements(ctx.repo)) {
      if (!st.condition) continue;
      for (const op of Object.keys(st.condition)) {
        if (parseConditionOperator(op)) continue;
        const near = suggest(op, names);
        ctx.report({ file: st.entry.file, pointer: joinPointer(joinPointer(st.pointer, "Condition"), op), atKey: true, message: `unknown condition operator "${op}"${near ? `; did you mean "${near}"?` : ""}`, help: "operators: StringEquals, StringLike, NumericLessThan, DateGreaterThan, Bool, IpAddress, ArnLike, Null, … (+IfExists, ForAnyValue:/ForAllValues:)" });
      }
    }
  },
);
