/**
 * Resolution: which pack versions `edict pack install NAME[@RANGE]` installs, from what the
 * sources offer. Pure over the offers (no fetching): the caller fetches what is chosen.
 *
 * - A name comes from the FIRST source (in search order) that offers it at all; a later source
 *   never fills in for it, so a pack cannot be shadowed by a same-named one elsewhere.
 * - The requested pack is the highest version of that source satisfying the range.
 * - Its dependencies are closed over: an installed dependency that satisfies the range is kept
 *   (one that does not is a conflict, never silently replaced); a missing one gets the highest
 *   version satisfying every range that asks for it (choices are revisited when a later
 *   requirement narrows them).
 * - The packs to install come out in layer order (foundation, domain, custom), each after the
 *   packs it depends on.
 * - A conflict is refused with PACK_CONFLICT and the chain of requirements that led to it; a
 *   requested version below the installed one with PACK_DOWNGRADE unless allowed.
 */
import semver from "semver";
import { EdictError } from "../errors.js";
import { suggest } from "../model/suggest.js";
import type { Layer } from "../engine/vocabulary.js";
import { findCycles, formatCycle, layerRank } from "./checks.js";
import { parseDependency } from "./dependency.js";
import type { Dependency } from "./dependency.js";
import type { PackRequest } from "./plan.js";
import type { PackOffer } from "./sources/types.js";

/** What one source offers, in search order. */
export interface SourceOffers {
  source: string;
  offers: readonly PackOffer[];
}

/** An installed pack as resolution sees it. */
export interface InstalledVersion {
  version: string;
  /** Its dependencies as its metadata writes them, when known (for conflict messages). */
  dependencies?: readonly string[];
}

export interface ResolveOptions {
  /** Do not pull in dependencies (planning then refuses a missing one, as before sources). */
  noDeps?: boolean;
  /** Accept a requested version below the installed one. */
  allowDowngrade?: boolean;
}

/** One pack to install (or, for the requested pack when installed, to replace). */
export interface ResolvedPack {
  name: string;
  version: string;
  layer: Layer;
  source: string;
  /** The range asked for on the command line (requested pack only). */
  range?: string;
  /** True for the pack asked for; false for a dependency pulled in. */
  requested: boolean;
  /** The installed version this replaces (requested pack only). */
  replaces?: string;
}

export interface Resolution {
  /** In install order: layer order, each pack after its dependencies. */
  packs: ResolvedPack[];
}

/** The first source offering `name`, with its valid versions sorted from highest to lowest. */
export function firstOffering(sources: readonly SourceOffers[], name: string): { source: string; offers: PackOffer[] } | undefined {
  for (const s of sources) {
    const offers = s.offers.filter((o) => o.name === name);
    if (offers.length === 0) continue;
    const valid = offers.filter((o) => semver.valid(o.version) !== null).sort((a, b) => semver.rcompare(a.version, b.version));
    return { source: s.source, offers: valid };
  }
  return undefined;
}

/** The highest offered version satisfying `range` (any when none is given). */
export function highestSatisfying(offers: readonly PackOffer[], range: string | undefined): PackOffer | undefined {
  return offers.find((o) => satisfies(o.version, range));
}

function satisfies(version: string, range: string | undefined): boolean {
  if (range === undefined) return semver.valid(version) !== null;
  return semver.valid(version) !== null && semver.satisfies(version, range);
}

function conflict(message: string): EdictError {
  return new EdictError("PACK_CONFLICT", message);
}

/** `starter@^1.0.0` as written, or the name alone when no range is given. */
function asked(dep: Dependency): string {
  return dep.range === undefined ? dep.name : `${dep.name}@${dep.range}`;
}

interface Requirement {
  dep: Dependency;
  /** Who asks: `hipaa@1.2.0`. */
  by: string;
  /** The requirements that led to `by` being chosen, outermost first. */
  chain: string[];
}

interface Choice {
  offer: PackOffer;
  source: string;
  /** The requirement that chose it; undefined for the requested pack. */
  via?: Requirement;
}

const MAX_STEPS = 20_000;

function dependenciesOf(offer: PackOffer): Dependency[] {
  const out: Dependency[] = [];
  for (const raw of offer.dependencies) {
    const parsed = parseDependency(raw);
    if (parsed.ok) out.push(parsed.dependency);
  }
  return out;
}

/** `hipaa@1.2.0 requires starter@^2.0.0`, after the chain that led to hipaa. */
function chainText(req: Requirement): string {
  return [...req.chain, `${req.by} requires ${asked(req.dep)}`].join("; ");
}

/** Installed packs whose dependencies name `name`: `financial_compliance@1.0.0 as starter@^1.0.0`. */
function installedRequirers(installed: Readonly<Record<string, InstalledVersion>>, name: string): string[] {
  const out: string[] = [];
  for (const other of Object.keys(installed).sort()) {
    for (const raw of installed[other]!.dependencies ?? []) {
      const parsed = parseDependency(raw);
      if (parsed.ok && parsed.dependency.name === name) out.push(`${other}@${installed[other]!.version} as ${asked(parsed.dependency)}`);
    }
  }
  return out;
}

/**
 * Resolves `edict pack install NAME[@RANGE]`. Throws PACK_ERROR when no source offers the name
 * or no offered version satisfies the range, PACK_DOWNGRADE for a version below the installed
 * one (unless allowed), PACK_CONFLICT when the dependencies cannot all be satisfied.
 *
 * @example
 * resolveInstall([{ source: "builtin", offers }], { starter: { version: "1.0.0" } }, { name: "hipaa" })
 * // → { packs: [{ name: "hipaa", version: "1.0.0", source: "builtin", requested: true, … }] }
 */
export function resolveInstall(
  sources: readonly SourceOffers[],
  installed: Readonly<Record<string, InstalledVersion>>,
  request: PackRequest,
  options: ResolveOptions = {},
): Resolution {
  const searched = sources.map((s) => s.source).join(", ") || "none";
  const home = firstOffering(sources, request.name);
  if (!home) {
    const names = [...new Set(sources.flatMap((s) => s.offers.map((o) => o.name)))].sort();
    const near = suggest(request.name, names);
    throw new EdictError(
      "PACK_ERROR",
      `no pack named ${request.name} in any source (searched: ${searched})${near ? `; did you mean ${near}?` : ""}; run \`edict pack list\` to see what each source offers`,
    );
  }
  const top = highestSatisfying(home.offers, request.range);
  if (!top) {
    const versions = home.offers.map((o) => o.version);
    throw new EdictError(
      "PACK_ERROR",
      `${home.source} offers ${request.name} ${versions.length > 0 ? versions.join(", ") : "in no valid version"}; none satisfies ${request.range ?? "any version"}. Ask for a range one of them satisfies`,
    );
  }
  const current = installed[request.name];
  if (current && semver.valid(current.version) && semver.lt(top.version, current.version) && !options.allowDowngrade) {
    throw new EdictError(
      "PACK_DOWNGRADE",
      `${request.name} ${current.version} is installed; ${top.version} (the highest of ${home.source} satisfying ${request.range ?? "any version"}) is lower. Pass --allow-downgrade to install it anyway`,
    );
  }

  const rootId = `${top.name}@${top.version}`;
  const chosen = new Map<string, Choice>([[top.name, { offer: top, source: home.source }]]);
  const others: Record<string, InstalledVersion> = { ...installed };
  delete others[request.name];
  const initial: Requirement[] = options.noDeps ? [] : dependenciesOf(top).map((dep) => ({ dep, by: rootId, chain: [] }));

  let firstConflict: EdictError | undefined;
  let steps = 0;
  const fail = (e: EdictError): false => {
    firstConflict ??= e;
    return false;
  };

  // Depth-first over the open requirements; a missing pack's versions are tried from highest to
  // lowest, so the first complete assignment prefers newer dependencies.
  const solve = (queue: readonly Requirement[]): boolean => {
    if (++steps > MAX_STEPS) throw conflict(`the dependencies of ${rootId} have too many combinations to resolve; ask for narrower ranges`);
    if (queue.length === 0) {
      // a cycle among the chosen packs cannot be installed in any order
      const cycle = findCycles(new Map([...chosen].map(([n, c]) => [n, { dependencies: dependenciesOf(c.offer) }] as const)))[0];
      return cycle ? fail(conflict(`DependencyCycle: ${formatCycle(cycle.map((n) => `${n}@${chosen.get(n)!.offer.version}`))}; a pack in a cycle cannot be installed`)) : true;
    }
    const [req, ...rest] = queue as [Requirement, ...Requirement[]];
    const { dep } = req;
    const choice = chosen.get(dep.name);
    if (choice) {
      if (satisfies(choice.offer.version, dep.range)) return solve(rest);
      const why = choice.via ? `required by ${choice.via.by} as ${asked(choice.via.dep)}` : `asked for${request.range ? ` as ${request.name}@${request.range}` : ""}`;
      return fail(conflict(`${chainText(req)}, but ${dep.name} ${choice.offer.version} is being installed (${why})`));
    }
    const inPlace = others[dep.name];
    if (inPlace) {
      if (satisfies(inPlace.version, dep.range)) return solve(rest);
      const by = installedRequirers(others, dep.name);
      return fail(conflict(`${chainText(req)}, but ${dep.name} ${inPlace.version} is installed${by.length > 0 ? ` (required by ${by.join(", ")})` : ""}`));
    }
    const offering = firstOffering(sources, dep.name);
    if (!offering) return fail(conflict(`${chainText(req)}, which no source offers (searched: ${searched})`));
    const candidates = offering.offers.filter((o) => satisfies(o.version, dep.range));
    if (candidates.length === 0) {
      const versions = offering.offers.map((o) => o.version);
      return fail(conflict(`${chainText(req)}, but ${offering.source} offers ${dep.name} ${versions.length > 0 ? versions.join(", ") : "in no valid version"} only`));
    }
    for (const offer of candidates) {
      chosen.set(dep.name, { offer, source: offering.source, via: req });
      const id = `${offer.name}@${offer.version}`;
      const next = dependenciesOf(offer).map((d) => ({ dep: d, by: id, chain: [...req.chain, `${req.by} requires ${asked(req.dep)}`] }));
      if (solve([...rest, ...next])) return true;
      chosen.delete(dep.name);
    }
    return false;
  };

  if (!solve(initial)) throw firstConflict ?? conflict(`cannot resolve the dependencies of ${rootId}`);

  const packs: ResolvedPack[] = installOrder(chosen).map((name) => {
    const c = chosen.get(name)!;
    const isRoot = name === request.name;
    return {
      name,
      version: c.offer.version,
      layer: c.offer.layer,
      source: c.source,
      ...(isRoot && request.range !== undefined ? { range: request.range } : {}),
      requested: isRoot,
      ...(isRoot && current ? { replaces: current.version } : {}),
    };
  });
  return { packs };
}

/**
 * The chosen packs in install order: a pack after the chosen packs it depends on; among the
 * packs ready at each step, the lowest layer first, then by name.
 */
function installOrder(chosen: ReadonlyMap<string, Choice>): string[] {
  const deps = new Map<string, string[]>();
  for (const [name, c] of chosen) deps.set(name, dependenciesOf(c.offer).map((d) => d.name).filter((d) => chosen.has(d) && d !== name));
  const done = new Set<string>();
  const out: string[] = [];
  const rank = (name: string) => layerRank(chosen.get(name)!.offer.layer) ?? 99;
  while (out.length < chosen.size) {
    const ready = [...chosen.keys()].filter((n) => !done.has(n) && deps.get(n)!.every((d) => done.has(d)));
    // a cycle among chosen packs: take the rest as they come (planning refuses the cycle)
    const pool = ready.length > 0 ? ready : [...chosen.keys()].filter((n) => !done.has(n));
    pool.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    const next = pool[0]!;
    done.add(next);
    out.push(next);
  }
  return out;
}

/** The newest version of `name` in `source`'s offers satisfying `range` (any when undefined). */
export function newestIn(offers: readonly PackOffer[], name: string, range?: string): string | undefined {
  const versions = offers.filter((o) => o.name === name && satisfies(o.version, range)).map((o) => o.version);
  return versions.sort(semver.rcompare)[0];
}
