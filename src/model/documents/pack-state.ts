/** The installed-pack state .edict/packs.yaml: its schema issues and the state as `PackState`. */
import { isRecord } from "../../engine/record.js";
import { LAYERS } from "../../engine/vocabulary.js";
import { PACK_STATE_FORMAT_VERSION, PACK_STATE_SCHEMA } from "../schemas/repository.js";
import { validateAgainstSchema } from "../schemas/validate.js";
import type { InstalledPack, InstalledPackFile, PackState } from "../types.js";
import { compact, listOf, mapOf, oneOf, stringOf } from "./typed-view.js";
import type { Validated } from "./typed-view.js";

/**
 * Validates a parsed .edict/packs.yaml. The state is undefined only when the file is not a
 * mapping; an installed pack without a string name and version, a known layer and a list of
 * files is left out, and so is a file entry without a string path.
 */
export function validatePackState(value: unknown): Validated<PackState> {
  const issues = validateAgainstSchema(PACK_STATE_SCHEMA, value);
  if (!isRecord(value)) return { value: undefined, issues };
  const state: PackState = compact({
    format_version: oneOf(value.format_version, [PACK_STATE_FORMAT_VERSION]),
    installed_packs: mapOf(value.installed_packs, installedPackOf),
  });
  return { value: state, issues };
}

function installedPackOf(value: unknown): InstalledPack | undefined {
  if (!isRecord(value)) return undefined;
  const name = stringOf(value.name);
  const version = stringOf(value.version);
  const layer = oneOf(value.layer, LAYERS);
  const files = listOf(value.files, installedFileOf);
  if (name === undefined || version === undefined || layer === undefined || files === undefined) return undefined;
  return compact({
    name,
    version,
    layer,
    installed_at: stringOf(value.installed_at),
    pack_checksum: stringOf(value.pack_checksum),
    source: stringOf(value.source),
    resolved: stringOf(value.resolved),
    range: stringOf(value.range),
    files,
  });
}

function installedFileOf(value: unknown): InstalledPackFile | undefined {
  if (!isRecord(value)) return undefined;
  const path = stringOf(value.path);
  return path === undefined ? undefined : compact({ path, policy_id: stringOf(value.policy_id), sha256: stringOf(value.sha256) });
}
