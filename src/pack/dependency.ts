/** Pack dependencies: `"starter"` or `"starter@^1.0.0"` (a semver range). */
import semver from "semver";
import { packNameProblem } from "./names.js";

export interface Dependency {
  /** As written in metadata.yaml. */
  raw: string;
  name: string;
  /** A valid semver range, when one is given. */
  range?: string;
}

export type DependencyParse = { ok: true; dependency: Dependency } | { ok: false; message: string };

/** Parses one entry of `dependencies`; never throws. */
export function parseDependency(raw: string): DependencyParse {
  const at = raw.indexOf("@");
  const name = (at < 0 ? raw : raw.slice(0, at)).trim();
  const nameProblem = packNameProblem(name);
  if (nameProblem) return { ok: false, message: `dependency "${raw}": ${nameProblem}` };
  if (at < 0) return { ok: true, dependency: { raw, name } };
  const range = raw.slice(at + 1).trim();
  if (range === "" || semver.validRange(range) === null) {
    return { ok: false, message: `dependency "${raw}": "${range}" is not a semver range (expected e.g. "${name}@^1.0.0")` };
  }
  return { ok: true, dependency: { raw, name, range } };
}

/** True when `version` satisfies the dependency's range (or no range is given). */
export function satisfiesDependency(dependency: Dependency, version: string): boolean {
  if (dependency.range === undefined) return true;
  const v = semver.valid(version);
  return v !== null && semver.satisfies(v, dependency.range);
}
