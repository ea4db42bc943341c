import fc from "fast-check";
import semver from "semver";
import { describe, expect, it } from "vitest";
import { EdictError } from "../../src/errors.js";
import { parseDependency } from "../../src/pack/dependency.js";
import { resolveInstall } from "../../src/pack/resolve.js";
import type { InstalledVersion, Resolution, ResolveOptions, SourceOffers } from "../../src/pack/resolve.js";
import type { PackOffer } from "../../src/pack/sources/types.js";
import type { PackRequest } from "../../src/pack/plan.js";

type Layer = PackOffer["layer"];

function offer(source: string, name: string, version: string, dependencies: string[] = [], layer: Layer = "foundation"): PackOffer {
  return { name, version, layer, dependencies, source };
}

function src(source: string, ...offers: Array<[string, string, string[]?, Layer?]>): SourceOffers {
  return { source, offers: offers.map(([n, v, d, l]) => offer(source, n, v, d ?? [], l ?? "foundation")) };
}

function refusal(fn: () => unknown): EdictError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EdictError);
    return e as EdictError;
  }
  throw new Error("expected a refusal");
}

const picked = (r: Resolution) => r.packs.map((p) => `${p.name}@${p.version}:${p.source}`);

describe("resolveInstall", () => {
  it("takes the highest version satisfying the range from the first source offering the name", () => {
    const sources = [src("repository"), src("acme", ["hipaa", "1.0.0"], ["hipaa", "1.2.0"], ["hipaa", "2.0.0"]), src("builtin", ["hipaa", "3.0.0"])];
    expect(picked(resolveInstall(sources, {}, { name: "hipaa" }))).toEqual(["hipaa@2.0.0:acme"]);
    expect(picked(resolveInstall(sources, {}, { name: "hipaa", range: "^1.0.0" }))).toEqual(["hipaa@1.2.0:acme"]);
    // builtin's 3.0.0 never fills in for acme, even when acme has nothing in range
    const e = refusal(() => resolveInstall(sources, {}, { name: "hipaa", range: "^3.0.0" }));
    expect(e.code).toBe("PACK_ERROR");
    expect(e.message).toContain("acme offers hipaa 2.0.0, 1.2.0, 1.0.0; none satisfies ^3.0.0");
  });

  it("pulls in missing dependencies, foundation before domain, each after what it needs", () => {
    const sources = [
      src("builtin", ["hipaa", "1.0.0", ["starter"], "domain"], ["starter", "1.0.0", [], "foundation"], ["audit", "1.0.0", ["starter"], "foundation"], ["ai", "1.0.0", ["audit", "hipaa"], "custom"]),
    ];
    const r = resolveInstall(sources, {}, { name: "ai" });
    expect(r.packs.map((p) => [p.name, p.layer, p.requested])).toEqual([
      ["starter", "foundation", false],
      ["audit", "foundation", false],
      ["hipaa", "domain", false],
      ["ai", "custom", true],
    ]);
  });

  it("keeps an installed dependency that satisfies the range", () => {
    const sources = [src("builtin", ["hipaa", "1.0.0", ["starter@^1.0.0"], "domain"], ["starter", "1.5.0"])];
    expect(picked(resolveInstall(sources, { starter: { version: "1.0.0" } }, { name: "hipaa" }))).toEqual(["hipaa@1.0.0:builtin"]);
  });

  it("refuses a conflict with an installed pack, showing the chain of requirements", () => {
    const sources = [src("builtin", ["hipaa", "1.2.0", ["starter@^2.0.0"], "domain"], ["starter", "1.0.0"], ["starter", "2.0.0"])];
    const installed: Record<string, InstalledVersion> = {
      starter: { version: "1.0.0", dependencies: [] },
      financial_compliance: { version: "1.0.0", dependencies: ["starter@^1.0.0"] },
    };
    const e = refusal(() => resolveInstall(sources, installed, { name: "hipaa" }));
    expect(e.code).toBe("PACK_CONFLICT");
    expect(e.message).toBe("hipaa@1.2.0 requires starter@^2.0.0, but starter 1.0.0 is installed (required by financial_compliance@1.0.0 as starter@^1.0.0)");
  });

  it("shows every link of a transitive conflict", () => {
    const sources = [src("builtin", ["app", "1.0.0", ["mid@^1.0.0"]], ["mid", "1.3.0", ["base@^3.0.0"]], ["base", "3.0.0"])];
    const e = refusal(() => resolveInstall(sources, { base: { version: "2.0.0" } }, { name: "app" }));
    expect(e.code).toBe("PACK_CONFLICT");
    expect(e.message).toBe("app@1.0.0 requires mid@^1.0.0; mid@1.3.0 requires base@^3.0.0, but base 2.0.0 is installed");
  });

  it("refuses a dependency no source offers, or none in range", () => {
    const none = refusal(() => resolveInstall([src("builtin", ["hipaa", "1.0.0", ["starter"]])], {}, { name: "hipaa" }));
    expect(none.code).toBe("PACK_CONFLICT");
    expect(none.message).toBe("hipaa@1.0.0 requires starter, which no source offers (searched: builtin)");
    const range = refusal(() => resolveInstall([src("builtin", ["hipaa", "1.0.0", ["starter@^2.0.0"]], ["starter", "1.0.0"])], {}, { name: "hipaa" }));
    expect(range.code).toBe("PACK_CONFLICT");
    expect(range.message).toBe("hipaa@1.0.0 requires starter@^2.0.0, but builtin offers starter 1.0.0 only");
  });

  it("revisits a dependency's version when a later requirement narrows it", () => {
    const sources = [src("builtin", ["app", "1.0.0", ["a", "b"]], ["a", "1.0.0", ["c@>=1.0.0"]], ["b", "1.0.0", ["c@^1.0.0"]], ["c", "1.0.0"], ["c", "2.0.0"])];
    expect(picked(resolveInstall(sources, {}, { name: "app" })).sort()).toEqual(["a@1.0.0:builtin", "app@1.0.0:builtin", "b@1.0.0:builtin", "c@1.0.0:builtin"]);
  });

  it("refuses dependencies in a cycle", () => {
    const e = refusal(() => resolveInstall([src("builtin", ["a", "1.0.0", ["b"]], ["b", "1.0.0", ["a"]])], {}, { name: "a" }));
    expect(e.code).toBe("PACK_CONFLICT");
    expect(e.message).toBe("DependencyCycle: a@1.0.0 → b@1.0.0 → a@1.0.0; a pack in a cycle cannot be installed");
  });

  it("--no-deps resolves the requested pack alone", () => {
    const sources = [src("builtin", ["hipaa", "1.0.0", ["starter"], "domain"], ["starter", "1.0.0"])];
    expect(picked(resolveInstall(sources, {}, { name: "hipaa" }, { noDeps: true }))).toEqual(["hipaa@1.0.0:builtin"]);
  });

  it("refuses a version below the installed one unless allowed", () => {
    const sources = [src("builtin", ["starter", "1.0.0"], ["starter", "2.0.0"])];
    const e = refusal(() => resolveInstall(sources, { starter: { version: "2.0.0" } }, { name: "starter", range: "^1.0.0" }));
    expect(e.code).toBe("PACK_DOWNGRADE");
    expect(e.message).toContain("--allow-downgrade");
    const r = resolveInstall(sources, { starter: { version: "2.0.0" } }, { name: "starter", range: "^1.0.0" }, { allowDowngrade: true });
    expect(r.packs).toEqual([{ name: "starter", version: "1.0.0", layer: "foundation", source: "builtin", range: "^1.0.0", requested: true, replaces: "2.0.0" }]);
  });

  it("names the nearest pack when none is offered", () => {
    const e = refusal(() => resolveInstall([src("repository"), src("builtin", ["hipaa", "1.0.0"])], {}, { name: "hipa" }));
    expect(e.code).toBe("PACK_ERROR");
    expect(e.message).toContain("no pack named hipa in any source (searched: repository, builtin); did you mean hipaa?");
  });
});

// ---- property: the resolver agrees with a brute-force search over every assignment ----

const NAMES = ["p0", "p1", "p2", "p3"] as const;
const VERSIONS = ["1.0.0", "1.1.0", "2.0.0"] as const;
const RANGES = ["", "^1.0.0", "^2.0.0", ">=1.1.0", "1.0.0"] as const;

interface World {
  sources: SourceOffers[];
  installed: Record<string, InstalledVersion>;
  request: PackRequest;
  options: ResolveOptions;
}

const offerArb = fc.record({
  name: fc.constantFrom(...NAMES),
  version: fc.constantFrom(...VERSIONS),
  deps: fc.uniqueArray(fc.record({ name: fc.constantFrom(...NAMES), range: fc.constantFrom(...RANGES) }), { maxLength: 2, selector: (d) => d.name }),
});

const worldArb: fc.Arbitrary<World> = fc
  .record({
    sources: fc.array(fc.array(offerArb, { maxLength: 7 }), { minLength: 1, maxLength: 3 }),
    installed: fc.dictionary(fc.constantFrom(...NAMES), fc.constantFrom(...VERSIONS), { maxKeys: 2 }),
    name: fc.constantFrom(...NAMES),
    range: fc.constantFrom(...RANGES),
    noDeps: fc.boolean(),
    allowDowngrade: fc.boolean(),
  })
  .map(({ sources, installed, name, range, noDeps, allowDowngrade }) => ({
    sources: sources.map((list, i) => {
      const seen = new Set<string>();
      const offers: PackOffer[] = [];
      for (const o of list) {
        if (seen.has(`${o.name}@${o.version}`)) continue;
        seen.add(`${o.name}@${o.version}`);
        const deps = o.deps.filter((d) => d.name !== o.name).map((d) => (d.range === "" ? d.name : `${d.name}@${d.range}`));
        offers.push(offer(`s${i}`, o.name, o.version, deps));
      }
      return { source: `s${i}`, offers };
    }),
    installed: Object.fromEntries(Object.entries(installed).map(([n, v]) => [n, { version: v }])),
    request: range === "" ? { name } : { name, range },
    options: { noDeps, allowDowngrade },
  }));

function sat(version: string, range: string | undefined): boolean {
  return range === undefined || semver.satisfies(version, range);
}

function home(w: World, name: string): PackOffer[] | undefined {
  for (const s of w.sources) {
    const offers = s.offers.filter((o) => o.name === name);
    if (offers.length > 0) return offers;
  }
  return undefined;
}

/** Whether the present packs' dependencies form a cycle. */
function cyclic(present: ReadonlyMap<string, PackOffer>): boolean {
  const state = new Map<string, number>();
  const visit = (n: string): boolean => {
    if (state.get(n) === 1) return true;
    if (state.get(n) === 2) return false;
    state.set(n, 1);
    for (const raw of present.get(n)!.dependencies) {
      const d = parseDependency(raw);
      if (d.ok && present.has(d.dependency.name) && visit(d.dependency.name)) return true;
    }
    state.set(n, 2);
    return false;
  };
  return [...present.keys()].some(visit);
}

/** Whether every present pack's dependencies are present and in range, without a cycle among them. */
function valid(w: World, present: ReadonlyMap<string, PackOffer>, noDeps: boolean): boolean {
  if (!noDeps && cyclic(present)) return false;
  for (const [, o] of present) {
    if (noDeps && o.name !== w.request.name) continue;
    if (noDeps) return true;
    for (const raw of o.dependencies) {
      const d = parseDependency(raw);
      if (!d.ok) return false;
      const chosen = present.get(d.dependency.name);
      const inPlace = d.dependency.name === w.request.name ? undefined : w.installed[d.dependency.name];
      const version = chosen?.version ?? inPlace?.version;
      if (version === undefined || !sat(version, d.dependency.range)) return false;
    }
  }
  return true;
}

/** "error code" or "ok": the answer a search over every assignment gives. */
function bruteForce(w: World): string {
  const rootOffers = home(w, w.request.name);
  if (!rootOffers) return "PACK_ERROR";
  const top = rootOffers.filter((o) => sat(o.version, w.request.range)).sort((a, b) => semver.rcompare(a.version, b.version))[0];
  if (!top) return "PACK_ERROR";
  const current = w.installed[w.request.name];
  if (current && semver.lt(top.version, current.version) && !w.options.allowDowngrade) return "PACK_DOWNGRADE";
  if (w.options.noDeps) return "ok";
  const free = NAMES.filter((n) => n !== w.request.name && !w.installed[n]);
  const search = (i: number, present: Map<string, PackOffer>): boolean => {
    if (i === free.length) return valid(w, present, false);
    if (search(i + 1, present)) return true;
    for (const o of home(w, free[i]!) ?? []) {
      present.set(o.name, o);
      if (search(i + 1, present)) return true;
      present.delete(o.name);
    }
    return false;
  };
  return search(0, new Map([[top.name, top]])) ? "ok" : "PACK_CONFLICT";
}

describe("resolveInstall against a brute-force search", () => {
  it("succeeds exactly when some assignment satisfies every range, and returns one that does", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const expected = bruteForce(w);
        let result: Resolution | undefined;
        let code = "ok";
        try {
          result = resolveInstall(w.sources, w.installed, w.request, w.options);
        } catch (e) {
          if (!(e instanceof EdictError)) throw e;
          code = e.code;
        }
        expect(code).toBe(expected);
        if (!result) return;
        const present = new Map(result.packs.map((p) => [p.name, home(w, p.name)!.find((o) => o.version === p.version)!] as const));
        // each pack comes from the first source offering its name
        for (const p of result.packs) expect(p.source).toBe(w.sources.find((s) => s.offers.some((o) => o.name === p.name))!.source);
        // the requested pack is the highest in range; nothing installed is replaced but it
        const root = result.packs.find((p) => p.requested)!;
        expect(root.version).toBe(home(w, w.request.name)!.filter((o) => sat(o.version, w.request.range)).sort((a, b) => semver.rcompare(a.version, b.version))[0]!.version);
        for (const p of result.packs) if (!p.requested) expect(w.installed[p.name]).toBeUndefined();
        expect(valid(w, present, w.options.noDeps ?? false)).toBe(true);
        // install order: every pack after the chosen packs it depends on
        const at = new Map(result.packs.map((p, i) => [p.name, i] as const));
        for (const p of result.packs) {
          for (const raw of present.get(p.name)!.dependencies) {
            const d = parseDependency(raw);
            if (d.ok && at.has(d.dependency.name) && !w.options.noDeps) expect(at.get(d.dependency.name)!).toBeLessThan(at.get(p.name)!);
          }
        }
        // nothing chosen that no chosen pack needs
        if (w.options.noDeps) expect(result.packs).toHaveLength(1);
      }),
      { numRuns: 600, seed: Number(process.env.EDICT_PROPERTY_SEED ?? 18) },
    );
  });
});
