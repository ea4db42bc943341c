/**
 * The playground's browser code, dist/report-playground.js (built from src/report/browser/ by
 * `npm run build`). dist/cli.js and dist/action.js sit beside it; from src/ it is ../../dist/.
 */
import { readFile } from "node:fs/promises";
import { EdictError } from "../errors.js";

const CANDIDATES = ["./report-playground.js", "../../dist/report-playground.js"];

export async function readPlaygroundScript(): Promise<string> {
  for (const candidate of CANDIDATES) {
    try {
      return await readFile(new URL(candidate, import.meta.url), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new EdictError("IO_ERROR", `cannot read the report's playground code: ${(e as Error).message}`, { cause: e });
    }
  }
  throw new EdictError("NOT_FOUND", "the report's playground code (dist/report-playground.js) is missing from this installation: reinstall edict, or run `npm run build` in a checkout");
}
