/** JSON Schemas of the repository files: edict.yaml, pack metadata.yaml, .edict/packs.yaml. */
import { LAYERS } from "../../engine/vocabulary.js";
import { int, list, map, obj, str, strEnum } from "./builders.js";
import type { Schema } from "./builders.js";

export const NAME_PATTERN = "^[a-z0-9][a-z0-9_-]*$";
/** What a target does with a request no policy decides. */
export const DEFAULT_ACTIONS = ["allow", "deny"] as const;
/** The settings of a lint rule in edict.yaml's `lint.rules`. */
export const RULE_SETTINGS = ["error", "warning", "info", "off"] as const;
/** The one `format_version` of .edict/packs.yaml. */
export const PACK_STATE_FORMAT_VERSION = "v1";

/** The name of an environment variable (`token_env`). */
export const ENV_NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$";

/** One entry of `packs.sources`: exactly one of `url` and `git` (lint checks the combinations). */
const packSource = obj(
  {
    name: str({ description: "The source's name, recorded in .edict/packs.yaml for the packs it gives" }, { pattern: NAME_PATTERN }),
    url: str({ description: "An index written by `edict pack publish`: https://, http://, file:// or a local path" }),
    keys: list(str({ description: "A public key file, relative to the repository root" }), { description: "Every pack from a url source must be signed by one of these keys" }),
    token_env: str({ description: "Environment variable holding a bearer token for a private url host" }, { pattern: ENV_NAME_PATTERN }),
    git: str({ description: "A git repository with packs under packs/<name>/ (a URL or a local path)" }),
    ref: str({ description: "Branch or tag of a git source; default: the remote's default branch" }),
  },
  ["name"],
);

export const CONFIG_SCHEMA: Schema = {
  $id: "https://edict.dev/schemas/edict.json",
  title: "edict.yaml",
  ...obj(
    {
      name: str({ description: "Bundle name" }, { pattern: NAME_PATTERN }),
      version: str({ "x-format": "semver", description: "Version before the first release" }),
      targets: map(obj({ default_action: strEnum(DEFAULT_ACTIONS, { "x-looser": "review" }), description: str() }), {}, {
        propertyNames: { pattern: NAME_PATTERN },
        minProperties: 1,
      }),
      bundle: obj({
        expires: str({ "x-format": "duration" }),
        tag_prefix: str({}, { pattern: "^[A-Za-z0-9._/-]*$" }),
      }),
      lint: obj({
        rules: map(strEnum(RULE_SETTINGS)),
        ignore: list(str({ "x-format": "glob" })),
      }),
      packs: obj({
        source: str({ description: "Folder of shipped packs, default packs/" }),
        sources: list(packSource, { description: "Where else packs come from, searched in order after the repository's own folder and before the built-in library" }),
      }),
    },
    ["name", "targets"],
  ),
};

export const PACK_META_SCHEMA: Schema = {
  $id: "https://edict.dev/schemas/pack-metadata.json",
  title: "pack metadata.yaml",
  ...obj(
    {
      __pack_meta: obj(
        {
          name: str({}, { pattern: NAME_PATTERN }),
          version: str({ "x-format": "semver" }),
          layer: strEnum(LAYERS),
          description: str(),
          dependencies: list(str({ "x-format": "semver-range" })),
          priority_band: obj({ min: int({}, { minimum: 0, maximum: 9999 }), max: int({}, { minimum: 0, maximum: 9999 }) }, ["min", "max"]),
        },
        ["name", "version", "layer"],
      ),
    },
    ["__pack_meta"],
  ),
};

const installedFile = obj({ path: str(), policy_id: str(), sha256: str({}, { pattern: "^[0-9a-f]{64}$" }) }, ["path"]);

export const PACK_STATE_SCHEMA: Schema = {
  $id: "https://edict.dev/schemas/pack-state.json",
  title: ".edict/packs.yaml",
  ...obj(
    {
      format_version: { const: PACK_STATE_FORMAT_VERSION },
      installed_packs: map(
        obj(
          {
            name: str({}, { pattern: NAME_PATTERN }),
            version: str({ "x-format": "semver" }),
            layer: strEnum(LAYERS),
            installed_at: str({ "x-format": "date-time" }),
            pack_checksum: str({}, { pattern: "^sha256:[0-9a-f]{64}$" }),
            source: str({ description: "The source the pack came from: repository, a packs.sources name, or builtin (absent: repository)" }, { pattern: NAME_PATTERN }),
            resolved: str({ description: "What pins the exact content: the envelope URL and its sha256, the git commit and path, or the pack checksum" }),
            range: str({ description: "The version range asked for at install; upgrades stay within it", "x-format": "version-range" }),
            files: list(installedFile),
          },
          ["name", "version", "layer", "files"],
        ),
      ),
    },
    ["format_version"],
  ),
};
