import { CONFIG_FILE } from "../../model/repository.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "missing-config",
    category: "structure",
    severity: "error",
    textual: true,
    description:
      "The repository has policy files but no edict.yaml at its root. edict.yaml names the bundle and the targets policies are merged for; without it nothing can be merged or published. Run `edict init` or write edict.yaml.",
  },
  (ctx) => {
    if (ctx.repo.byPath.has(CONFIG_FILE)) return;
    const first = ctx.repo.files[0];
    if (!first) return;
    ctx.report({ file: first, span: [0, 0], message: `no ${CONFIG_FILE} at the repository root`, help: "run `edict init` or create edict.yaml with name and targets" });
  },
);
