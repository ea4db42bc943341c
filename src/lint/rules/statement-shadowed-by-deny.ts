import { CoverIndex, reachCovers } from "../coverage.js";
import { statementsOf } from "../statements.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "statement-shadowed-by-deny",
    category: "effect",
    severity: "warning",
    description:
      "An `Allow` can never take effect because an unconditional `Deny` in the same target covers every action and resource it names (a Deny always wins). The statement is dead weight and suggests the author expected access that does not exist. Remove the Allow, or narrow the Deny.",
  },
  (ctx) => {
    const seen = new Set<string>();
    for (const t of ctx.merged()) {
      const all = t.documents.flatMap((d) => statementsOf(d.entry));
      const denies = new CoverIndex(all.filter((s) => s.effect === "Deny"));
      for (const st of all) {
        if (st.effect !== "Allow") continue;
        const deny = denies.candidates(st).find((d) => reachCovers(d, st));
        const key = `${st.entry.file.path}${st.pointer}`;
        if (!deny || seen.has(key)) continue;
        seen.add(key);
        const sid = (st.entry.document.spec as { Statement: Array<{ Sid?: string }> }).Statement[st.index]?.Sid;
        ctx.report({
          file: st.entry.file,
          pointer: `${st.pointer}/Effect`,
          message: `Allow${sid ? ` ${sid}` : ""} never applies in ${t.target}: the Deny at ${deny.entry.file.path} statement ${deny.index + 1} covers it`,
          help: "remove this Allow or narrow the Deny",
        });
      }
    }
  },
);
