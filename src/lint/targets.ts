/** Target helpers shared by security rules. */
import type { PolicyEntry, Repository } from "../model/repository.js";
import { targetNames } from "../model/merge/index.js";
import { joinPointer } from "../model/pointer.js";

/** Production targets are those whose name starts with "prod" (production, prod-eu, …). */
export function isProductionTarget(name: string): boolean {
  return /^prod/i.test(name);
}

/** The production targets a document applies to. */
export function productionTargetsOf(repo: Repository, entry: PolicyEntry): string[] {
  const all = targetNames(repo).filter(isProductionTarget);
  const own = entry.document.metadata?.targets;
  return own ? all.filter((t) => own.includes(t)) : all;
}

/** Where to point at a target in edict.yaml. */
export function targetPointer(target: string): string {
  return joinPointer("/targets", target);
}
