import { defineRule } from "../rule.js";
import { configuredSources } from "./pack-source-support.js";

export default defineRule(
  {
    id: "pack-source-unused-token",
    category: "structure",
    severity: "warning",
    description:
      "A git source sets `token_env`. The bearer token is sent only to url sources; git authenticates with its own credentials (a credential helper, SSH keys), so the setting does nothing and suggests a protection that is not there. Remove it, and configure git's credentials instead.",
  },
  (ctx) => {
    const config = configuredSources(ctx.repo);
    if (!config) return;
    for (const s of config.sources) {
      if (s.token_env === undefined || s.git === undefined || s.url !== undefined) continue;
      ctx.report({
        file: config.file,
        pointer: `${s.pointer}/token_env`,
        atKey: true,
        message: `token_env is not used by the git source ${s.name ?? ""}`.trimEnd(),
        help: "remove it; git reads private repositories with its own credentials (credential helper, SSH keys)",
      });
    }
  },
);
