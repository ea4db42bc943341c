/** An in-memory pack source offering several versions of its packs, for resolution, planning and CLI tests. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EdictError } from "../../src/errors.js";
import { toShippedPack } from "../../src/pack/index.js";
import type { ShippedPack } from "../../src/pack/index.js";
import type { FetchedPack, PackOffer, PackSource } from "../../src/pack/sources/types.js";

const enc = new TextEncoder();

export interface FakeSource extends PackSource {
  /** Adds a version: files relative to the pack folder (`metadata.yaml`, `policies/01_x.yaml`). */
  add(name: string, files: Record<string, string>): ShippedPack;
  /** How many fetches were made (a reinstall fetches each pack once). */
  fetches: Array<{ name: string; version: string; pin?: string }>;
}

export function fakeSource(sourceName: string): FakeSource {
  const packs: ShippedPack[] = [];
  const resolvedOf = (p: ShippedPack) => `fake://${sourceName}/${p.name}-${p.version}.pack.json#${p.checksum}`;
  const source: FakeSource = {
    name: sourceName,
    kind: "url",
    fetches: [],
    add(name, files) {
      const read = toShippedPack(name, Object.entries(files).map(([path, text]) => ({ path, bytes: enc.encode(text) })));
      if (!read.pack) throw new Error(`fixture pack ${name} unreadable: ${read.problems.map((p) => p.message).join("; ")}`);
      packs.push(read.pack);
      return read.pack;
    },
    async offers(): Promise<PackOffer[]> {
      return packs
        .map((p) => ({ name: p.name, version: p.version, layer: p.layer, dependencies: p.dependencies.map((d) => d.raw), source: sourceName }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version < b.version ? -1 : 1));
    },
    async fetch(name, version, pin): Promise<FetchedPack> {
      source.fetches.push({ name, version, ...(pin !== undefined ? { pin } : {}) });
      const pack = packs.find((p) => p.name === name && p.version === version);
      if (!pack) throw new EdictError("PACK_SOURCE_ERROR", `${sourceName} has no ${name} ${version}`);
      if (pin !== undefined && pin !== resolvedOf(pack)) throw new EdictError("PACK_PIN_MISMATCH", `${name} ${version} from ${sourceName} is not ${pin}`);
      return { pack, origin: { source: sourceName, resolved: resolvedOf(pack) } };
    },
  };
  return source;
}

/** A source whose reading fails, as an unreachable host does. */
export function unreachableSource(sourceName: string): PackSource {
  const fail = async (): Promise<never> => {
    throw new EdictError("PACK_SOURCE_ERROR", `cannot reach ${sourceName}`);
  };
  return { name: sourceName, kind: "url", offers: fail, fetch: fail };
}

/** The files of one of edict's shipped packs (packs/<name>/), relative to the pack folder, with edits applied. */
export function shippedPackFiles(name: string, edit: (path: string, text: string) => string = (_p, t) => t): Record<string, string> {
  const dir = join(import.meta.dirname, "..", "..", "packs", name);
  const out: Record<string, string> = { "metadata.yaml": edit("metadata.yaml", readFileSync(join(dir, "metadata.yaml"), "utf8")) };
  for (const f of readdirSync(join(dir, "policies")).sort()) out[`policies/${f}`] = edit(`policies/${f}`, readFileSync(join(dir, "policies", f), "utf8"));
  return out;
}
