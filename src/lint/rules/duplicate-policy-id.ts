import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "duplicate-policy-id",
    category: "structure",
    severity: "error",
    description:
      "Two policy files of the same kind share `metadata.id`. Ids name policies in decisions, diffs and pack state; a duplicate makes precedence and provenance ambiguous. Give each policy of a kind its own id.",
  },
  (ctx) => {
    const seen = new Map<string, string>();
    for (const entry of ctx.repo.policies) {
      if (entry.id === undefined) continue;
      const key = `${entry.kind}\0${entry.id}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, entry.file.path);
        continue;
      }
      ctx.report({
        file: entry.file,
        pointer: "/metadata/id",
        message: `${entry.kind} id "${entry.id}" is already used by ${first}`,
        help: "rename one of the ids; ids must be unique per kind across the repository",
      });
    }
  },
);
