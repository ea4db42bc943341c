import { bandBelowLowerLayer, bandsOverlap, dependsUpward, formatBand, isValidBand, shippedPacksOf } from "../../pack/index.js";
import { defineRule } from "../rule.js";
import { dependencyPointer, metadataFile } from "./pack-support.js";

export default defineRule(
  {
    id: "layer-inversion",
    category: "structure",
    severity: "error",
    description:
      "Packs stack in layers, foundation → domain → custom. A pack that depends on a pack of a higher layer, or whose priority band does not lie above the bands of lower layers, inverts that order: a domain pack's values would lose to a foundation pack's, or a foundation pack would need domain rules to work. Depend only on packs of the same or a lower layer, and move the band above the lower layers' bands.",
  },
  (ctx) => {
    const shipped = shippedPacksOf(ctx.repo).packs;
    for (const pack of shipped.values()) {
      const meta = metadataFile(ctx.repo, pack.name);
      if (!meta) continue;
      for (const dep of pack.dependencies) {
        const target = shipped.get(dep.name);
        if (!target || !dependsUpward(pack.layer, target.layer)) continue;
        ctx.report({
          file: meta,
          pointer: dependencyPointer(meta, dep.raw),
          message: `${pack.layer} pack ${pack.name} depends on ${dep.name}, a ${target.layer} pack`,
          help: "a pack may depend only on packs of the same or a lower layer; move the shared policies down a layer",
        });
      }
    }
    const banded = [...shipped.values()].filter((p) => isValidBand(p.band));
    for (const hi of banded) {
      for (const lo of banded) {
        if (hi === lo || bandsOverlap(hi.band!, lo.band!)) continue; // overlaps are overlapping-bands' finding
        if (!bandBelowLowerLayer({ layer: hi.layer, band: hi.band! }, { layer: lo.layer, band: lo.band! })) continue;
        const meta = metadataFile(ctx.repo, hi.name);
        if (!meta) continue;
        ctx.report({
          file: meta,
          pointer: "/__pack_meta/priority_band",
          message: `band ${formatBand(hi.band!)} of ${hi.layer} pack ${hi.name} is below band ${formatBand(lo.band!)} of ${lo.layer} pack ${lo.name}`,
          help: `a higher layer's band lies above every lower layer's band; start ${hi.name}'s band above ${lo.band!.max}`,
        });
      }
    }
  },
);
