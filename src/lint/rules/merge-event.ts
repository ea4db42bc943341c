/** Factory for the rules that report what the merge ignored or decided arbitrarily. */
import type { MergeEvent, MergeEventKind } from "../../model/merge/index.js";
import type { Severity } from "../finding.js";
import { defineRule } from "../rule.js";
import type { Rule } from "../rule.js";

export function mergeEventRule(id: string, kind: MergeEventKind, severity: Severity, description: string, describe: (e: MergeEvent, targets: string[]) => { message: string; help: string }): Rule {
  return defineRule({ id, category: "merge", severity, description }, (ctx) => {
    const seen = new Map<string, { event: MergeEvent; targets: string[] }>();
    for (const t of ctx.merged()) {
      for (const e of t.events) {
        if (e.kind !== kind) continue;
        const key = `${e.document.entry.file.path}\0${e.pointer}\0${e.other.entry.file.path}`;
        const hit = seen.get(key);
        if (hit) hit.targets.push(t.target);
        else seen.set(key, { event: e, targets: [t.target] });
      }
    }
    for (const { event, targets } of seen.values()) {
      const { message, help } = describe(event, targets);
      ctx.report({ file: event.document.entry.file, pointer: event.pointer, message, help });
    }
  });
}

export function show(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? "unset";
}
