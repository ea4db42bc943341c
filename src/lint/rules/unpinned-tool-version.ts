import { defineRule } from "../rule.js";

export default defineRule(
  {
    id: "unpinned-tool-version",
    category: "security",
    severity: "warning",
    description:
      "A tool allowlist entry has no version (`mcp://server/tool`) or any version (`@*`) in a target that sets `deny_if_unpinned_version: true`. Pinning is meant to stop a server from swapping tool code under a known name; an unpinned entry lets any version through the allowlist. Pin the versions you reviewed (`@1.2.0`).",
  },
  (ctx) => {
    const reported = new Set<string>();
    const isUnpinned = (entry: string) => {
      const at = entry.lastIndexOf("@");
      return entry === "*" || at < 0 || entry.slice(at + 1).includes("*");
    };
    for (const t of ctx.merged()) {
      if (t.effective.runtime.tools?.deny_if_unpinned_version !== true) continue;
      // All-of: one fully pinned list pins every tool that passes the allowlist.
      if ((t.effective.runtime.tools.allowlist ?? []).some((list) => list.every((e) => !isUnpinned(e)))) continue;
      for (const d of t.documents) {
        if (d.entry.kind !== "RuntimePolicy") continue;
        const list = (d.entry.document.spec as { tools?: { allowlist?: unknown } } | undefined)?.tools?.allowlist;
        if (!Array.isArray(list)) continue;
        list.forEach((entry, i) => {
          if (typeof entry !== "string" || entry === "*") return;
          const unpinned = isUnpinned(entry);
          const key = `${d.entry.file.path}#${i}`;
          if (!unpinned || reported.has(key)) return;
          reported.add(key);
          ctx.report({ file: d.entry.file, pointer: `/spec/tools/allowlist/${i}`, message: `"${entry}" allows any version while ${t.target} requires pinned versions`, help: 'pin a reviewed version, e.g. "@1.2.0"' });
        });
      }
    }
  },
);
