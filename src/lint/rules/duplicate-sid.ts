import { joinPointer } from "../../model/pointer.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "duplicate-sid",
    category: "structure",
    severity: "error",
    description:
      "Two statements of one AccessPolicy share a `Sid`. Decisions name the deciding statement by policy id and Sid, and the diff matches statements by them, so a duplicate makes both ambiguous. Give each statement its own Sid.",
  },
  (ctx) => {
    for (const entry of ctx.repo.policies.concat(ctx.repo.packPolicies)) {
      if (entry.kind !== "AccessPolicy") continue;
      const statements = (entry.document.spec as { Statement?: unknown } | undefined)?.Statement;
      if (!Array.isArray(statements)) continue;
      const seen = new Map<string, number>();
      statements.forEach((st, i) => {
        const sid = (st as { Sid?: unknown } | null)?.Sid;
        if (typeof sid !== "string") return;
        const first = seen.get(sid);
        if (first === undefined) {
          seen.set(sid, i);
          return;
        }
        ctx.report({
          file: entry.file,
          pointer: joinPointer(joinPointer("/spec/Statement", i), "Sid"),
          message: `Sid "${sid}" is already used by statement ${first + 1}`,
          help: "rename one of the Sids",
        });
      });
    }
  },
);
