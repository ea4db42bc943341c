import { installedPacksOf, shippedPacksOf } from "../../pack/index.js";
import { defineRule } from "../rule.js";
import { shortChecksum } from "./pack-support.js";

export default defineRule(
  {
    id: "pack-drift",
    category: "structure",
    severity: "warning",
    description:
      "An installed pack differs from the pack shipped in packs/: another version is available (`⚠ starter (installed v1.0.0, available v1.1.0)`), or the version is the same but the content is not (the checksums differ). Drift never upgrades by itself; governance changes only when someone runs `edict pack upgrade <pack>` and reviews the result. Upgrade the pack, or keep it deliberately and accept the warning.",
  },
  (ctx) => {
    const shipped = shippedPacksOf(ctx.repo).packs;
    const state = installedPacksOf(ctx.repo);
    if (!state) return;
    for (const p of state.packs) {
      const pack = shipped.get(p.name);
      if (!pack || p.version === undefined) continue;
      if (pack.version !== p.version) {
        ctx.report({
          file: state.file,
          pointer: `${p.pointer}/version`,
          message: `pack ${p.name} is outdated (installed v${p.version}, available v${pack.version})`,
          help: `run \`edict pack upgrade ${p.name} --dry-run\` to see the change, then without --dry-run to apply it`,
        });
      } else if (p.checksum !== pack.checksum) {
        ctx.report({
          file: state.file,
          pointer: p.checksum === undefined ? `${p.pointer}/version` : `${p.pointer}/pack_checksum`,
          message: `pack ${p.name} v${p.version} differs from the shipped v${pack.version} (checksum ${shortChecksum(p.checksum)} installed, ${shortChecksum(pack.checksum)} shipped)`,
          help: `the shipped pack changed without a version bump, or the state was edited; bump the version in packs/${p.name}/metadata.yaml, or reinstall with \`edict pack upgrade ${p.name}\``,
        });
      }
    }
  },
);
