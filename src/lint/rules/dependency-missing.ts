import { installedPacksOf, shippedPacksOf } from "../../pack/index.js";
import { suggest } from "../../model/suggest.js";
import { defineRule } from "../rule.js";
import { dependencyPointer, metadataFile } from "./pack-support.js";

export default defineRule(
  {
    id: "dependency-missing",
    category: "structure",
    severity: "error",
    description:
      "A pack needs another pack that is not there: a shipped pack names a dependency no folder under packs/ provides, or an installed pack's dependency is not installed (VaultKit's `DependencyMissing: Pack requires dependencies not installed`). The dependent pack's policies assume the baseline its dependency sets, so without it they govern less than they claim. edict never installs dependencies by itself: install the dependency (`edict pack install <name>`) or remove the dependent pack.",
  },
  (ctx) => {
    const shipped = shippedPacksOf(ctx.repo);
    const known = new Set([...shipped.packs.keys(), ...shipped.problems.map((p) => p.pack)]);
    for (const pack of shipped.packs.values()) {
      const meta = metadataFile(ctx.repo, pack.name);
      if (!meta) continue;
      for (const dep of pack.dependencies) {
        if (known.has(dep.name)) continue;
        const near = suggest(dep.name, shipped.packs.keys());
        ctx.report({
          file: meta,
          pointer: dependencyPointer(meta, dep.raw),
          message: `pack ${pack.name} depends on ${dep.name}, which is not in packs/${near ? `; did you mean ${near}?` : ""}`,
          help: "name a pack that exists under packs/, or add that pack",
        });
      }
    }
    const state = installedPacksOf(ctx.repo);
    if (!state) return;
    const installed = new Set(state.packs.map((p) => p.name));
    for (const p of state.packs) {
      const missing = (shipped.packs.get(p.name)?.dependencies ?? []).filter((d) => !installed.has(d.name)).map((d) => d.name);
      if (missing.length === 0) continue;
      ctx.report({
        file: state.file,
        pointer: p.pointer,
        atKey: true,
        message: `installed pack ${p.name} requires dependencies not installed: ${missing.join(", ")}`,
        help: `DependencyMissing: run ${missing.map((m) => `\`edict pack install ${m}\``).join(" and ")}, or \`edict pack remove ${p.name}\``,
      });
    }
  },
);
