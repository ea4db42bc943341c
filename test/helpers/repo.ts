/** Builds in-memory repositories and lints them with one rule or all. */
import { buildRepository } from "../../src/model/repository.js";
import type { Repository } from "../../src/model/repository.js";
import { runLint } from "../../src/lint/engine.js";
import { findRule, RULES } from "../../src/lint/registry.js";
import type { Finding } from "../../src/lint/finding.js";

export const CONFIG = `name: acme
version: 0.1.0
targets:
  production: { default_action: deny }
  staging: {}
`;

export function repoOf(files: Record<string, string | Uint8Array>, withConfig = true): Repository {
  const all: Record<string, string | Uint8Array> = withConfig && !("edict.yaml" in files) ? { "edict.yaml": CONFIG, ...files } : files;
  return buildRepository(Object.entries(all).map(([path, bytes]) => ({ path, bytes })));
}

/** Findings of one rule (or all rules when id is omitted). */
export function lint(files: Record<string, string | Uint8Array>, ruleId?: string, withConfig = true): Finding[] {
  const rules = ruleId ? [findRule(ruleId)!] : RULES;
  if (ruleId && !rules[0]) throw new Error(`no rule ${ruleId}`);
  return runLint(repoOf(files, withConfig), { rules }).findings;
}

/** A valid AccessPolicy with the given spec body (YAML, indented by 2 under spec). */
export function accessPolicy(specBody: string, meta = "  id: p1\n  priority: 100\n"): string {
  return `apiVersion: edict/v1\nkind: AccessPolicy\nmetadata:\n${meta}spec:\n  Version: "2024-12-02"\n${specBody}`;
}

export function policyOf(kind: string, specBody: string, meta = "  id: p1\n  priority: 100\n"): string {
  return `apiVersion: edict/v1\nkind: ${kind}\nmetadata:\n${meta}spec:\n${specBody}`;
}

/** "line:col" of each finding, for compact exact-position assertions. */
export function at(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.file}:${f.line}:${f.column}`);
}
