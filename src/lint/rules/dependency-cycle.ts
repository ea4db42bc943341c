import { findCycles, formatCycle, shippedPacksOf } from "../../pack/index.js";
import { defineRule } from "../rule.js";
import { dependencyPointer, metadataFile } from "./pack-support.js";

export default defineRule(
  {
    id: "dependency-cycle",
    category: "structure",
    severity: "error",
    description:
      "Packs depend on each other in a circle (a → b → a). Dependencies must be installed first, so no pack of a cycle can ever be installed, and upgrade order is undefined. Remove one dependency of the cycle; shared policies usually belong in a lower-layer pack both depend on.",
  },
  (ctx) => {
    const packs = shippedPacksOf(ctx.repo).packs;
    for (const cycle of findCycles(packs)) {
      cycle.forEach((name, i) => {
        const next = cycle[(i + 1) % cycle.length]!;
        const meta = metadataFile(ctx.repo, name);
        const dep = packs.get(name)?.dependencies.find((d) => d.name === next);
        if (!meta || !dep) return;
        const rotated = [...cycle.slice(i), ...cycle.slice(0, i)];
        ctx.report({
          file: meta,
          pointer: dependencyPointer(meta, dep.raw),
          message: `dependency cycle: ${formatCycle(rotated)}`,
          help: "remove one dependency of the cycle",
        });
      });
    }
  },
);
