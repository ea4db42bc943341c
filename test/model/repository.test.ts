import { describe, expect, it } from "vitest";
import { buildRepository } from "../../src/model/repository.js";
import type { Repository } from "../../src/model/repository.js";
import { packOwnership } from "../../src/model/merge/index.js";

function repoOf(files: Record<string, string>): Repository {
  return buildRepository(Object.entries(files).map(([path, bytes]) => ({ path, bytes })));
}

const issuesOf = (repo: Repository, path: string) => repo.byPath.get(path)!.issues.map((i) => `${i.kind} ${i.pointer}`);

describe("buildRepository", () => {
  it("carries the typed config and keeps the value as written for lint", () => {
    const repo = repoOf({ "edict.yaml": "name: acme\nversion: 1\ntargets: { production: {} }\n" });
    expect(repo.config!.value).toStrictEqual({ name: "acme", targets: { production: {} } });
    expect(repo.config!.file.source.value).toEqual({ name: "acme", version: 1, targets: { production: {} } });
    expect(issuesOf(repo, "edict.yaml")).toEqual(["invalid-type /version"]);
  });

  it("validates nothing in a file that parsed to nothing", () => {
    const repo = repoOf({ "edict.yaml": "", ".edict/packs.yaml": "# no state yet\n" });
    expect(repo.config).toBeUndefined();
    expect(repo.packState).toBeUndefined();
    expect(issuesOf(repo, "edict.yaml")).toEqual([]);
    expect(issuesOf(repo, ".edict/packs.yaml")).toEqual([]);
  });

  it("owns no files through an installed pack that is left out of the state", () => {
    const repo = repoOf({
      ".edict/packs.yaml": [
        "format_version: v1",
        "installed_packs:",
        "  starter: { name: starter, version: 1.0.0, layer: foundation, files: [{ path: policies/starter__01__a.yaml }] }",
        "  broken: { name: broken, layer: domain, files: [{ path: policies/broken__01__a.yaml }] }",
        "",
      ].join("\n"),
    });
    expect(Object.keys(repo.packState!.value.installed_packs!)).toEqual(["starter"]);
    expect([...packOwnership(repo)]).toEqual([["policies/starter__01__a.yaml", { pack: "starter", layer: "foundation" }]]);
    expect(issuesOf(repo, ".edict/packs.yaml")).toEqual(["missing-required /installed_packs/broken"]);
  });

  it("lists a pack's metadata without a value when it cannot place the pack", () => {
    const repo = repoOf({ "packs/starter/metadata.yaml": "__pack_meta: { name: starter, version: 1.0.0 }\n" });
    expect(repo.packMetas.map((m) => [m.pack, m.value])).toEqual([["starter", undefined]]);
    expect(issuesOf(repo, "packs/starter/metadata.yaml")).toEqual(["missing-required /__pack_meta"]);
  });

  it("takes a policy's id and priority from its typed metadata, and skips a file of unknown kind", () => {
    const repo = repoOf({
      "policies/a.yaml": "apiVersion: edict/v1\nkind: AccessPolicy\nmetadata: { id: a, priority: high, targets: [staging, 5] }\nspec: { Version: \"2024-12-02\" }\n",
      "policies/b.yaml": "apiVersion: edict/v1\nkind: Policy\n",
    });
    expect(repo.policies.map((e) => [e.file.path, e.id, e.priority, e.document.metadata])).toEqual([["policies/a.yaml", "a", undefined, { id: "a", targets: ["staging"] }]]);
    expect(issuesOf(repo, "policies/a.yaml")).toEqual(["invalid-type /metadata/priority", "invalid-type /metadata/targets/1"]);
    expect(issuesOf(repo, "policies/b.yaml")).toEqual(["invalid-value /kind"]);
  });
});
