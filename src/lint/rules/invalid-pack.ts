import { PACK_METADATA_FILE, shippedPacksOf } from "../../pack/index.js";
import { PACKS_DIR } from "../../model/repository.js";
import { defineRule } from "../rule.js";
import { packFile } from "./pack-support.js";

const CODES = new Set(["pack-name", "metadata", "dependency", "file-name"]);

export default defineRule(
  {
    id: "invalid-pack",
    category: "structure",
    severity: "error",
    description:
      "A folder under packs/ is not a pack edict can install: the folder name is not a valid pack name (lowercase `[a-z0-9_-]`, no `__`), metadata.yaml is missing or names another pack, the version is not semver, a dependency is not `name` or `name@<semver range>`, or a policy file is not named `policies/NN_<slug>.yaml` (or reuses a number). Names are validated so that no pack operation can write outside policies/ or .edict/. Fix the named field or file; `edict pack install` refuses the pack until then.",
  },
  (ctx) => {
    for (const p of shippedPacksOf(ctx.repo).problems) {
      if (!CODES.has(p.code)) continue;
      const file = packFile(ctx.repo, p.pack, p.file) ?? packFile(ctx.repo, p.pack, PACK_METADATA_FILE) ?? ctx.repo.files.find((f) => f.path.startsWith(`${PACKS_DIR}/${p.pack}/`));
      if (!file) continue;
      ctx.report({
        file,
        ...(p.pointer !== undefined && file.path.endsWith(`/${p.file}`) ? { pointer: p.pointer } : { span: [0, 0] as const }),
        message: p.message.startsWith(`${p.file}: `) ? p.message.slice(p.file.length + 2) : p.message,
        help: "a pack is packs/<name>/metadata.yaml (with __pack_meta) plus packs/<name>/policies/NN_<slug>.yaml",
      });
    }
  },
);
