/**
 * Shared reading of edict.yaml's `packs.sources` for the pack source rules: every entry that is
 * a mapping, with its index and pointers, from the file as written (so positions stay exact even
 * when an entry is invalid and left out of the typed config).
 */
import { isRecord } from "../../engine/record.js";
import { getAtPointer, joinPointer } from "../../model/pointer.js";
import type { RepoFile, Repository } from "../../model/repository.js";

export interface ConfiguredSourceEntry {
  index: number;
  /** `/packs/sources/<index>` */
  pointer: string;
  name?: string;
  url?: string;
  git?: string;
  token_env?: string;
  /** Present when `keys` is a list: its string items with their pointers. */
  keys?: Array<{ path: string; pointer: string }>;
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** The `packs.sources` entries of edict.yaml, or undefined when there is no such list. */
export function configuredSources(repo: Repository): { file: RepoFile; sources: ConfiguredSourceEntry[] } | undefined {
  const file = repo.config?.file;
  const list = getAtPointer(file?.source.value, "/packs/sources");
  if (!file || !Array.isArray(list)) return undefined;
  const sources: ConfiguredSourceEntry[] = [];
  list.forEach((raw, index) => {
    if (!isRecord(raw)) return;
    const pointer = joinPointer("/packs/sources", index);
    const entry: ConfiguredSourceEntry = { index, pointer };
    const name = str(raw.name);
    const url = str(raw.url);
    const git = str(raw.git);
    const tokenEnv = str(raw.token_env);
    if (name !== undefined) entry.name = name;
    if (url !== undefined) entry.url = url;
    if (git !== undefined) entry.git = git;
    if (tokenEnv !== undefined) entry.token_env = tokenEnv;
    if (Array.isArray(raw.keys)) {
      entry.keys = [];
      raw.keys.forEach((k, i) => {
        if (typeof k === "string") entry.keys!.push({ path: k, pointer: joinPointer(`${pointer}/keys`, i) });
      });
    }
    sources.push(entry);
  });
  return { file, sources };
}

/** `packs.sources[2]`, for messages. */
export function sourceLabel(index: number): string {
  return `packs.sources[${index}]`;
}
