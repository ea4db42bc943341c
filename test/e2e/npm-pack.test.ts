/**
 * The npm package, as a user gets it: `npm pack` on this checkout, the tarball unpacked into a
 * temporary project's node_modules/edict (what `npm install <tarball>` lays out; an install
 * would also fetch the runtime dependencies, which the bundled CLI does not need and a machine
 * without internet cannot get), then the packaged CLI run from there. Proves that the built-in
 * packs, the templates and the schemas ship, and that the CLI finds them from dist/.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { readShippedPacks } from "../../src/pack/read-packs.js";
import { builtinSource, findBuiltinPacksDir } from "../../src/pack/sources/builtin.js";

const checkout = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

interface Packed {
  /** Paths in the tarball, relative to the package root. */
  files: string[];
  /** The unpacked package: <project>/node_modules/edict. */
  pkg: string;
  project: string;
}

let packed: Packed;

function edict(cwd: string, args: string[]): { code: number; out: string; err: string } {
  const run = spawnSync(process.execPath, [join(packed.pkg, "dist", "cli.js"), ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: run.status ?? -1, out: run.stdout, err: run.stderr };
}

beforeAll(() => {
  const out = mkdtempSync(join(tmpdir(), "edict-npm-pack-"));
  const json = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--offline", "--pack-destination", out], {
    cwd: checkout,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const [result] = JSON.parse(json) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const project = join(out, "project");
  const pkg = join(project, "node_modules", "edict");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(project, "package.json"), '{ "name": "policies", "private": true }\n');
  execFileSync("tar", ["-xzf", join(out, result!.filename), "-C", pkg, "--strip-components=1"]);
  packed = { files: result!.files.map((f) => f.path).sort(), pkg, project };
}, 60_000);

describe("npm pack", () => {
  it("ships the CLI, the built-in packs, the templates and the schemas, and no tests", async () => {
    const shipped = await readShippedPacks(checkout, "packs");
    expect(shipped.packs.size).toBeGreaterThan(0);
    for (const name of shipped.packs.keys()) expect(packed.files).toContain(`packs/${name}/metadata.yaml`);
    for (const file of ["package.json", "README.md", "action.yml", "dist/cli.js", "dist/index.js", "dist/loader.js", "templates/workflow.yml", "templates/gitignore", "templates/edict.yaml", "schemas/pack-metadata.json", "src/index.ts"]) {
      expect(packed.files).toContain(file);
    }
    expect(packed.files.filter((f) => /^(test|node_modules|bench|fuzz|scripts|\.edict|policies|tests)\//.test(f))).toEqual([]);
  });

  it("the packs in the package are exactly the checkout's, found from the package's dist/ where the bundled CLI runs", async () => {
    const dir = findBuiltinPacksDir(join(packed.pkg, "dist"));
    expect(dir).toBe(join(packed.pkg, "packs"));
    const offers = await builtinSource({ dir }).offers();
    expect(offers.find((o) => o.name === "hipaa")).toMatchObject({ source: "builtin", dependencies: ["starter"] });
    const inPackage = await readShippedPacks(packed.pkg, "packs");
    const inCheckout = await readShippedPacks(checkout, "packs");
    expect(new Map([...inPackage.packs].map(([n, p]) => [n, p.checksum]))).toEqual(new Map([...inCheckout.packs].map(([n, p]) => [n, p.checksum])));
    expect(inPackage.problems).toEqual([]);
  });

  it("edict init runs from the installed package, with no dependencies installed beside it", () => {
    const repo = join(packed.project, "init");
    mkdirSync(repo);
    const init = edict(repo, ["init"]);
    expect(init.err).toBe("");
    expect(init.code).toBe(0);
    for (const file of ["edict.yaml", "policies/access.yaml", ".github/workflows/edict.yml", ".gitignore"]) expect(existsSync(join(repo, file)), file).toBe(true);
  });

  it("a repository made by the installed package's edict init installs hipaa from the built-in library, with starter pulled in", () => {
    const repo = join(packed.project, "hipaa");
    mkdirSync(repo);
    expect(edict(repo, ["init"]).code).toBe(0);
    const list = edict(repo, ["pack", "list", "--format", "json"]);
    expect(list.code).toBe(0);
    const listed = (JSON.parse(list.out) as { packs: Array<{ name: string; source: string; installed: string | null }> }).packs;
    expect(listed.find((p) => p.name === "hipaa")).toMatchObject({ source: "builtin", installed: null });
    const install = edict(repo, ["pack", "install", "hipaa"]);
    expect(install.err).toBe("");
    expect(install.code).toBe(0);
    expect(existsSync(join(repo, "policies", "starter__01__mask_pii_by_default.yaml"))).toBe(true);
    expect(existsSync(join(repo, "policies", "hipaa__01__phi_encrypted_access.yaml"))).toBe(true);
    const after = (JSON.parse(edict(repo, ["pack", "list", "--format", "json"]).out) as { packs: Array<{ name: string; installed: string | null }> }).packs;
    expect(after.filter((p) => p.installed !== null).map((p) => p.name).sort()).toEqual(["hipaa", "starter"]);
  });
});
