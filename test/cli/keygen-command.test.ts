import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePrivateKey } from "../../src/bundle/keys.js";
import { configFolder } from "../../src/cli/commands/keygen.js";
import type { CliIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/main.js";
import { exampleGitRepo } from "../bundle/fixtures.js";

type TestIO = CliIO & { out: string; err: string; code: number };

async function run(cwd: string, argv: string[], env: Record<string, string>): Promise<TestIO> {
  const o = { out: "", err: "", isTTY: false, stderrIsTTY: false, env, cwd } as unknown as TestIO;
  o.stdout = (t) => void (o.out += t);
  o.stderr = (t) => void (o.err += t);
  o.code = await runCli(argv, o);
  return o;
}

const temp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

describe("configFolder", () => {
  it("is $XDG_CONFIG_HOME/edict, else ~/.config/edict, else %APPDATA%\\edict", () => {
    expect(configFolder({ XDG_CONFIG_HOME: "/x/cfg", HOME: "/home/u" })).toBe("/x/cfg/edict");
    expect(configFolder({ HOME: "/home/u" })).toBe("/home/u/.config/edict");
    // the XDG specification: a relative path is invalid and ignored
    expect(configFolder({ XDG_CONFIG_HOME: "cfg", HOME: "/home/u" })).toBe("/home/u/.config/edict");
    expect(configFolder({ XDG_CONFIG_HOME: "", HOME: "/home/u" })).toBe("/home/u/.config/edict");
    expect(configFolder({ APPDATA: "/appdata" })).toBe(join("/appdata", "edict"));
    expect(configFolder({})).toBeUndefined();
  });
});

describe("edict keygen without --out", () => {
  it("writes into the user's config folder (0700), not the current folder, and says where and what next", async () => {
    // run inside a policy repository: the symptom was an edict.key there that failed the repository's own lint
    const { dir: repo } = exampleGitRepo("edict-keygen-repo-");
    const xdg = temp("edict-xdg-");
    const r = await run(repo, ["keygen"], { XDG_CONFIG_HOME: xdg, HOME: temp("edict-home-") });
    expect(r.code, r.err).toBe(0);
    const folder = join(xdg, "edict");
    const key = join(folder, "signing.key");
    const pub = join(folder, "signing.pub");
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(readFileSync(pub, "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(readdirSync(repo).filter((f) => /\.(key|pub)$/.test(f))).toEqual([]);
    const keyid = parsePrivateKey(readFileSync(key, "utf8")).keyid;
    expect(r.out).toContain(`keyid:       ${keyid}\n`);
    expect(r.out).toContain(`public key:  ${pub}  `);
    expect(r.out).toContain(`private key: ${key}  (mode 0600`);
    expect(r.out).toContain(`cp ${pub} keys/release.pub`);
    expect(r.out).toContain(`gh secret set EDICT_SIGNING_KEY < ${key}`);
    expect(r.out).not.toContain("PRIVATE KEY");
    expect(r.err).toBe("");
    // and the repository still lints clean
    const lint = await run(repo, ["lint"], {});
    expect(lint.code, lint.out).toBe(0);
  });

  it("falls back to ~/.config/edict and creates the missing folders", async () => {
    const home = temp("edict-home-");
    const r = await run(temp("edict-cwd-"), ["keygen", "--format", "json"], { HOME: home });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ publicKey: join(home, ".config", "edict", "signing.pub"), privateKey: join(home, ".config", "edict", "signing.key") });
    expect(statSync(join(home, ".config", "edict")).mode & 0o777).toBe(0o700);
  });

  it("never overwrites an existing key, and points to --out for another pair", async () => {
    const env = { XDG_CONFIG_HOME: temp("edict-xdg-") };
    const cwd = temp("edict-cwd-");
    expect((await run(cwd, ["keygen"], env)).code).toBe(0);
    const key = join(env.XDG_CONFIG_HOME, "edict", "signing.key");
    const before = readFileSync(key, "utf8");
    const again = await run(cwd, ["keygen"], env);
    expect(again.code).toBe(2);
    expect(again.err).toContain(`${key}: already exists; refusing to overwrite it`);
    expect(again.err).toContain("to make another key pair, choose its files with --out PREFIX");
    expect(readFileSync(key, "utf8")).toBe(before);
  });

  it("refuses a config folder inside a git work tree instead of writing the key there", async () => {
    const home = temp("edict-home-");
    mkdirSync(join(home, ".git"));
    const r = await run(temp("edict-cwd-"), ["keygen"], { HOME: home });
    expect(r.code).toBe(2);
    expect(r.err).toBe(`edict: the key folder ${join(home, ".config", "edict")} is inside the git work tree ${home}; choose the files with --out PREFIX (outside any repository)\n`);
    expect(existsSync(join(home, ".config"))).toBe(false);
  });

  it("is a usage error when the environment names no config folder", async () => {
    const r = await run(temp("edict-cwd-"), ["keygen"], {});
    expect(r.code).toBe(2);
    expect(r.err).toContain("set XDG_CONFIG_HOME or HOME, or choose the files with --out PREFIX");
  });
});

describe("edict keygen --out", () => {
  it("writes where it is told, relative to the current folder, and warns when that is inside a git work tree", async () => {
    const { dir: repo } = exampleGitRepo("edict-keygen-out-");
    const r = await run(repo, ["keygen", "--out", "release"], {});
    expect(r.code, r.err).toBe(0);
    expect(existsSync(join(repo, "release.key"))).toBe(true);
    expect(r.err).toContain(`edict: warning: the private key ${join(repo, "release.key")} is inside the git work tree ${repo}; keep it out of commits`);
    const outside = temp("edict-keys-");
    const quiet = await run(outside, ["keygen", "--out", "k"], {});
    expect(quiet.code).toBe(0);
    expect(quiet.err).toBe("");
  });
});
