/** Locating effective settings for rules: at the document that set them, else at the target in edict.yaml. */
import type { TargetMerge } from "../../model/merge/index.js";
import type { KindKey } from "../../model/merge/index.js";
import type { RuleContext } from "../rule.js";
import { targetPointer } from "../targets.js";

/** Reports at the file that set `path` (dotted) for `kind`, else at the target's key in edict.yaml. */
export function reportSetting(ctx: RuleContext, t: TargetMerge, kind: KindKey, path: string, message: string, help: string, seen: Set<string>): void {
  const src = ctx.repo.byPath.get(t.provenance[kind][path]?.[0]?.file ?? "");
  if (src) {
    const key = `${src.path}\0${path}`;
    if (seen.has(key)) return;
    seen.add(key);
    ctx.report({ file: src, pointer: `/spec/${path.split(".").join("/")}`, message, help });
    return;
  }
  const config = ctx.repo.config?.file;
  if (config) ctx.report({ file: config, pointer: targetPointer(t.target), atKey: true, message, help });
}
