import { bandsOverlap, formatBand, isValidBand, shippedPacksOf } from "../../pack/index.js";
import { defineRule } from "../rule.js";
import { metadataFile } from "./pack-support.js";

export default defineRule(
  {
    id: "overlapping-bands",
    category: "structure",
    severity: "error",
    description:
      "Two packs' `priority_band`s share priorities. Bands exist so that packs never collide in precedence: with overlapping bands, which pack's value wins depends on accidental numbering, and installing both is refused. Give each pack its own range (foundation packs lowest, then domain packs).",
  },
  (ctx) => {
    const packs = [...shippedPacksOf(ctx.repo).packs.values()].filter((p) => isValidBand(p.band));
    for (let j = 0; j < packs.length; j++) {
      for (let i = 0; i < j; i++) {
        const a = packs[i]!;
        const b = packs[j]!;
        if (!bandsOverlap(a.band!, b.band!)) continue;
        const file = metadataFile(ctx.repo, b.name);
        if (!file) continue;
        ctx.report({
          file,
          pointer: "/__pack_meta/priority_band",
          message: `band ${formatBand(b.band!)} of pack ${b.name} overlaps band ${formatBand(a.band!)} of pack ${a.name}`,
          help: "choose a range no other pack uses; installed packs' bands must not overlap",
        });
      }
    }
  },
);
