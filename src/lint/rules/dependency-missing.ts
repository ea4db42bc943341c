import { installedPacksOf, shippedPacksOf } from "../../pack/index.js";
import { suggest } from "../../model/suggest.js";
import { builtinPackVersions } from "../../pack/sources/builtin.js";
import { defineRule } from "../rule.js";
import { dependencyPointer, metadataFile } from "./pack-support.js";

export default defineRule(
  {
    id: "dependency-missing",
    category: "structure",
    severity: "error",
    description:
      "A pack needs another pack that is not there: a shipped pack names a dependency no folder under packs/ provides, or an installed pack's dependency is not installed (VaultKit's `DependencyMissing: Pack requires dependencies not installed`). The dependent pack's policies assume the baseline its dependency sets, so without it they govern less than they claim. `edict pack install` pulls dependencies in by itself (unless `--no-deps`); this state comes from a removal, a hand edit or `--no-deps`: install the dependency (`edict pack install <name>`) or remove the dependent pack.",
  },
  (ctx) => {
    const shipped = shippedPacksOf(ctx.repo);
    // a dependency may come from any source: the repository's folder, the configured sources
    // (when lint could ask them) and the built-in library
    const known = new Set([...shipped.packs.keys(), ...shipped.problems.map((p) => p.pack), ...builtinPackVersions().keys()]);
    for (const offers of ctx.options.sourceOffers?.values() ?? []) if (Array.isArray(offers)) for (const o of offers) known.add(o.name);
    for (const pack of shipped.packs.values()) {
      const meta = metadataFile(ctx.repo, pack.name);
      if (!meta) continue;
      for (const dep of pack.dependencies) {
        if (known.has(dep.name)) continue;
        const near = suggest(dep.name, known);
        ctx.report({
          file: meta,
          pointer: dependencyPointer(meta, dep.raw),
          message: `pack ${pack.name} depends on ${dep.name}, which no pack source provides (packs/, packs.sources, the built-in library)${near ? `; did you mean ${near}?` : ""}`,
          help: "name a pack that exists under packs/, in a source of packs.sources or in the built-in library, or add that pack",
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
