import { CoverIndex, reachCovers } from "../coverage.js";
import { statementsOf } from "../statements.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "allow-grants-nothing-new",
    category: "effect",
    severity: "info",
    description:
      "An `Allow` grants nothing that another unconditional `Allow` in the same target does not already grant. Redundant statements make reviews harder: narrowing the broader one later silently changes what this one seems to promise. Remove the redundant Allow or narrow the broader one.",
  },
  (ctx) => {
    const seen = new Set<string>();
    for (const t of ctx.merged()) {
      const allows = t.documents.flatMap((d) => statementsOf(d.entry)).filter((s) => s.effect === "Allow");
      const position = new Map(allows.map((s, i) => [s, i]));
      const index = new CoverIndex(allows);
      allows.forEach((st, i) => {
        const key = `${st.entry.file.path}${st.pointer}`;
        if (seen.has(key)) return;
        // Of two statements covering each other, only the later one is redundant.
        const other = index.candidates(st).find((o) => {
          const j = position.get(o) as number;
          return j !== i && reachCovers(o, st) && (j < i || !reachCovers(st, o));
        });
        if (!other) return;
        seen.add(key);
        ctx.report({ file: st.entry.file, pointer: st.pointer, message: `this Allow grants nothing new in ${t.target}: ${other.entry.file.path} statement ${other.index + 1} already allows it`, help: "remove this statement or narrow the broader one" });
      });
    }
  },
);
