/**
 * Planning from fetched packs (any source: the repository's folder, url or git sources, the
 * built-in library): install with dependencies, upgrade, and reinstall from the lock. The steps
 * are plan.ts's; this adds the loop they share and the three entry points.
 */
import { PACK_STATE_FILE as PACK_STATE_FILE_NAME } from "../model/repository.js";
import type { Draft, EntryOrigin } from "./draft.js";
import type { ShippedPack, ShippedPacks } from "./model.js";
import { installPack, planOf, replacePack, requireValid, toWorld, withPacks } from "./plan.js";
import type { PackChange, PackInput, PackOperation, PackPlan, PlannedPack, PlanOptions } from "./plan.js";
import { draftOf } from "./draft.js";
import { packError, sourceOf } from "./preconditions.js";

/** One fetched pack's step of a plan: the change it makes to the draft, if any. */
type FetchedStep = (d: Draft, pack: ShippedPack, planned: PlannedPack, all: ShippedPacks, notes: string[]) => PackChange | undefined;

/** The loop the fetched-pack planners share: each pack validated, then its step, in the order given. */
function planFetched(input: PackInput, packs: readonly PlannedPack[], context: ShippedPacks, operation: PackOperation, step: FetchedStep, finish?: (changes: PackChange[], notes: string[]) => void): PackPlan {
  const world = toWorld(input);
  const d = draftOf(world);
  const notes: string[] = [];
  const all = withPacks(context, packs.map((p) => p.pack));
  const changes: PackChange[] = [];
  for (const p of packs) {
    const change = step(d, requireValid(p.pack, p.origin?.source ?? sourceOf(context)), p, all, notes);
    if (change) changes.push(change);
  }
  finish?.(changes, notes);
  return planOf(operation, world, d, changes, notes);
}

/**
 * Plans installing fetched packs, in the order given (resolution's install order: dependencies
 * first). A pack already installed is replaced (the requested pack at another version);
 * `context` holds every other known pack (the installed ones, as their sources have them) for
 * the checks between packs.
 *
 * @example
 * const plan = planInstallPacks(repo, [{ pack: starter, origin }, { pack: hipaa, origin }], installed, { now, schemaFiles });
 */
export function planInstallPacks(input: PackInput, packs: readonly PlannedPack[], context: ShippedPacks, options: PlanOptions): PackPlan {
  return planFetched(input, packs, context, "install", (d, pack, p, all, notes) => {
    const extra: EntryOrigin = { ...(p.origin ? { origin: p.origin } : {}), ...(p.range !== undefined ? { range: p.range } : {}) };
    const current = d.packs[pack.name];
    if (current && current.version === pack.version && current.pack_checksum === pack.checksum) {
      throw packError(`pack ${pack.name} is already installed (v${current.version}); run \`edict pack upgrade ${pack.name}\` for a newer version, or \`edict pack install\` to restore its files`);
    }
    return current ? replacePack(d, pack, all, options, notes, { mode: "upgrade", ...extra }) : installPack(d, pack, all, options, notes, extra);
  });
}

/**
 * Plans upgrading installed packs to the fetched versions, in the order given (dependencies
 * first). `dropRange` names the packs upgraded beyond their recorded range (`--latest`).
 */
export function planUpgradePacks(
  input: PackInput,
  packs: readonly PlannedPack[],
  context: ShippedPacks,
  options: PlanOptions & { dropRange?: ReadonlySet<string> },
): PackPlan {
  return planFetched(
    input,
    packs,
    context,
    "upgrade",
    (d, pack, p, all, notes) =>
      replacePack(d, pack, all, options, notes, { mode: "upgrade", ...(p.origin ? { origin: p.origin } : {}), ...(options.dropRange?.has(pack.name) ? { dropRange: true } : {}) }),
    (changes, notes) => {
      if (changes.length === 0 && packs.length !== 1) notes.push("every installed pack is up to date");
    },
  );
}

/**
 * Plans `edict pack install` without a name: every pack the state lists, fetched at its
 * recorded version and pin, put back where files are missing (or, forced, edited). With every
 * file in place, nothing changes and the state stays byte for byte.
 */
export function planReinstall(input: PackInput, packs: readonly PlannedPack[], context: ShippedPacks, options: PlanOptions): PackPlan {
  return planFetched(
    input,
    packs,
    context,
    "install",
    (d, pack, p, all, notes) => replacePack(d, pack, all, options, notes, { mode: "reinstall", ...(p.origin ? { origin: p.origin } : {}) }),
    (_changes, notes) => {
      if (packs.length === 0) notes.push(`no packs installed: ${PACK_STATE_FILE_NAME} lists none`);
    },
  );
}
