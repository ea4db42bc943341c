import { bandProblems, formatBand, installedPacksOf, isValidBand, shippedPacksOf } from "../../pack/index.js";
import { defineRule } from "../rule.js";
import { metadataFile, packFile } from "./pack-support.js";

export default defineRule(
  {
    id: "priority-outside-band",
    category: "structure",
    severity: "error",
    description:
      "A pack policy's `metadata.priority` lies outside its pack's `priority_band` (VaultKit's `InvalidPack: Policy priority outside allowed band`), in the shipped pack or in an installed copy; or the band itself has min above max. Bands keep packs from colliding in precedence: each pack owns a range, and layers stack above each other. Pick a priority inside the band, or change the band in the pack's metadata.yaml (and bump its version).",
  },
  (ctx) => {
    const shipped = shippedPacksOf(ctx.repo);
    for (const pack of shipped.packs.values()) {
      const meta = metadataFile(ctx.repo, pack.name);
      if (pack.band && pack.band.min > pack.band.max && meta) {
        ctx.report({
          file: meta,
          pointer: "/__pack_meta/priority_band",
          message: `priority_band min ${pack.band.min} is above max ${pack.band.max} in pack ${pack.name}`,
          help: "swap min and max",
        });
      }
      for (const p of bandProblems(pack)) {
        const file = packFile(ctx.repo, pack.name, p.file);
        if (!file) continue;
        const policy = pack.policies.find((x) => x.file === p.file);
        ctx.report({
          file,
          pointer: "/metadata/priority",
          message: `priority ${policy?.priority} outside band ${formatBand(pack.band!)} of pack ${pack.name}`,
          help: `InvalidPack: Policy priority outside allowed band. Choose a priority from ${pack.band!.min} to ${pack.band!.max}, or change priority_band in packs/${pack.name}/metadata.yaml`,
        });
      }
    }
    // Installed copies: a hand edit can move a policy out of its pack's band.
    for (const installed of installedPacksOf(ctx.repo)?.packs ?? []) {
      const band = shipped.packs.get(installed.name)?.band;
      if (!isValidBand(band)) continue;
      for (const f of installed.files) {
        const entry = ctx.repo.policies.find((e) => e.file.path === f.path);
        if (!entry || entry.priority === undefined || (entry.priority >= band.min && entry.priority <= band.max)) continue;
        ctx.report({
          file: entry.file,
          pointer: "/metadata/priority",
          message: `priority ${entry.priority} outside band ${formatBand(band)} of pack ${installed.name}`,
          help: `installed pack files keep their pack's priorities; restore it with \`edict pack upgrade ${installed.name} --force\`, and put overrides in a custom policy`,
        });
      }
    }
  },
);
