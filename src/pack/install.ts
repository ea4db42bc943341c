/**
 * `edict pack install NAME[@RANGE]` and `edict pack install` (no name) over the pack sources:
 * resolve, fetch what was chosen, plan. Shared by the pack command and `edict init --pack`.
 */
import type { Repository } from "../model/repository.js";
import { parsePackRequest } from "./plan.js";
import { planInstallPacks, planReinstall } from "./plan-fetched.js";
import type { PackPlan } from "./plan.js";
import { resolveInstall } from "./resolve.js";
import { fetchInstalled, fetchResolution, installedVersionsOf, readOffers, schemaFilesOf } from "./sourced.js";
import type { PackSource } from "./sources/types.js";
import { worldOf } from "./view.js";

export interface SourcedInstallOptions {
  root: string;
  repo: Repository;
  /** In search order (packSourcesOf). */
  sources: readonly PackSource[];
  now: Date;
  force?: boolean;
  /** Refuse missing dependencies instead of installing them. */
  noDeps?: boolean;
  allowDowngrade?: boolean;
}

/**
 * The plan installing `request` (`hipaa`, `starter@^1.0.0`) with its missing dependencies, from
 * the first source offering each name.
 *
 * @example
 * const plan = await planSourcedInstall("hipaa", { root, repo, sources: packSourcesOf(repo, root, { env }), now: new Date() });
 * await applyPlan(root, plan);
 */
export async function planSourcedInstall(request: string, options: SourcedInstallOptions): Promise<PackPlan> {
  const world = worldOf(options.repo);
  const parsed = parsePackRequest(request);
  const offers = await readOffers(options.sources);
  const resolution = resolveInstall(offers.sources, installedVersionsOf(world.state, offers.sources), parsed, {
    noDeps: options.noDeps ?? false,
    allowDowngrade: options.allowDowngrade ?? false,
  });
  const planned = await fetchResolution(options.sources, resolution);
  const installed = await fetchInstalled(options.sources, world.state);
  return planInstallPacks(world, planned, installed.context, { force: options.force ?? false, now: options.now, schemaFiles: await schemaFilesOf(options.root) });
}

/**
 * The plan reinstalling exactly what `.edict/packs.yaml` lists, each pack from its recorded source
 * at its version and pin (the state is a lock file): missing files come back, and with every file
 * in place nothing changes.
 */
export async function planSourcedReinstall(options: Omit<SourcedInstallOptions, "noDeps" | "allowDowngrade">): Promise<PackPlan> {
  const world = worldOf(options.repo);
  const fetched = await fetchInstalled(options.sources, world.state, { strict: true });
  return planReinstall(world, fetched.planned, fetched.context, { force: options.force ?? false, now: options.now, schemaFiles: await schemaFilesOf(options.root) });
}
