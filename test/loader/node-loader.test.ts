/** `edict/loader/node`: the loader with host overlays, on a real signed bundle read from a file. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createNodeLoader } from "../../src/loader/node.js";
import type { NodeLoaderOptions } from "../../src/loader/node.js";
import { exampleBundle } from "../serve/fixtures.js";

const SELECT = { action: "db:Select", resource: "db://production/users", context: { "source.ip": "10.1.2.3" } };

function overlayFile(body: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "edict-node-overlay-")), "host.yaml");
  writeFileSync(file, `apiVersion: edict/v1\nkind: AccessPolicy\nmetadata: { id: host, priority: 900 }\nspec:\n  Version: "2024-12-02"\n${body}`);
  return file;
}

async function loaderWith(overlays: string[], kinds?: NodeLoaderOptions["kinds"]) {
  const b = await exampleBundle();
  return createNodeLoader({ source: b.bundle, trustedKeys: [readFileSync(b.pub, "utf8")], target: "production", pollIntervalMs: 0, overlays, kinds });
}

describe("createNodeLoader", () => {
  it("without overlays answers as the bundle does", async () => {
    const loader = await loaderWith([]);
    const engine = await loader.load();
    expect(engine.authorize(SELECT).decision).toBe("allow");
    expect(loader.overlay()).toEqual({});
    loader.close();
  });

  it("a tightening overlay denies, and its digest is reported", async () => {
    const loader = await loaderWith([overlayFile("  Statement:\n    - Sid: HostDeny\n      Effect: Deny\n      Action: [db:Select]\n      Resource: \"*\"\n")]);
    const engine = await loader.load();
    expect(engine.authorize(SELECT).decision).toBe("deny");
    expect(loader.engine?.meta.name).toBe("acme-policies");
    expect(loader.overlay().digest).toMatch(/^[0-9a-f]{64}$/);
    expect(loader.overlay().error).toBeUndefined();
    loader.close();
  });

  it("an overlay that loosens is refused with its position; the bundle keeps answering alone", async () => {
    const file = overlayFile("  Statement:\n    - Sid: HostAllow\n      Effect: Allow\n      Action: [db:Delete]\n      Resource: \"*\"\n");
    const loader = await loaderWith([file]);
    const engine = await loader.load();
    expect(loader.overlay().error).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: overlay refused`));
    expect(engine.authorize({ action: "db:Delete", resource: "db://production/users" }).decision).toBe("deny");
    expect(engine.authorize(SELECT).decision).toBe("allow");
    loader.close();
  });

  it("the overlaid engine serves the loader's kinds, no more", async () => {
    const deny = overlayFile("  Statement:\n    - Sid: HostDeny\n      Effect: Deny\n      Action: [db:Select]\n      Resource: \"*\"\n");
    const accessOnly = await loaderWith([deny], ["access"]);
    const engine = await accessOnly.load();
    expect(accessOnly.overlay().error).toBeUndefined();
    expect(engine.authorize(SELECT).decision).toBe("deny");
    expect(() => engine.checkTool("mcp://vision/detect")).toThrow(/without the runtime evaluator/);
    accessOnly.close();
    const every = await loaderWith([deny]);
    expect((await every.load()).checkTool("mcp://vision/detect")).toHaveProperty("allowed");
    every.close();
  });

  it("an overlay file that is not a policy document rejects creation with its position", async () => {
    const file = overlayFile("  Statement: [1\n");
    await expect(loaderWith([file])).rejects.toMatchObject({ position: { file } });
  });
});
