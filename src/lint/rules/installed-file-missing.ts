import { installedPacksOf } from "../../pack/index.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "installed-file-missing",
    category: "structure",
    severity: "error",
    description:
      "The pack state (.edict/packs.yaml) lists a file that is not in the repository: an installed pack's policy was deleted by hand. The pack is then only partly in force while the state and the bundle claim all of it. Restore the file with `edict pack upgrade <pack> --force`, or remove the pack with `edict pack remove <pack>`.",
  },
  (ctx) => {
    const state = installedPacksOf(ctx.repo);
    if (!state) return;
    for (const pack of state.packs) {
      for (const f of pack.files) {
        if (ctx.repo.byPath.has(f.path)) continue;
        ctx.report({
          file: state.file,
          pointer: f.pointer,
          message: `${f.path} of pack ${pack.name} is missing`,
          help: `restore it with \`edict pack upgrade ${pack.name} --force\`, or run \`edict pack remove ${pack.name}\``,
        });
      }
    }
  },
);
