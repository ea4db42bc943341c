/**
 * The Action's inputs, read once and validated: a bad value fails the step with a
 * message naming the input and what it accepts, before anything else happens.
 */
import { EdictError } from "../errors.js";
import { suggest } from "../model/suggest.js";

export const MODES = ["auto", "check", "publish", "refresh", "packs"] as const;
export type Mode = (typeof MODES)[number];

/** What fails the check: lint errors always; `warning` adds warnings, `loosened` adds any loosening. */
export const FAIL_ON = ["error", "warning", "loosened"] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface ActionInputs {
  mode: Mode;
  githubToken: string;
  /** PEM or base64 private key; "" when not given. Never printed. */
  signingKey: string;
  /** The policy repository's root, relative to the workspace. */
  workingDirectory: string;
  /** Only these targets in the diff (empty: every target). */
  targets: string[];
  failOn: FailOn;
  comment: boolean;
  /** Overrides edict.yaml's `bundle.tag_prefix` when set. */
  tagPrefix?: string;
  /** Where to write a SARIF log, relative to the workspace. */
  sarif?: string;
  /** The diff's budget of regions per target before it reports "not proven" (default: the diff's own). */
  maxRegions?: number;
  /** packs mode: propose upgrades beyond the installed ranges (`edict pack upgrade --latest`); set only when true. */
  packsLatest?: boolean;
  /** publish: also publish the repository's packs into this folder (relative to the workspace) and attach them to the release. */
  packsOut?: string;
  /** publish: also push the bundle to this OCI repository (`ghcr.io/OWNER/REPO`) as the version and latest. */
  oci?: string;
}

/** The input names of action.yml. */
export const INPUT_NAMES = ["mode", "github-token", "signing-key", "working-directory", "targets", "fail-on", "comment", "tag-prefix", "sarif", "max-regions", "packs-latest", "packs-out", "oci"] as const;
export type InputName = (typeof INPUT_NAMES)[number];

function choice<T extends string>(name: InputName, value: string, choices: readonly T[], fallback: T): T {
  const v = value.trim();
  if (v === "") return fallback;
  if ((choices as readonly string[]).includes(v)) return v as T;
  const near = suggest(v, choices);
  throw new EdictError("USAGE", `input ${name} must be one of ${choices.join(", ")}, got ${JSON.stringify(v.slice(0, 40))}${near ? `; did you mean "${near}"?` : ""}`);
}

/** YAML 1.2 core booleans, as `core.getBooleanInput` reads them. */
function bool(name: InputName, value: string, fallback: boolean): boolean {
  const v = value.trim();
  if (v === "") return fallback;
  if (["true", "True", "TRUE"].includes(v)) return true;
  if (["false", "False", "FALSE"].includes(v)) return false;
  throw new EdictError("USAGE", `input ${name} must be true or false, got ${JSON.stringify(v.slice(0, 40))}`);
}

/** "a, b" or one per line → ["a", "b"]. */
export function parseList(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/**
 * Validates the raw input strings (`get` returns "" for an input not given).
 *
 * @example parseInputs((name) => process.env[`INPUT_${name.toUpperCase()}`] ?? "")
 */
export function parseInputs(get: (name: InputName) => string): ActionInputs {
  const tagPrefix = get("tag-prefix").trim();
  const sarif = get("sarif").trim();
  const inputs: ActionInputs = {
    mode: choice("mode", get("mode"), MODES, "auto"),
    githubToken: get("github-token").trim(),
    signingKey: get("signing-key"),
    workingDirectory: get("working-directory").trim() || ".",
    targets: parseList(get("targets")),
    failOn: choice("fail-on", get("fail-on"), FAIL_ON, "error"),
    comment: bool("comment", get("comment"), true),
  };
  if (tagPrefix !== "") {
    // a tag prefix with spaces or ".." makes a tag name git refuses
    if (!/^[A-Za-z0-9][A-Za-z0-9._\/-]*$/.test(tagPrefix) || tagPrefix.includes("..")) {
      throw new EdictError("USAGE", `input tag-prefix ${JSON.stringify(tagPrefix.slice(0, 40))} is not usable in a git tag; use letters, digits, ".", "_", "-" or "/", e.g. policy-v`);
    }
    inputs.tagPrefix = tagPrefix;
  }
  if (sarif !== "") inputs.sarif = sarif;
  const maxRegions = get("max-regions").trim();
  if (maxRegions !== "") {
    if (!/^\d+$/.test(maxRegions)) throw new EdictError("USAGE", `input max-regions must be a whole number, got ${JSON.stringify(maxRegions.slice(0, 40))}`);
    inputs.maxRegions = Number(maxRegions);
  }
  if (bool("packs-latest", get("packs-latest"), false)) inputs.packsLatest = true;
  const packsOut = get("packs-out").trim();
  if (packsOut !== "") inputs.packsOut = packsOut;
  const oci = get("oci").trim();
  if (oci !== "") inputs.oci = oci;
  return inputs;
}
