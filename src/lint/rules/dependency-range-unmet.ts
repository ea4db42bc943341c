import { installedPacksOf, satisfiesDependency, shippedPacksOf } from "../../pack/index.js";
import { defineRule } from "../rule.js";
import { dependencyPointer, metadataFile } from "./pack-support.js";

export default defineRule(
  {
    id: "dependency-range-unmet",
    category: "structure",
    severity: "error",
    description:
      "A dependency with a version range (`starter@^1.0.0`) is not met: the shipped dependency's version, or the installed one, lies outside the range. The dependent pack was written against another version of its baseline and may rely on policies that changed. Upgrade the dependency, or widen the range after checking the dependent pack still holds.",
  },
  (ctx) => {
    const shipped = shippedPacksOf(ctx.repo).packs;
    for (const pack of shipped.values()) {
      const meta = metadataFile(ctx.repo, pack.name);
      if (!meta) continue;
      for (const dep of pack.dependencies) {
        const target = shipped.get(dep.name);
        if (!target || satisfiesDependency(dep, target.version)) continue;
        ctx.report({
          file: meta,
          pointer: dependencyPointer(meta, dep.raw),
          message: `pack ${pack.name} requires ${dep.raw}, but packs/${dep.name} is v${target.version}`,
          help: `widen the range to include ${target.version}, or ship a matching ${dep.name}`,
        });
      }
    }
    const state = installedPacksOf(ctx.repo);
    if (!state) return;
    const versions = new Map(state.packs.map((p) => [p.name, p.version] as const));
    for (const p of state.packs) {
      for (const dep of shipped.get(p.name)?.dependencies ?? []) {
        const installed = versions.get(dep.name);
        if (installed === undefined || satisfiesDependency(dep, installed)) continue;
        ctx.report({
          file: state.file,
          pointer: p.pointer,
          atKey: true,
          message: `installed pack ${p.name} requires ${dep.raw}, but ${dep.name} v${installed} is installed`,
          help: `run \`edict pack upgrade ${dep.name}\`, or upgrade ${p.name} to a version that accepts v${installed}`,
        });
      }
    }
  },
);
