/** Writes schemas/*.json from src/model/schemas (run by `npm run build`; a test checks freshness). */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { publishedSchemas } from "../src/model/schemas/index.js";

const dir = join(import.meta.dirname, "..", "schemas");
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(publishedSchemas())) {
  writeFileSync(join(dir, name), JSON.stringify(schema, null, 2) + "\n");
}
