/** edict.yaml: its schema issues and the config as `EdictConfig`. */
import { isRecord } from "../../engine/record.js";
import { CONFIG_SCHEMA, DEFAULT_ACTIONS, RULE_SETTINGS } from "../schemas/repository.js";
import { validateAgainstSchema } from "../schemas/validate.js";
import type { EdictConfig, PackSourceConfig, TargetOptions } from "../types.js";
import { compact, listOf, mapOf, oneOf, recordOf, stringOf, stringsOf } from "./typed-view.js";
import type { Validated } from "./typed-view.js";

/**
 * Validates a parsed edict.yaml. The config is undefined only when the file is not a mapping;
 * without a name or targets it is still read, so lint and the merge see whatever it does hold.
 *
 * @example
 * const { value, issues } = validateConfig({ name: "acme", version: 1, targets: { production: {} } });
 * // value: { name: "acme", targets: { production: {} } }; issues: [{ pointer: "/version", kind: "invalid-type", … }]
 */
export function validateConfig(value: unknown): Validated<EdictConfig> {
  const issues = validateAgainstSchema(CONFIG_SCHEMA, value);
  if (!isRecord(value)) return { value: undefined, issues };
  const config: EdictConfig = compact({
    name: stringOf(value.name),
    version: stringOf(value.version),
    targets: mapOf(value.targets, targetOptionsOf),
    bundle: recordOf(value.bundle, (b) => compact({ expires: stringOf(b.expires), tag_prefix: stringOf(b.tag_prefix) })),
    lint: recordOf(value.lint, (l) => compact({ rules: mapOf(l.rules, (s) => oneOf(s, RULE_SETTINGS)), ignore: stringsOf(l.ignore) })),
    packs: recordOf(value.packs, (p) => compact({ source: stringOf(p.source), sources: listOf(p.sources, packSourceOf) })),
  });
  return { value: config, issues };
}

/** A target is named by its key: one whose options are not a mapping is still a target, with none. */
function targetOptionsOf(value: unknown): TargetOptions {
  return recordOf(value, (o) => compact({ default_action: oneOf(o.default_action, DEFAULT_ACTIONS), description: stringOf(o.description) })) ?? {};
}

/**
 * A `packs.sources` entry is read when it has a string name; its other fields as they are typed.
 * Which combinations make sense (url or git, keys for a url) is lint's business.
 */
function packSourceOf(value: unknown): PackSourceConfig | undefined {
  return recordOf(value, (s) => {
    const name = stringOf(s.name);
    if (name === undefined) return undefined;
    return compact({ name, url: stringOf(s.url), keys: stringsOf(s.keys), token_env: stringOf(s.token_env), git: stringOf(s.git), ref: stringOf(s.ref) });
  });
}
