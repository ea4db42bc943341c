import { defineRule } from "../rule.js";
import { configuredSources } from "./pack-source-support.js";

export default defineRule(
  {
    id: "pack-source-kind-unclear",
    category: "structure",
    severity: "error",
    description:
      "A `packs.sources` entry gives both `url` and `git`, or neither. A source is either an index written by `edict pack publish` (`url`, over https://, file:// or a local path) or a git repository with packs under packs/<name>/ (`git`); edict cannot tell which one is meant. Keep exactly one of them.",
  },
  (ctx) => {
    const config = configuredSources(ctx.repo);
    if (!config) return;
    for (const s of config.sources) {
      const label = s.name ?? "this source";
      if (s.url !== undefined && s.git !== undefined) {
        ctx.report({
          file: config.file,
          pointer: `${s.pointer}/git`,
          atKey: true,
          message: `${label} has both url and git; a source is one or the other`,
          help: "keep `url` for an index written by `edict pack publish`, or `git` for a repository with packs under packs/<name>/",
        });
      } else if (s.url === undefined && s.git === undefined) {
        ctx.report({
          file: config.file,
          pointer: s.name !== undefined ? `${s.pointer}/name` : s.pointer,
          atKey: s.name !== undefined,
          message: `${label} has neither url nor git, so there is nothing to read packs from`,
          help: "add `url:` (an index written by `edict pack publish`) or `git:` (a repository with packs under packs/<name>/)",
        });
      }
    }
  },
);
