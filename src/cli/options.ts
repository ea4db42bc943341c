/** Option parsers that turn bad values into usage errors (exit 2) with a clear message. */
import { InvalidArgumentError, Option } from "commander";
import { suggest } from "../model/suggest.js";

export function parseChoice<T extends string>(value: string, choices: readonly T[], flag: string): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  const near = suggest(value, choices);
  throw new InvalidArgumentError(`${flag} must be one of ${choices.join(", ")}${near ? `; did you mean "${near}"?` : ""}`);
}

export function parseCount(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${flag} takes a whole number, got "${value}"`);
  return Number(value);
}

/** A percentage from 0 to 100 (decimals allowed). */
export function parsePercent(value: string, flag: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) > 100) throw new InvalidArgumentError(`${flag} takes a percentage from 0 to 100, got "${value}"`);
  return Number(value);
}

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * `-C, --root <dir>`, the same on every command that reads the policy repository. Without it the
 * repository is the nearest folder upward holding edict.yaml, so edict runs from any subfolder.
 */
export function rootOption(what = "policy repository root"): Option {
  return new Option("-C, --root <dir>", `${what} (default: the nearest folder upward that holds edict.yaml)`);
}

/** `--policies <dir>`: the older spelling of -C/--root on eval, posture and check-agent. */
export function policiesOption(): Option {
  return new Option("--policies <dir>", "same as -C/--root");
}
