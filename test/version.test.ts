import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { publishedSchemas } from "../src/model/schemas/index.js";
import { EDICT_VERSION } from "../src/version.js";

const root = join(import.meta.dirname, "..");

describe("package", () => {
  it("EDICT_VERSION equals package.json's version", () => {
    expect(EDICT_VERSION).toBe(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version);
  });
  it("schemas/*.json are generated from src/model/schemas", () => {
    for (const [name, schema] of Object.entries(publishedSchemas())) {
      expect(JSON.parse(readFileSync(join(root, "schemas", name), "utf8")), name).toEqual(schema);
    }
  });
});

describe("README", () => {
  it("lists every lint rule exactly as the registry describes it (npm run docs)", async () => {
    const { RULES } = await import("../src/lint/registry.js");
    const { rulesMarkdownTable } = await import("../src/lint/rules-table.js");
    const readme = readFileSync(join(root, "README.md"), "utf8");
    expect(readme).toContain(rulesMarkdownTable(RULES));
  });

  it("lists every shipped pack and its policies as packs/ holds them (npm run docs)", async () => {
    const { packsMarkdown } = await import("../src/pack/docs.js");
    const { readRepository } = await import("../src/io/read-repository.js");
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const expected = packsMarkdown(await readRepository(root));
    expect(expected).toContain("`starter`");
    expect(readme).toContain(expected);
  });
});
