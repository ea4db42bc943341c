import { shippedPacksOf } from "../../pack/index.js";
import type { PackLintOptions } from "../../pack/index.js";
import { defineRule } from "../rule.js";
import { metadataFile, shortChecksum } from "./pack-support.js";

export default defineRule(
  {
    id: "pack-changed-without-version-bump",
    category: "structure",
    severity: "error",
    description:
      "A shipped pack's content changed since the base revision (`--base`) but its version did not. Installed repositories compare versions to detect drift, so the change would reach nobody, and two different packs would share one version and checksum history. Bump `version` in the pack's metadata.yaml: patch for fixes, minor for new policies, major when policies become stricter.",
  },
  (ctx) => {
    // Needs the base revision's packs: `base` says one was given, `basePacks` carries them (see PackLintOptions).
    const options = ctx.options as PackLintOptions;
    if (!options.base || !options.basePacks) return;
    for (const pack of shippedPacksOf(ctx.repo).packs.values()) {
      const before = options.basePacks.get(pack.name);
      if (!before || before.version !== pack.version || before.checksum === pack.checksum) continue;
      const meta = metadataFile(ctx.repo, pack.name);
      if (!meta) continue;
      ctx.report({
        file: meta,
        pointer: "/__pack_meta/version",
        message: `pack ${pack.name} changed since ${options.base} but its version is still ${pack.version} (checksum ${shortChecksum(before.checksum)} → ${shortChecksum(pack.checksum)})`,
        help: "bump the version: patch for fixes, minor for new policies, major when policies become stricter",
      });
    }
  },
);
