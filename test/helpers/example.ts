/** Copies the embedded example repository (config, policies, pack state, shipped packs) into a folder. */
import { cpSync, existsSync } from "node:fs";
import { join } from "node:path";

export const EXAMPLE_ROOT = join(import.meta.dirname, "..", "..");
export const EXAMPLE_PARTS = ["edict.yaml", "policies", ".edict", "packs"] as const;

export function copyExample(dir: string, parts: readonly string[] = EXAMPLE_PARTS): void {
  for (const part of parts) {
    const from = join(EXAMPLE_ROOT, part);
    if (existsSync(from)) cpSync(from, join(dir, part), { recursive: true });
  }
}
