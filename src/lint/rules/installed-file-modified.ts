import { fileSha256, installedPacksOf, repoFileBytes } from "../../pack/index.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "installed-file-modified",
    category: "structure",
    severity: "error",
    textual: true,
    description:
      "A file an installed pack put in policies/ no longer has the sha256 recorded in .edict/packs.yaml: it was edited by hand. The bundle still claims the pack's version and checksum, so the edit hides behind the pack's name, and the next upgrade would have to discard it. Undo the edit (`edict pack upgrade <pack> --force`) and put the change in a custom policy with a higher priority, which overrides the pack visibly.",
  },
  (ctx) => {
    for (const pack of installedPacksOf(ctx.repo)?.packs ?? []) {
      for (const f of pack.files) {
        const file = ctx.repo.byPath.get(f.path);
        if (!file || f.sha256 === undefined) continue;
        const actual = fileSha256(repoFileBytes(file));
        if (actual === f.sha256) continue;
        ctx.report({
          file,
          span: [0, 0],
          message: `${f.path} was edited by hand since pack ${pack.name} installed it (sha256 ${f.sha256.slice(0, 12)}… recorded, ${actual.slice(0, 12)}… now)`,
          help: `restore it with \`edict pack upgrade ${pack.name} --force\` and move the change into a custom policy with a higher priority`,
        });
      }
    }
  },
);
