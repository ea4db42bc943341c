import { allStatements } from "../statements.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "allow-with-not-action",
    category: "security",
    severity: "warning",
    description:
      "An `Allow` with `NotAction` or `NotResource` grants everything except what is listed, including every action and resource invented later. IAM's own guidance discourages it. List what is allowed with `Action`/`Resource`, and use a `Deny` for exceptions.",
  },
  (ctx) => {
    for (const st of allStatements(ctx.repo)) {
      if (st.effect !== "Allow") continue;
      for (const key of ["NotAction", "NotResource"] as const) {
        if ((key === "NotAction" ? st.notAction : st.notResource) === undefined) continue;
        ctx.report({ file: st.entry.file, pointer: `${st.pointer}/${key}`, atKey: true, message: `Allow with ${key} grants everything not listed, including future ${key === "NotAction" ? "actions" : "resources"}`, help: `use ${key.slice(3)} with the allowed values and a Deny for exceptions` });
      }
    }
  },
);
