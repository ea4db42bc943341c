import { installedPacksOf, isInstalledPathOf, parseInstalledPath } from "../../pack/index.js";
import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "file-not-named-after-pack",
    category: "structure",
    severity: "error",
    description:
      "Installed pack files are named `policies/<pack>__<NN>__<slug>.yaml`, which is how a reader (and CODEOWNERS) tells pack files from custom ones. This finds a file the state records for a pack under another name, and a file named like a pack file that no installed pack owns (a copy, or a leftover of a removed pack). Reinstall the pack so its files carry its name, and give custom policies names without the `<pack>__NN__` prefix.",
  },
  (ctx) => {
    const state = installedPacksOf(ctx.repo);
    const owned = new Set<string>();
    for (const pack of state?.packs ?? []) {
      for (const f of pack.files) {
        owned.add(f.path);
        if (isInstalledPathOf(pack.name, f.path)) continue;
        ctx.report({
          file: state!.file,
          pointer: f.pointer,
          message: `${f.path} is recorded for pack ${pack.name} but is not named policies/${pack.name}__NN__<slug>.yaml`,
          help: `reinstall the pack: \`edict pack remove ${pack.name}\` then \`edict pack install ${pack.name}\``,
        });
      }
    }
    for (const file of ctx.repo.files) {
      if (file.kind !== "policy" || owned.has(file.path)) continue;
      const name = parseInstalledPath(file.path);
      if (!name) continue;
      ctx.report({
        file,
        span: [0, 0],
        message: `${file.path} is named like a file of pack ${name.pack}, but no installed pack owns it`,
        help: `rename it without the "${name.pack}__${name.index}__" prefix if it is a custom policy, or reinstall the pack with \`edict pack install ${name.pack} --force\``,
      });
    }
  },
);
