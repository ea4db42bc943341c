import { defineRule } from "../rule.js";
import { configuredSources } from "./pack-source-support.js";

export default defineRule(
  {
    id: "pack-source-without-keys",
    category: "structure",
    severity: "error",
    description:
      "A `packs.sources` entry with a `url` lists no `keys`. Every pack from a url source must be signed by one of the source's keys: a host, a proxy or a bucket policy can change what an index serves, and the signature is what proves the pack is the publisher's. Add `keys:` with the publisher's public key files (the private half signs with `edict pack publish --key`).",
  },
  (ctx) => {
    const config = configuredSources(ctx.repo);
    if (!config) return;
    for (const s of config.sources) {
      if (s.url === undefined || (s.keys && s.keys.length > 0)) continue;
      const label = s.name ?? "this source";
      ctx.report({
        file: config.file,
        pointer: s.keys ? `${s.pointer}/keys` : `${s.pointer}/url`,
        atKey: true,
        message: `${label} has a url but no keys: every pack from a url source must be signed by one of its keys`,
        help: "add `keys: [keys/<publisher>.pub]` with the publisher's public key file",
      });
    }
  },
);
