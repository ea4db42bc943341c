/**
 * Walking the product of the data request dimensions without a blind full product,
 * and covering the requests that flip with readable regions.
 *
 * A rule matches when every dimension's constraint holds, so the walk takes the dimensions one
 * by one and keeps, per reachable state, the predicates still holding (one bitmask); states
 * with the same mask are merged (the first example path is kept), and cells of a dimension with
 * the same vector are interchangeable. The final masks are the cells of the partition.
 *
 * Regions are products of per-dimension value sets, each described by a few atoms ("matches
 * `cust*`", "role analyst", "outside 09:00–17:00 UTC"). A region is grown from the witness of a
 * flipping cell by freeing atoms while every request the description admits still flips the
 * same way (checked exactly on the vectors the admitted values realise); later flipping cells
 * whose witness it admits join it.
 */
import { actionOf, consistent, relevant } from "./data-space.js";
import type { Assignment, Dimension, RuleSpace } from "./data-space.js";
import type { DataAction } from "../engine/vocabulary.js";

export interface SearchState {
  mask: bigint;
  /** Bit r: the path so far lies inside region r. */
  cover: bigint;
  /** Per dimension walked, the index of the cell taken. */
  path: number[];
}

export interface RegionSpec {
  kept: Assignment[];
  before: DataAction;
  after: DataAction;
  /** The request the region was grown from (cell index per dimension). */
  seed: number[];
  /** Flipping cells whose witness it admits. */
  cells: number;
}

/** The reachable final states, merged by (mask, regions still covering); `cut` when `maxStates` stopped the walk. */
export function searchSpace(space: RuleSpace, dims: readonly Dimension[], regions: readonly RegionSpec[], maxStates: number): { finals: SearchState[]; cut: boolean } {
  const allCover = (1n << BigInt(regions.length)) - 1n;
  let states = new Map<string, SearchState>([[`${space.all}|${allCover}`, { mask: space.all, cover: allCover, path: [] }]]);
  let cut = false;
  for (const [d, dim] of dims.entries()) {
    // what the walk can tell apart of a cell: its vector and the regions that admit it
    const reps = new Map<string, { c: number; vec: bigint; cover: bigint }>();
    dim.cells.forEach((cell, c) => {
      let cover = 0n;
      regions.forEach((r, i) => {
        if (consistent(cell.atoms, r.kept[d]!)) cover |= 1n << BigInt(i);
      });
      const k = `${cell.vec}|${cover}`;
      if (!reps.has(k)) reps.set(k, { c, vec: cell.vec, cover });
    });
    const next = new Map<string, SearchState>();
    walk: for (const s of states.values()) {
      for (const r of reps.values()) {
        const mask = s.mask & r.vec;
        if (!relevant(space, mask)) continue;
        const cover = s.cover & r.cover;
        const k = `${mask}|${cover}`;
        if (next.has(k)) continue;
        if (next.size >= maxStates) {
          cut = true;
          break walk;
        }
        next.set(k, { mask, cover, path: [...s.path, r.c] });
      }
    }
    states = next;
  }
  return { finals: [...states.values()], cut };
}

const FOLD_LIMIT = 20_000;

/** Does every combination of the layers' vectors decide `before` on base and `after` on head? */
function allFlip(space: RuleSpace, layers: readonly (readonly bigint[])[], before: DataAction, after: DataAction): boolean {
  let masks = new Set([space.all]);
  for (const layer of layers) {
    const next = new Set<bigint>();
    for (const m of masks) for (const v of layer) next.add(m & v);
    if (next.size > FOLD_LIMIT) return false;
    masks = next;
  }
  for (const m of masks) if (actionOf(space, "base", m) !== before || actionOf(space, "head", m) !== after) return false;
  return true;
}

/**
 * Frees as many atoms of the seed's cells as the flip allows: first whole dimensions, then single
 * atoms, last first (dimensions put the atoms whose release admits more values last).
 */
export function widen(space: RuleSpace, dims: readonly Dimension[], seed: readonly number[], before: DataAction, after: DataAction): Assignment[] {
  const kept: Array<Array<boolean | undefined>> = dims.map((dim, d) => [...dim.cells[seed[d]!]!.atoms]);
  const layers: bigint[][] = dims.map((dim, d) => [dim.cells[seed[d]!]!.vec]);
  const attempt = (d: number, trial: Array<boolean | undefined>): boolean => {
    const vecs = dims[d]!.vectorsUnder(trial);
    if (vecs === undefined) return false;
    const saved = layers[d]!;
    layers[d] = vecs;
    if (allFlip(space, layers, before, after)) {
      kept[d] = trial;
      return true;
    }
    layers[d] = saved;
    return false;
  };
  for (let d = 0; d < dims.length; d++) {
    if (kept[d]!.length === 0 || attempt(d, kept[d]!.map(() => undefined))) continue;
    for (let a = kept[d]!.length - 1; a >= 0; a--) {
      const trial = [...kept[d]!];
      trial[a] = undefined;
      attempt(d, trial);
    }
  }
  return kept;
}

/** Does the region admit the cells of `path`? */
export function admits(dims: readonly Dimension[], region: RegionSpec, path: readonly number[]): boolean {
  return dims.every((dim, d) => consistent(dim.cells[path[d]!]!.atoms, region.kept[d]!));
}

/** Regions widened at most per comparison; later flips not inside one get a region of their own cells. */
const MAX_WIDENED = 200;

/**
 * Groups flipping cells into regions: a flip inside an earlier region (same decisions) joins it,
 * otherwise a region is grown from it (`exact`: not grown, its own cells only). A region may
 * leave out requests of its seed's cell that a description by atoms cannot join; it never admits
 * a request that does not flip as it says.
 */
export function groupFlips(space: RuleSpace, dims: readonly Dimension[], seeds: ReadonlyArray<{ path: readonly number[]; before: DataAction; after: DataAction }>, exact: boolean): RegionSpec[] {
  const regions: RegionSpec[] = [];
  const inside = (r: RegionSpec, path: readonly number[]) => admits(dims, r, path);
  for (const { path, before, after } of seeds) {
    const home = regions.find((r) => r.before === before && r.after === after && inside(r, path));
    if (home) {
      home.cells++;
      continue;
    }
    const grow = !exact && regions.length < MAX_WIDENED;
    const kept = grow ? widen(space, dims, path, before, after) : dims.map((dim, d) => [...dim.cells[path[d]!]!.atoms]);
    regions.push({ kept, before, after, seed: [...path], cells: 1 });
  }
  return regions;
}

/** Walks repeated at most to cover what the first regions left out, and regions added then. */
const COVER_ROUNDS = 4;
const MAX_COVER_REGIONS = 16;

/**
 * Adds regions for flipping requests the grouped regions leave out (parts of a flipping cell that
 * one conjunction of atoms cannot describe), within small limits. When no flipping request is
 * left out at the end, each region's `cells` becomes the number of flipping cells it meets.
 * Returns whether every flipping request is covered.
 */
export function coverRest(space: RuleSpace, dims: readonly Dimension[], regions: RegionSpec[], maxStates: number): boolean {
  const flips = (m: bigint) => actionOf(space, "base", m) !== actionOf(space, "head", m);
  const inside = (r: RegionSpec, path: readonly number[]) => admits(dims, r, path);
  let added = 0;
  for (let round = 0; round <= COVER_ROUNDS; round++) {
    const walk = searchSpace(space, dims, regions, maxStates);
    if (walk.cut) return false;
    const open = walk.finals.filter((s) => s.cover === 0n && flips(s.mask));
    if (open.length === 0) {
      const masks = regions.map(() => new Set<bigint>());
      for (const s of walk.finals) if (flips(s.mask)) regions.forEach((_, r) => (s.cover >> BigInt(r)) & 1n && masks[r]!.add(s.mask));
      regions.forEach((r, i) => (r.cells = masks[i]!.size));
      return true;
    }
    if (round === COVER_ROUNDS) return false;
    for (const s of open) {
      if (regions.some((r) => inside(r, s.path))) continue;
      if (added++ >= MAX_COVER_REGIONS) return false;
      const before = actionOf(space, "base", s.mask);
      const after = actionOf(space, "head", s.mask);
      regions.push({ kept: widen(space, dims, s.path, before, after), before, after, seed: s.path, cells: 1 });
    }
  }
  return false;
}
