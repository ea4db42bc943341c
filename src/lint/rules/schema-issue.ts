/** Factory for the rules that report schema validation issues of one kind. */
import type { SchemaIssueKind } from "../../model/schemas/validate.js";
import { defineRule } from "../rule.js";
import type { Rule } from "../rule.js";

export function schemaIssueRule(kind: SchemaIssueKind, description: string): Rule {
  return defineRule({ id: kind, category: "schema", severity: "error", description }, (ctx) => {
    for (const file of ctx.repo.files) {
      for (const issue of ctx.schemaIssues(file)) {
        if (issue.kind !== kind) continue;
        ctx.report({ file, pointer: issue.pointer, atKey: issue.atKey, message: issue.message, ...(issue.help ? { help: issue.help } : {}) });
      }
    }
  });
}
