import { parsePublicKey } from "../../bundle/keys.js";
import { defineRule } from "../rule.js";
import { configuredSources } from "./pack-source-support.js";

export default defineRule(
  {
    id: "pack-source-invalid-key",
    category: "structure",
    severity: "error",
    description:
      "A file in a source's `keys` does not exist in the repository, or does not hold an Ed25519 public key (SPKI PEM or base64 raw, as `edict keygen` writes). Packs from the source could never verify, so every install from it would be refused. Commit the publisher's public key at that path, or fix the path (keys are relative to the repository root).",
  },
  (ctx) => {
    // The key files are read by the caller (lint itself does no I/O); without them there is nothing to check.
    const keys = ctx.options.sourceKeys;
    const config = configuredSources(ctx.repo);
    if (!keys || !config) return;
    for (const s of config.sources) {
      for (const k of s.keys ?? []) {
        const text = keys.get(k.path);
        if (text === undefined) continue;
        let problem: string | undefined;
        if (typeof text !== "string") problem = `cannot read key file ${k.path}: ${text.error}`;
        else {
          try {
            parsePublicKey(text.trim(), { source: k.path });
          } catch (e) {
            problem = (e as Error).message;
          }
        }
        if (!problem) continue;
        ctx.report({
          file: config.file,
          pointer: k.pointer,
          message: problem,
          help: "commit the publisher's public key (SPKI PEM or base64 raw) at this path, relative to the repository root",
        });
      }
    }
  },
);
