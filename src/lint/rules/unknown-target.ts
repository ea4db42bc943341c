import { getAtPointer, joinPointer } from "../../model/pointer.js";
import { suggest } from "../../model/suggest.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "unknown-target",
    category: "structure",
    severity: "error",
    description:
      "A policy's `metadata.targets` names a target that edict.yaml does not define. The policy then applies to no target at all, silently. Use a target from edict.yaml or add the target there.",
  },
  (ctx) => {
    const targets = ctx.repo.config?.value.targets;
    if (!targets) return;
    const known = Object.keys(targets);
    for (const entry of ctx.repo.policies) {
      // the list as written, so each name is reported at its own index even beside an item of another type
      const list = getAtPointer(entry.file.source.value, "/metadata/targets");
      if (!Array.isArray(list)) continue;
      list.forEach((t, i) => {
        if (typeof t !== "string" || known.includes(t)) return;
        const near = suggest(t, known);
        ctx.report({
          file: entry.file,
          pointer: joinPointer("/metadata/targets", i),
          message: `target "${t}" is not defined in edict.yaml${near ? `; did you mean "${near}"?` : ""}`,
          help: `targets: ${known.join(", ")}`,
        });
      });
    }
  },
);
