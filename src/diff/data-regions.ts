/**
 * The exact comparison of a target's DataPolicies: base and head are evaluated on an
 * exact partition of the data request space, not on sampled literals.
 *
 * A decision can differ only where a changed rule matches on either side (a rule on one side
 * only, with a different spec, or whose precedence order among the common rules moved), or,
 * when `default_action` changed, where no rule matches. The space is cut per dimension into
 * cells no rule can tell apart (./data-values.ts, ./data-fields.ts, ./data-time.ts), the cells
 * are combined dimension by dimension keeping only states where a changed rule still matches
 * (./data-search.ts), and one witness request per final cell is decided by the reference
 * evaluator on both sides, so the diff cannot disagree with it. Flips are then grouped into
 * regions described for people.
 */
import type { EffectiveData } from "../engine/effective.js";
import { referenceDecideData } from "../engine/data/reference.js";
import type { DataRequest, RequestedField } from "../engine/data/types.js";
import type { DataAction } from "../engine/vocabulary.js";
import { DEFAULT_MAX_STATES } from "./cells/glob-cells.js";
import { fieldsDimension } from "./data-fields.js";
import { coverRest, groupFlips, searchSpace } from "./data-search.js";
import type { RegionSpec } from "./data-search.js";
import { actionOf, buildRuleSpace } from "./data-space.js";
import type { Dimension, RuleSpace } from "./data-space.js";
import { timeDimension } from "./data-time.js";
import { contextDimension, datasetDimension } from "./data-values.js";
import type { DataDecisionChange, ProofStatus, Region } from "./types.js";

/** The result of {@link compareData}. */
export interface DataComparison {
  /** One witness per cell whose action differs, in a deterministic order; complete (not capped). */
  changes: DataDecisionChange[];
  /**
   * The flips grouped for people. No region admits a request that does not flip as it says;
   * every witness of `changes` lies in one. Parts of a flipping cell that one description cannot
   * join get regions of their own, within small limits (see {@link DataExplanation.covered}).
   */
  regions: Region[];
  proof: ProofStatus;
}

export interface DataCompareOptions {
  /** Cells evaluated at most per target (default 50,000). */
  maxRegions?: number;
  /** State budget of each cell search (glob cells, field combinations, the product walk); default 200,000. */
  maxStates?: number;
}

export const DEFAULT_MAX_DATA_CELLS = 50_000;

const STRENGTH: Record<DataAction, number> = { allow: 0, mask: 1, require_approval: 2, deny: 3 };

/** Whether a change of action lets more through (towards allow). */
export function isLooserAction(before: DataAction, after: DataAction): boolean {
  return STRENGTH[after] < STRENGTH[before];
}

/** The dimensions in walk order: the most selective first, the fields (the most cells) last. */
function dimensionsOf(space: RuleSpace, base: EffectiveData, head: EffectiveData, maxStates: number): Dimension[] {
  const changedPatterns = new Set<string>();
  let restrict = !space.defaultChanged;
  space.predicates.forEach((p, i) => {
    if (((space.changed >> BigInt(i)) & 1n) === 0n) return;
    if (p.match?.dataset === undefined || /^\*+$/.test(p.match.dataset)) restrict = false;
    else changedPatterns.add(p.match.dataset);
  });
  const maskingNames = [...base.rules, ...head.rules].flatMap((r) => Object.keys(r.spec.masking?.rules ?? {}));
  return [
    datasetDimension(space.predicates, { maxStates, ...(restrict ? { restrictTo: (p: string) => changedPatterns.has(p) } : {}) }),
    contextDimension("role", space.predicates),
    contextDimension("clearance", space.predicates),
    contextDimension("region", space.predicates),
    contextDimension("dataset_region", space.predicates),
    contextDimension("environment", space.predicates),
    timeDimension(space.predicates),
    fieldsDimension(space.predicates, { maxStates, takenNames: maskingNames }),
  ];
}

/** The request and instant a path of cells stands for. */
function witnessOf(dims: readonly Dimension[], path: readonly number[]): { request: DataRequest; now: Date } {
  const value = (key: string) => {
    const d = dims.findIndex((dim) => dim.key === key);
    return dims[d]!.cells[path[d]!]!.value;
  };
  const requester: { role?: string; clearance?: string; region?: string } = {};
  for (const k of ["role", "clearance", "region"] as const) {
    const v = value(k) as string | undefined;
    if (v !== undefined) requester[k] = v;
  }
  const request: { -readonly [K in keyof DataRequest]: DataRequest[K] } = {
    dataset: value("dataset") as string,
    fields: value("fields") as RequestedField[],
    requester,
  };
  const datasetRegion = value("dataset_region") as string | undefined;
  const environment = value("environment") as string | undefined;
  if (datasetRegion !== undefined) request.dataset_region = datasetRegion;
  if (environment !== undefined) request.environment = environment;
  return { request, now: new Date(value("time") as number) };
}

const WHERE_ORDER = ["dataset", "fields", "requester", "dataset_region", "environment", "time"];
const REQUESTER = new Set(["role", "clearance", "region"]);

function whereOf(dims: readonly Dimension[], spec: RegionSpec): Record<string, string> {
  const parts = new Map<string, string[]>();
  dims.forEach((dim, d) => {
    const kept = spec.kept[d]!;
    const words = kept.every((k) => k === undefined) ? "" : dim.phrase(kept);
    if (words === "") return;
    const key = REQUESTER.has(dim.key) ? "requester" : dim.key;
    parts.set(key, [...(parts.get(key) ?? []), words]);
  });
  const where: Record<string, string> = {};
  for (const key of WHERE_ORDER) if (parts.has(key)) where[key] = parts.get(key)!.join(", ");
  return where;
}

/**
 * Compares the DataPolicies of one target exactly: every request whose action differs between
 * base and head lies in a cell that `changes` lists with one witness. The result is the mirror
 * image when base and head are swapped. When a budget cuts the work, `proof.proven` is false and
 * `proof.reasons` says why.
 *
 * @example
 * const { changes, proof } = compareData(base.data, head.data);
 * // changes[0]: { request: { dataset: "customers", fields: [{ name: "other" }], requester: {} },
 * //               now: "2026-01-01T00:00:00.000Z", before: "allow", after: "deny" }
 */
export function compareData(base: EffectiveData, head: EffectiveData, options: DataCompareOptions = {}): DataComparison {
  return explainData(base, head, options).comparison;
}

/** What a comparison rests on: the dimensions and the regions as atom assignments (for tests and tools). */
export interface DataExplanation {
  comparison: DataComparison;
  dims: Dimension[];
  /** One per region before regions with the same words are merged. */
  specs: RegionSpec[];
  /** Every flipping request lies in a region (not only every flipping cell's witness). */
  covered: boolean;
}

/** {@link compareData} with the dimensions and region specs it used. */
export function explainData(base: EffectiveData, head: EffectiveData, options: DataCompareOptions = {}): DataExplanation {
  const maxCells = options.maxRegions ?? DEFAULT_MAX_DATA_CELLS;
  const maxStates = options.maxStates ?? DEFAULT_MAX_STATES;
  const space = buildRuleSpace(base, head);
  const proof: ProofStatus = { proven: true, checked: 0, total: 0, complete: true, reasons: [] };
  if (space.changed === 0n && !space.defaultChanged) return { comparison: { changes: [], regions: [], proof }, dims: [], specs: [], covered: true };

  const dims = dimensionsOf(space, base, head, maxStates);
  for (const dim of dims) {
    proof.reasons.push(...dim.reasons);
    if (!dim.complete) proof.complete = false;
  }
  const walk = searchSpace(space, dims, [], maxStates);
  if (walk.cut) {
    proof.complete = false;
    proof.reasons.push(`budget: request space cut at ${maxStates} states`);
  }
  proof.total = walk.finals.length;

  const changes: DataDecisionChange[] = [];
  const seeds: Array<{ path: number[]; before: DataAction; after: DataAction }> = [];
  for (const state of walk.finals) {
    if (proof.checked >= maxCells) {
      proof.reasons.push(`budget: checked ${proof.checked} of ${proof.total} cells`);
      break;
    }
    proof.checked++;
    const { request, now } = witnessOf(dims, state.path);
    let before: DataAction;
    let after: DataAction;
    try {
      before = referenceDecideData(base, request, now).action;
      after = referenceDecideData(head, request, now).action;
    } catch (e) {
      proof.reasons.push(`unsupported: the evaluator failed on ${JSON.stringify(request)}: ${(e as Error).message}`);
      continue;
    }
    // the cells are exact only if the abstraction agrees with the evaluator; say so when it does not
    if (before !== actionOf(space, "base", state.mask) || after !== actionOf(space, "head", state.mask)) {
      proof.reasons.push(`internal: cell analysis disagrees with the evaluator on ${JSON.stringify(request)} at ${now.toISOString()}`);
    }
    if (before === after) continue;
    changes.push({ request, now: now.toISOString(), before, after });
    seeds.push({ path: state.path, before, after });
  }
  proof.proven = proof.complete && proof.checked === proof.total && proof.reasons.length === 0;

  // growing a region trusts the cell analysis: not when it disagreed with the evaluator
  const trusted = !proof.reasons.some((r) => r.startsWith("internal:") || r.startsWith("unsupported:"));
  const specs = groupFlips(space, dims, seeds, !trusted);
  const covered = specs.length === 0 || (trusted && proof.proven && coverRest(space, dims, specs, maxStates));
  const regions: Region[] = [];
  const byWhere = new Map<string, Region>();
  for (const spec of specs) {
    const where = whereOf(dims, spec);
    const key = JSON.stringify([spec.before, spec.after, where]);
    const same = byWhere.get(key);
    if (same) {
      same.cells += spec.cells;
      continue;
    }
    const example = witnessOf(dims, spec.seed);
    const region: Region = {
      kind: "data",
      verdict: isLooserAction(spec.before, spec.after) ? "loosened" : "tightened",
      before: spec.before,
      after: spec.after,
      where,
      cells: spec.cells,
      example: { request: example.request, now: example.now.toISOString() },
    };
    byWhere.set(key, region);
    regions.push(region);
  }
  return { comparison: { changes, regions, proof }, dims, specs, covered };
}

/** The value of each dimension (in `dims` order) that a request and instant take. */
export function dimensionValues(dims: readonly Dimension[], request: DataRequest, now: Date): unknown[] {
  const of: Record<string, unknown> = {
    dataset: request.dataset,
    role: request.requester?.role,
    clearance: request.requester?.clearance,
    region: request.requester?.region,
    dataset_region: request.dataset_region,
    environment: request.environment,
    time: now.getTime(),
    fields: request.fields,
  };
  return dims.map((dim) => of[dim.key]);
}

