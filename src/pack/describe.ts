/** Human-readable text of a plan: what `--dry-run` prints, and the summary after applying. */
import { createTwoFilesPatch } from "diff";
import semver from "semver";
import { PACK_STATE_FILE } from "../model/repository.js";
import { isNoopPlan } from "./plan.js";
import type { PackChange, PackPlan } from "./plan.js";

function describeChange(operation: PackPlan["operation"], c: PackChange): string {
  switch (operation) {
    case "install":
      if (c.from === undefined) return `install ${c.name} v${c.to}`;
      return c.from === c.to ? `reinstall ${c.name} v${c.to}` : `${semver.valid(c.from) && semver.valid(c.to ?? "") && semver.lt(c.to!, c.from) ? "downgrade" : "upgrade"} ${c.name} v${c.from} → v${c.to}`;
    case "remove":
      return `remove ${c.name} v${c.from}`;
    case "upgrade":
      return c.from === c.to ? `reinstall ${c.name} v${c.to}` : `upgrade ${c.name} v${c.from} → v${c.to}`;
  }
}

/** The unified diff of the state file, without the "Index:" banner. */
export function stateDiff(plan: PackPlan): string {
  if (plan.previousStateText === plan.stateText) return "";
  const patch = createTwoFilesPatch(
    plan.previousStateText === undefined ? "/dev/null" : PACK_STATE_FILE,
    PACK_STATE_FILE,
    plan.previousStateText ?? "",
    plan.stateText,
  );
  return patch.replace(/^(Index:[^\n]*\n)?=+\n/, "");
}

/**
 * Lists every file the plan adds, replaces and removes and the state change. With `dryRun`,
 * adds the state file's unified diff and says that nothing was written.
 */
export function describePlan(plan: PackPlan, options: { dryRun: boolean }): string {
  const lines: string[] = [];
  if (isNoopPlan(plan)) return plan.notes.map((n) => `${n}\n`).join("") || "nothing to do\n";
  if (options.dryRun) lines.push("dry run: nothing is written");
  for (const c of plan.changes) lines.push(`${options.dryRun ? "would " : ""}${describeChange(plan.operation, c)}`);
  for (const f of plan.add) lines.push(`  add      ${f.path}`);
  for (const f of plan.replace) lines.push(`  replace  ${f.path}`);
  for (const p of plan.remove) lines.push(`  remove   ${p}`);
  if (plan.stateText !== plan.previousStateText) lines.push(`  ${plan.previousStateText === undefined ? "create " : "update "}  ${PACK_STATE_FILE}`);
  for (const n of plan.notes) lines.push(`note: ${n}`);
  let out = lines.join("\n") + "\n";
  if (options.dryRun) {
    const diff = stateDiff(plan);
    if (diff) out += `\n${diff}`;
  }
  return out;
}
