import { allStatements } from "../statements.js";
import { productionTargetsOf } from "../targets.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "wildcard-allow-in-production",
    category: "security",
    severity: "error",
    description:
      "An `Allow` of action `*` on resource `*` in a document that applies to a production target (a target whose name starts with \"prod\"). It grants an agent every action on everything, which defeats least privilege; IAM Access Analyzer flags the same. Name the actions and resources the workload needs.",
  },
  (ctx) => {
    for (const st of allStatements(ctx.repo)) {
      if (st.effect !== "Allow" || !st.action?.includes("*") || !st.resource?.includes("*")) continue;
      if (st.condition && Object.keys(st.condition).length > 0) continue;
      const prod = st.entry.file.kind === "policy" ? productionTargetsOf(ctx.repo, st.entry) : [];
      if (prod.length === 0) continue;
      ctx.report({ file: st.entry.file, pointer: `${st.pointer}/Effect`, message: `Allow "*" on "*" applies to ${prod.join(", ")}`, help: "name the actions and resources this workload needs, or limit the document's targets" });
    }
  },
);
