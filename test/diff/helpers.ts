/** Small repositories for diff tests. */
import type { EffectiveStatement } from "../../src/engine/effective.js";
import type { AccessPolicy } from "../../src/engine/access/index.js";
import { diffRepositories } from "../../src/diff/index.js";
import type { DiffOptions, DiffResult, TargetDiff } from "../../src/diff/index.js";
import { repoOf } from "../helpers/repo.js";

export const ONE_TARGET = "name: acme\nversion: 1.2.3\ntargets:\n  production: { default_action: deny }\n";

/** A policy document of `kind` with `spec` (YAML, indented two spaces). */
export function doc(kind: string, id: string, spec: string, priority = 100): string {
  return `apiVersion: edict/v1\nkind: ${kind}\nmetadata:\n  id: ${id}\n  priority: ${priority}\nspec:\n${spec}`;
}

export function accessDoc(id: string, spec: string, priority = 100): string {
  return doc("AccessPolicy", id, `  Version: "2024-12-02"\n${spec}`, priority);
}

/** Diffs two sets of files (edict.yaml with one target added to both when missing). */
export function diffFiles(base: Record<string, string>, head: Record<string, string>, options: DiffOptions = {}): DiffResult {
  const withConfig = (f: Record<string, string>) => ("edict.yaml" in f ? f : { "edict.yaml": ONE_TARGET, ...f });
  return diffRepositories(repoOf(withConfig(base)), repoOf(withConfig(head)), options);
}

/** The production target of a diff. */
export function prod(result: DiffResult): TargetDiff {
  const t = result.targets.find((x) => x.target === "production");
  if (!t) throw new Error("no production target");
  return t;
}

/** The change at `path` (exactly one expected). */
export function changeAt(result: DiffResult, path: string) {
  const found = prod(result).changes.filter((c) => c.path === path);
  if (found.length !== 1) throw new Error(`expected one change at ${path}, got ${found.length}: ${prod(result).changes.map((c) => c.path).join(", ")}`);
  return found[0]!;
}

export function st(partial: Omit<EffectiveStatement, "source"> & { source?: EffectiveStatement["source"] }): EffectiveStatement {
  return { source: { policy: "p", file: "policies/p.yaml" }, ...partial };
}

export function policy(statements: EffectiveStatement[], approvals?: string[]): AccessPolicy {
  return approvals ? { Statement: statements, RequireApproval: { Actions: approvals } } : { Statement: statements };
}
