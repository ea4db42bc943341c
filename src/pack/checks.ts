/**
 * Checks between packs: dependency cycles, layer order of dependencies, and priority
 * bands that must not overlap and must rise with the layer. Pure helpers shared by planning
 * (which throws) and the lint rules (which report).
 */
import type { Layer } from "../engine/vocabulary.js";
import type { Dependency } from "./dependency.js";
import type { PriorityBand } from "./model.js";

export const LAYER_RANK: Readonly<Record<Layer, number>> = { foundation: 0, domain: 1, custom: 2 };

export function layerRank(layer: string | undefined): number | undefined {
  return layer !== undefined && Object.prototype.hasOwnProperty.call(LAYER_RANK, layer) ? LAYER_RANK[layer as Layer] : undefined;
}

/** Layer inversion: a pack may depend only on packs of the same or a lower layer. */
export function dependsUpward(layer: string, dependencyLayer: string): boolean {
  const a = layerRank(layer);
  const b = layerRank(dependencyLayer);
  return a !== undefined && b !== undefined && b > a;
}

export function formatBand(band: PriorityBand): string {
  return `${band.min}–${band.max}`;
}

export function isValidBand(band: PriorityBand | undefined): band is PriorityBand {
  return band !== undefined && band.min <= band.max;
}

/** Cross-pack priority collisions: two bands share at least one priority. */
export function bandsOverlap(a: PriorityBand, b: PriorityBand): boolean {
  return a.min <= b.max && b.min <= a.max;
}

/**
 * Layer order of bands: the band of the higher-layer pack must lie entirely above the band of
 * the lower-layer one. Returns false when the layers are equal or unknown.
 */
export function bandBelowLowerLayer(higher: { layer: string; band: PriorityBand }, lower: { layer: string; band: PriorityBand }): boolean {
  const h = layerRank(higher.layer);
  const l = layerRank(lower.layer);
  if (h === undefined || l === undefined || h <= l) return false;
  return higher.band.min <= lower.band.max;
}

export interface GraphNode {
  dependencies: readonly Dependency[];
}

/**
 * Every elementary dependency cycle among the given packs, each as the list of its packs in
 * order starting from the alphabetically smallest (a cycle a → b → a is ["a", "b"]). Edges to
 * packs outside the map are ignored.
 */
export function findCycles(packs: ReadonlyMap<string, GraphNode>): string[][] {
  const names = [...packs.keys()].sort();
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const MAX_CYCLES = 100; // a hostile repository must not make lint enumerate exponentially many cycles
  // Johnson-style search restricted to cycles whose smallest member is the start: each cycle once.
  for (const start of names) {
    const path: string[] = [start];
    const onPath = new Set<string>([start]);
    const visit = (node: string): void => {
      for (const dep of packs.get(node)?.dependencies ?? []) {
        if (cycles.length >= MAX_CYCLES) return;
        const next = dep.name;
        if (!packs.has(next) || next < start) continue;
        if (next === start) {
          const key = path.join("\0");
          if (!seen.has(key)) {
            seen.add(key);
            cycles.push([...path]);
          }
          continue;
        }
        if (onPath.has(next)) continue;
        path.push(next);
        onPath.add(next);
        visit(next);
        path.pop();
        onPath.delete(next);
      }
    };
    visit(start);
  }
  return cycles;
}

/** "a → b → a" */
export function formatCycle(cycle: readonly string[]): string {
  return [...cycle, cycle[0]!].join(" → ");
}

/**
 * Packs in dependency order (a pack after the packs it depends on); packs in cycles keep
 * alphabetical order among themselves.
 */
export function dependencyOrder(packs: ReadonlyMap<string, GraphNode>, subset: Iterable<string>): string[] {
  const wanted = new Set(subset);
  const out: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string): void => {
    if (state.has(name)) return;
    state.set(name, "visiting");
    for (const dep of [...(packs.get(name)?.dependencies ?? [])].sort((a, b) => (a.name < b.name ? -1 : 1))) visit(dep.name);
    state.set(name, "done");
    if (wanted.has(name)) out.push(name);
  };
  for (const name of [...wanted].sort()) visit(name);
  return out;
}
