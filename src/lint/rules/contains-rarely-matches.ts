import { defineRule } from "../rule.js";

/** Sensitivity levels are exclusive: a field has one, so `contains` naming two cannot match by them. */
const LEVELS = new Set(["public", "internal", "confidential", "restricted", "pii", "phi", "pci", "secret"]);

export default defineRule(
  {
    id: "contains-rarely-matches",
    category: "effect",
    severity: "warning",
    description:
      "A DataPolicy's `match.fields.contains` requires ONE field to carry ALL listed tags. Listing two sensitivity levels (a field has one) or many tags makes the rule match almost never, which for a deny or mask rule silently leaves data unprotected. If any of the tags should trigger the rule, use a rule per tag or `sensitivity: [a, b]`.",
  },
  (ctx) => {
    for (const entry of ctx.repo.policies.concat(ctx.repo.packPolicies)) {
      if (entry.kind !== "DataPolicy") continue;
      const contains = (entry.document.spec as { match?: { fields?: { contains?: unknown } } } | undefined)?.match?.fields?.contains;
      if (!Array.isArray(contains)) continue;
      const tags = contains.filter((x): x is string => typeof x === "string");
      const levels = tags.filter((x) => LEVELS.has(x.toLowerCase()));
      if (levels.length < 2 && tags.length < 4) continue;
      ctx.report({
        file: entry.file,
        pointer: "/spec/match/fields/contains",
        message: levels.length >= 2 ? `contains requires one field to be ${levels.join(" and ")} at once, which almost never happens` : `contains requires one field to carry all ${tags.length} tags`,
        help: "to match any of them, use sensitivity: [..] or one rule per tag",
      });
    }
  },
);
