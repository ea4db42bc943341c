import { BUILTIN_SOURCE, REPOSITORY_SOURCE } from "../../pack/sources/types.js";
import { defineRule } from "../rule.js";
import { configuredSources } from "./pack-source-support.js";

const RESERVED: ReadonlyMap<string, string> = new Map([
  [REPOSITORY_SOURCE, "the repository's own pack folder"],
  [BUILTIN_SOURCE, "the library of packs edict ships"],
]);

export default defineRule(
  {
    id: "pack-source-reserved-name",
    category: "structure",
    severity: "error",
    description: `A \`packs.sources\` entry is named \`${REPOSITORY_SOURCE}\` or \`${BUILTIN_SOURCE}\`. These names stand for the repository's own pack folder and the library edict ships, and \`.edict/packs.yaml\` records them as sources; a configured source with one of them would be mistaken for it. Choose another name.`,
  },
  (ctx) => {
    const config = configuredSources(ctx.repo);
    if (!config) return;
    for (const s of config.sources) {
      const meaning = s.name === undefined ? undefined : RESERVED.get(s.name);
      if (!meaning) continue;
      ctx.report({
        file: config.file,
        pointer: `${s.pointer}/name`,
        message: `source name ${s.name} is reserved for ${meaning}`,
        help: "choose another name, e.g. the publisher's (`acme`)",
      });
    }
  },
);
