import { defineRule } from "../rule.js";
import { configuredSources } from "./pack-source-support.js";

export default defineRule(
  {
    id: "pack-source-unreachable",
    category: "structure",
    severity: "warning",
    description:
      "`edict lint` could not read what a `packs.sources` entry offers: the host or repository did not answer in time, refused, or served something that is not a pack index. Lint goes on without it (it works offline), but `edict pack install` and `edict pack upgrade` need the source. Check the URL or git remote, the network, and `token_env` for a private host.",
  },
  (ctx) => {
    // Offers are read by the caller before linting; without them (no network asked) there is nothing to say.
    const offers = ctx.options.sourceOffers;
    const config = configuredSources(ctx.repo);
    if (!offers || !config) return;
    for (const s of config.sources) {
      const got = s.name === undefined ? undefined : offers.get(s.name);
      if (!got || Array.isArray(got)) continue;
      const where = s.url !== undefined ? "url" : s.git !== undefined ? "git" : "name";
      ctx.report({
        file: config.file,
        pointer: `${s.pointer}/${where}`,
        message: `source ${s.name} cannot be read: ${(got as { error: string }).error}`,
        help: "lint goes on without it; `edict pack install` and `edict pack upgrade` need it reachable",
      });
    }
  },
);
