import { defineRule } from "../rule.js";
import { configuredSources, sourceLabel } from "./pack-source-support.js";

export default defineRule(
  {
    id: "pack-source-duplicate-name",
    category: "structure",
    severity: "error",
    description:
      "Two `packs.sources` entries share a name. `.edict/packs.yaml` records each installed pack's source by name, so a shared name makes it ambiguous where a pack came from and where its upgrades come from. Rename one of them.",
  },
  (ctx) => {
    const config = configuredSources(ctx.repo);
    if (!config) return;
    const first = new Map<string, number>();
    for (const s of config.sources) {
      if (s.name === undefined) continue;
      const earlier = first.get(s.name);
      if (earlier === undefined) {
        first.set(s.name, s.index);
        continue;
      }
      ctx.report({
        file: config.file,
        pointer: `${s.pointer}/name`,
        message: `source name ${s.name} is already used by ${sourceLabel(earlier)}`,
        help: "give every source its own name; installed packs record it",
      });
    }
  },
);
