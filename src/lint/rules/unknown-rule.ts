import { getAtPointer, joinPointer } from "../../model/pointer.js";
import { suggest } from "../../model/suggest.js";
import { defineRule } from "../rule.js";
import { parseSuppressions } from "../suppressions.js";

function named(rule: string, where: string, near: string | undefined): string {
  return `unknown rule "${rule}" in ${where}${near ? `; did you mean "${near}"?` : ""}`;
}

function help(what: string): string {
  return `${what} until the id is corrected; rule ids are listed in the README's rule table`;
}

export default defineRule(
  {
    id: "unknown-rule",
    category: "structure",
    severity: "warning",
    description:
      "edict.yaml's `lint.rules` or an `# edict-disable-next-line` comment names a rule that does not exist, usually a misspelled or shortened id (`wildcard-allow-in-prod`). The setting or suppression then does nothing, and the finding it was meant to silence or re-grade is reported as before. Use the rule id exactly as the rule table spells it.",
  },
  (ctx) => {
    const config = ctx.repo.config?.file;
    const rules = config ? getAtPointer(config.source.value, "/lint/rules") : undefined;
    if (config && rules !== null && typeof rules === "object" && !Array.isArray(rules)) {
      for (const rule of Object.keys(rules)) {
        if (ctx.ruleIds.has(rule)) continue;
        const near = suggest(rule, ctx.ruleIds);
        ctx.report({ file: config, pointer: joinPointer("/lint/rules", rule), atKey: true, message: named(rule, "lint.rules", near), help: help("the setting has no effect") });
      }
    }
    for (const file of ctx.repo.files) {
      if (file.path.toLowerCase().endsWith(".json")) continue;
      for (const directive of parseSuppressions(file.source.text)) {
        for (const { rule, span } of directive.names) {
          if (ctx.ruleIds.has(rule)) continue;
          const near = suggest(rule, ctx.ruleIds);
          ctx.report({ file, span, message: named(rule, "edict-disable-next-line", near), help: help("the comment silences nothing for this rule") });
        }
      }
    }
  },
);
