/** The one reader of the working tree: the files edict reads, and the stray-key scan when asked. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { EdictError } from "../../src/errors.js";
import { readRepository, readWorkingTreeFiles } from "../../src/io/read-repository.js";
import { MAX_FILE_BYTES } from "../../src/model/source.js";

const CONFIG = "name: t\nversion: 0.1.0\ntargets: { production: {} }\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n";

function repoWith(files: Record<string, string | Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), "edict-tree-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe("readWorkingTreeFiles", () => {
  const root = repoWith({
    "edict.yaml": CONFIG,
    "policies/a.yaml": "a: 1\n",
    "policies/big.yaml": "#".repeat(MAX_FILE_BYTES + 10),
    "policies/notes.txt": "not a policy\n",
    "config/deploy.pem": KEY,
    "docs/readme.md": "docs\n",
    "node_modules/x/key.pem": KEY,
  });

  it("reads the files edict reads, sorted, with an oversized one as a placeholder one byte past the cap", async () => {
    const files = await readWorkingTreeFiles(root);
    expect(files.map((f) => f.path)).toEqual(["edict.yaml", "policies/a.yaml", "policies/big.yaml"]);
    expect(files[0]!.bytes).toEqual(new TextEncoder().encode(CONFIG));
    const big = files[2]!.bytes as Uint8Array;
    expect(big.length === MAX_FILE_BYTES + 1 && big.every((b) => b === 0)).toBe(true);
  });

  it("with keys, adds the stray-key candidates (not under node_modules), which are never policy files", async () => {
    const progress: string[] = [];
    const files = await readWorkingTreeFiles(root, { keys: true, onProgress: (d, t) => progress.push(`${d}/${t}`) });
    expect(files.map((f) => f.path)).toEqual(["config/deploy.pem", "docs/readme.md", "edict.yaml", "policies/a.yaml", "policies/big.yaml", "policies/notes.txt"]);
    expect(progress.at(-1)).toBe("6/6");
    const repo = await readRepository(root);
    expect(repo.privateKeys.map((k) => k.path)).toEqual(["config/deploy.pem"]);
    expect(repo.files.map((f) => f.path)).toEqual(["edict.yaml", "policies/a.yaml", "policies/big.yaml"]);
  });

  it("does not follow a link out of the repository", async () => {
    const outside = repoWith({ "policies/secret.yaml": "s: 1\n" });
    const linked = repoWith({ "edict.yaml": CONFIG });
    symlinkSync(join(outside, "policies"), join(linked, "policies"));
    expect((await readWorkingTreeFiles(linked)).map((f) => f.path)).toEqual(["edict.yaml"]);
  });

  it("a missing root is NOT_FOUND; an unreadable file is IO_ERROR naming it", async () => {
    const missing = await readWorkingTreeFiles(join(root, "nope")).catch((e: unknown) => e as EdictError);
    expect(missing).toBeInstanceOf(EdictError);
    expect((missing as EdictError).code).toBe("NOT_FOUND");
    const locked = repoWith({ "policies/a.yaml": "a: 1\n" });
    mkdirSync(join(locked, "edict.yaml")); // listed (it exists, inside the root) but not readable as a file
    const e = (await readWorkingTreeFiles(locked).catch((err: unknown) => err)) as EdictError;
    expect(e).toBeInstanceOf(EdictError);
    expect(e.code).toBe("IO_ERROR");
    expect(e.toString()).toBe("edict.yaml: cannot read this file (EISDIR)");
  });
});
