import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EdictError, isEdictError } from "../../../src/errors.js";
import { packSourcesOf } from "../../../src/pack/sources/index.js";
import { CONFIG, packFiles, repoOf } from "../fixtures.js";
import { makeRemote } from "./git-remote.js";

const env = {};

async function refusal(promise: Promise<unknown>): Promise<EdictError> {
  try {
    await promise;
  } catch (e) {
    if (isEdictError(e)) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

function withSources(yaml: string) {
  return repoOf({ "edict.yaml": `${CONFIG}packs:\n  sources:\n${yaml}` });
}

describe("packSourcesOf", () => {
  it("searches the repository's folder, then the configured sources in order, then the built-in library", () => {
    const repo = withSources(
      "    - { name: acme, url: https://packs.acme.example/edict/index.json, keys: [keys/acme.pub] }\n" +
        "    - { name: shared, git: https://github.com/acme/edict-packs.git, ref: main }\n" +
        "    - { name: local, url: file:///srv/packs/index.json, keys: [keys/local.pub] }\n",
    );
    const sources = packSourcesOf(repo, "/nowhere", { env });
    expect(sources.map((s) => `${s.name}:${s.kind}`)).toEqual(["repository:repository", "acme:url", "shared:git", "local:url", "builtin:builtin"]);
  });

  it("has just the repository and the built-in library when no sources are configured", () => {
    expect(packSourcesOf(repoOf({}), "/nowhere", { env }).map((s) => s.name)).toEqual(["repository", "builtin"]);
  });

  it("builds the list even when a source is misconfigured; using that source is refused with CONFIG_ERROR", async () => {
    const repo = withSources(
      "    - { name: builtin, git: https://example.com/p.git }\n" +
        "    - { name: twice, git: https://example.com/a.git }\n" +
        "    - { name: twice, git: https://example.com/b.git }\n" +
        "    - { name: both, git: https://example.com/p.git, url: https://example.com/index.json }\n" +
        "    - { name: neither }\n",
    );
    const sources = packSourcesOf(repo, "/nowhere", { env });
    expect(sources.map((s) => s.name)).toEqual(["repository", "builtin", "twice", "twice", "both", "neither", "builtin"]);
    const messages: string[] = [];
    for (const source of [sources[1]!, sources[3]!, sources[4]!, sources[5]!]) {
      const e = await refusal(source.offers());
      expect(e.code).toBe("CONFIG_ERROR");
      expect(e.position).toEqual({ file: "edict.yaml" });
      messages.push(e.message);
    }
    expect(messages).toEqual([
      'packs.sources[0]: the name "builtin" is reserved for the packs edict ships; choose another (`edict lint` shows where)',
      'packs.sources[2]: another source is already named "twice"; names must be unique (`edict lint` shows where)',
      "packs.sources[3] (both) needs exactly one of url (an index written by `edict pack publish`) and git (a repository) (`edict lint` shows where)",
      "packs.sources[4] (neither) needs exactly one of url (an index written by `edict pack publish`) and git (a repository) (`edict lint` shows where)",
    ]);
    expect((await refusal(sources[4]!.fetch("x", "1.0.0"))).code).toBe("CONFIG_ERROR");
  });

  it("reads a git source configured in edict.yaml, after the repository's own packs", async () => {
    const remote = makeRemote();
    remote.push({ ...packFiles("shared_pack", { version: "2.0.0" }), ...packFiles("local", { version: "9.0.0" }) });
    const root = mkdtempSync(join(tmpdir(), "edict-factory-"));
    const repo = repoOf({ "edict.yaml": `${CONFIG}packs:\n  sources:\n    - { name: shared, git: ${JSON.stringify(remote.url)} }\n` });
    const [, shared] = packSourcesOf(repo, root, { env });
    expect((await shared!.offers()).map((o) => `${o.source}/${o.name}@${o.version}`)).toEqual(["shared/local@9.0.0", "shared/shared_pack@2.0.0"]);
  });
});
