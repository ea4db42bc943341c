import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "signing-key-in-repository",
    category: "security",
    severity: "error",
    description:
      "A RuntimePolicy's `signing.key_ref` points at a file in this repository that holds a private key (Sec0's `file://./.sec0/keys/ed25519.key` example). The audit-signing key is then readable by everyone with repository access. Point `key_ref` at a secret store (`kms://…`, `vault://…`) and remove the file.",
  },
  (ctx) => {
    const keys = new Set(ctx.repo.privateKeys.map((k) => k.path));
    for (const entry of ctx.repo.policies.concat(ctx.repo.packPolicies)) {
      if (entry.kind !== "RuntimePolicy") continue;
      const ref = (entry.document.spec as { signing?: { key_ref?: unknown } } | undefined)?.signing?.key_ref;
      if (typeof ref !== "string" || !ref.startsWith("file://")) continue;
      const path = ref.slice("file://".length).replace(/^\.\//, "").replace(/^\/+/, "");
      if (!keys.has(path)) continue;
      ctx.report({ file: entry.file, pointer: "/spec/signing/key_ref", message: `key_ref points at ${path}, a private key committed in this repository`, help: "use a secret store reference (kms://, vault://) and delete the key file" });
    }
  },
);
