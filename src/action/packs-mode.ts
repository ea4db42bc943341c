/**
 * packs mode, on a schedule (only when the mode input says `packs`; `auto` never picks it): the
 * Renovate pattern for policy. When installed packs have newer versions (within their ranges, or
 * beyond with `packs-latest`), the upgrade is committed on the branch `edict/pack-upgrades` and
 * proposed as one pull request whose body is the upgrade's effective diff, so it is reviewed like
 * any other policy change. Later runs update that pull request; a run with nothing new changes nothing.
 */
import { EdictError } from "../errors.js";
import { readRepository } from "../io/read-repository.js";
import { PACK_STATE_FILE } from "../model/repository.js";
import type { Repository } from "../model/repository.js";
import type { PackChange, PackPlan } from "../pack/plan.js";
import { packSourcesOf } from "../pack/sources/index.js";
import type { PackSource } from "../pack/sources/types.js";
import type { PublishOptions, PublishResult } from "../pack/publish.js";
import { proposePackUpgrades } from "../pack/upgrades.js";
import { defaultBranchOf } from "./context.js";
import type { Env } from "./context.js";
import type { ModeResult, ModeRun } from "./mode.js";
import { authSecretOf, defaultBranchFromApi, PACK_UPGRADE_BRANCH, proposePullRequest } from "./pull-request.js";
import type { FileChange, GitExec } from "./pull-request.js";

/** What `proposePackUpgrades` (src/pack/upgrades.ts) answers: undefined when nothing is to upgrade. */
export interface PackUpgradeProposal {
  plan: PackPlan;
  changes: PackChange[];
  /** The effective diff of the upgrade, as markdown. */
  markdown: string;
  text: string;
}

export interface ProposeOptions {
  root: string;
  repo: Repository;
  sources: PackSource[];
  now: Date;
  latest?: boolean;
}

export type ProposeUpgrades = (options: ProposeOptions) => Promise<PackUpgradeProposal | undefined>;

/** The seams of the pack steps (tests give fakes; the defaults are edict's own). */
export interface PackHooks {
  propose?: ProposeUpgrades;
  sources?: (repo: Repository, root: string, env: Env) => PackSource[];
  publishPacks?: (options: PublishOptions) => Promise<PublishResult>;
  git?: GitExec;
}

/** The marker at the top of the pull request's body. */
export const PACK_PR_MARKER = "<!-- edict:pack-upgrades -->";

const defaultPropose: ProposeUpgrades = (options) => proposePackUpgrades(options);

/** "hipaa 1.0.0 → 1.1.0", "hipaa (new) → 1.1.0", "hipaa 1.0.0 → (removed)". */
export function changeLine(c: PackChange): string {
  return `${c.name} ${c.from ?? "(new)"} → ${c.to ?? "(removed)"}`;
}

/** The pull request's title: the one change, or how many. */
export function upgradeTitle(changes: readonly PackChange[]): string {
  if (changes.length === 1) return `edict: upgrade pack ${changeLine(changes[0]!)}`;
  return `edict: upgrade ${changes.length} packs (${changes.map((c) => c.name).join(", ")})`;
}

/** The pull request's body: the changes, the notes, the effective diff. Deterministic, so a re-run with the same upgrade changes nothing. */
export function upgradeBody(proposal: PackUpgradeProposal, options: { latest: boolean }): string {
  const lines = [
    PACK_PR_MARKER,
    "### 📦 edict: pack upgrades",
    "",
    ...proposal.changes.map((c) => `- **${c.name}** ${c.from ? `\`${c.from}\`` : "(new)"} → ${c.to ? `\`${c.to}\`` : "(removed)"}`),
    "",
  ];
  if (proposal.plan.notes.length > 0) lines.push("Notes:", "", ...proposal.plan.notes.map((n) => `- ${n}`), "");
  lines.push(
    proposal.markdown.trim(),
    "",
    "---",
    `Proposed by the edict Action's \`packs\` mode (\`edict pack upgrade${options.latest ? " --latest" : ""}\`). ` +
      `Merging applies the upgrade. The branch \`${PACK_UPGRADE_BRANCH}\` is rewritten by the next run: push no commits to it.`,
    "",
  );
  return lines.join("\n");
}

/** The files the plan writes and deletes, and the new `.edict/packs.yaml`. */
export function planChanges(plan: PackPlan): FileChange[] {
  return [
    ...plan.add.map((f) => ({ path: f.path, content: f.content })),
    ...plan.replace.map((f) => ({ path: f.path, content: f.content })),
    ...plan.remove.map((path) => ({ path, delete: true as const })),
    { path: PACK_STATE_FILE, content: plan.stateText },
  ];
}

/** The branch the pull request goes into: the event's default branch, else GitHub's answer. */
async function baseBranch(run: ModeRun): Promise<string> {
  const main = defaultBranchOf(run.ctx) ?? (await defaultBranchFromApi(run.octokit, run.ref));
  const branch = run.ctx.ref.startsWith("refs/heads/") ? run.ctx.ref.slice("refs/heads/".length) : undefined;
  // the commit goes on top of HEAD: from another branch, the pull request would carry that branch's commits too
  if (branch !== undefined && branch !== main) {
    throw new EdictError("USAGE", `packs mode proposes upgrades of the default branch ${main}, but this run is on ${branch}; run it on a schedule or dispatch it on ${main}`);
  }
  return main;
}

export async function runPacks(run: ModeRun, hooks: PackHooks = {}): Promise<ModeResult> {
  const { io, inputs } = run;
  const repo = await readRepository(run.root);
  if (repo.files.length === 0) throw new EdictError("NOT_FOUND", `no policy repository in ${inputs.workingDirectory}: no edict.yaml, policies/ or packs/ (set working-directory)`);
  const base = await baseBranch(run);
  const latest = inputs.packsLatest === true;
  const sources = (hooks.sources ?? ((r, root, env) => packSourcesOf(r, root, { env })))(repo, run.root, run.env);
  io.info(`looking for pack upgrades ${latest ? "beyond the installed ranges (packs-latest)" : "within the installed ranges"} in ${sources.map((s) => s.name).join(", ")}`);
  const proposal = await (hooks.propose ?? defaultPropose)({ root: run.root, repo, sources, now: run.now(), latest });

  if (!proposal || proposal.changes.length === 0) {
    io.info("all packs up to date: nothing to propose");
    await io.writeSummary("### ✅ edict: all packs up to date\n");
    return { outputs: {}, failures: [] };
  }
  for (const c of proposal.changes) io.info(`upgrade: ${changeLine(c)}`);

  if (inputs.githubToken !== "") io.setSecret(authSecretOf(inputs.githubToken));
  const title = upgradeTitle(proposal.changes);
  const proposed = await proposePullRequest({
    root: run.root,
    changes: planChanges(proposal.plan),
    message: `${title}\n\n${proposal.changes.map((c) => `- ${changeLine(c)}`).join("\n")}\n`,
    branch: PACK_UPGRADE_BRANCH,
    base,
    title,
    body: upgradeBody(proposal, { latest }),
    token: inputs.githubToken,
    octokit: run.octokit,
    ref: run.ref,
    log: (l) => io.info(l),
    ...(hooks.git ? { git: hooks.git } : {}),
  });
  if (!proposed) {
    // the plan writes what HEAD already has (the state was updated by hand)
    io.info("the upgrade changes no file of the default branch: nothing to propose");
    await io.writeSummary("### ✅ edict: all packs up to date\n");
    return { outputs: {}, failures: [] };
  }
  const { pull, action } = proposed;
  const did = action === "created" ? "opened" : action === "updated" ? "updated" : "unchanged";
  await io.writeSummary(
    `### 📦 edict: pack upgrades ${did} in [#${pull.number}](${pull.url})\n\n${proposal.changes.map((c) => `- ${changeLine(c)}`).join("\n")}\n`,
  );
  return { outputs: { "pull-request-url": pull.url }, failures: [] };
}
