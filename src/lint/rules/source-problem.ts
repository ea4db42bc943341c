/** Factory for the rules that report what the YAML/JSON reader found (one rule per problem). */
import type { SourceProblemCode } from "../../model/source.js";
import type { RuleCategory, Severity } from "../finding.js";
import { defineRule } from "../rule.js";
import type { Rule } from "../rule.js";

export function sourceProblemRule(code: SourceProblemCode, severity: Severity, description: string, category: RuleCategory = "schema"): Rule {
  // what the reader found in the text: it stands even when the file does not parse
  return defineRule({ id: code, category, severity, description, textual: true }, (ctx) => {
    for (const file of ctx.repo.files) {
      for (const p of file.source.problems) {
        if (p.code !== code) continue;
        ctx.report({ file, span: p.span, message: p.message, ...(p.help ? { help: p.help } : {}) });
      }
    }
  });
}
