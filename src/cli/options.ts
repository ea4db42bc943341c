/** Option parsers that turn bad values into usage errors (exit 2) with a clear message. */
import { InvalidArgumentError } from "commander";
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

/** Collects a repeatable option into a list. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
