import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "private-key-in-repository",
    category: "security",
    severity: "error",
    description:
      "A private key (PEM `PRIVATE KEY`, OpenSSH, RSA or EC) is committed in the policy repository. Anyone who can read the repository can then sign bundles or audit logs. Remove the file, rotate the key, and keep keys in a secret store (the Action takes `signing-key` from a secret).",
  },
  (ctx) => {
    for (const key of ctx.repo.privateKeys) {
      ctx.report({ file: { path: key.path, kind: "policy", source: key.source, issues: [] }, span: [0, key.source.text.length], message: "file holds a private key", help: "delete it, rotate the key, and load it from a secret (e.g. the Action's signing-key input)" });
    }
  },
);
