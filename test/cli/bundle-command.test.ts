import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromBase64, toBase64 } from "../../src/bundle/base64.js";
import { toHex, utf8Decode } from "../../src/bundle/bytes.js";
import { canonicalBytes } from "../../src/bundle/canonical-json.js";
import { parsePrivateKey } from "../../src/bundle/keys.js";
import { digestTargets } from "../../src/bundle/payload-build.js";
import type { BundlePayload } from "../../src/bundle/payload.js";
import { runCli } from "../../src/cli/main.js";
import type { CliIO } from "../../src/cli/io.js";
import { EXIT } from "../../src/cli/io.js";
import { commitAll, craft, exampleGitRepo } from "../bundle/fixtures.js";

/** Everything any command printed, scanned at the end for key material. */
const transcript: string[] = [];

type TestIO = CliIO & { out: string; err: string };

function io(cwd: string, env: Record<string, string> = {}): TestIO {
  const o = { out: "", err: "" } as TestIO;
  o.stdout = (t) => {
    o.out += t;
    transcript.push(t);
  };
  o.stderr = (t) => {
    o.err += t;
    transcript.push(t);
  };
  o.isTTY = false;
  o.stderrIsTTY = false;
  o.env = { SOURCE_DATE_EPOCH: String(Math.floor(Date.now() / 1000)), ...env };
  o.cwd = cwd;
  return o;
}

async function run(cwd: string, argv: string[], env: Record<string, string> = {}): Promise<TestIO & { code: number }> {
  const o = io(cwd, env);
  const code = await runCli(argv, o);
  return Object.assign(o, { code });
}

const keysDir = mkdtempSync(join(tmpdir(), "edict-keys-"));
const privateKeyTexts: string[] = [];

async function keygen(prefix: string): Promise<{ key: string; pub: string }> {
  const r = await run(keysDir, ["keygen", "--out", prefix]);
  expect(r.code, r.err).toBe(0);
  privateKeyTexts.push(readFileSync(join(keysDir, `${prefix}.key`), "utf8"));
  return { key: join(keysDir, `${prefix}.key`), pub: join(keysDir, `${prefix}.pub`) };
}

describe("edict keygen", () => {
  it("writes PREFIX.key (0600) and PREFIX.pub, prints the keyid and paths, and refuses to overwrite", async () => {
    const r = await run(keysDir, ["keygen", "--out", "first"]);
    expect(r.code).toBe(0);
    privateKeyTexts.push(readFileSync(join(keysDir, "first.key"), "utf8"));
    const keyid = parsePrivateKey(readFileSync(join(keysDir, "first.key"), "utf8")).keyid;
    expect(r.out).toContain(`keyid:       ${keyid}`);
    expect(r.out).toContain(join(keysDir, "first.pub"));
    expect(statSync(join(keysDir, "first.key")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(keysDir, "first.pub"), "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);

    const again = await run(keysDir, ["keygen", "--out", "first"]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(/already exists; refusing to overwrite it \(use --force/);
    const forced = await run(keysDir, ["keygen", "--out", "first", "--force", "--format", "json"]);
    expect(forced.code).toBe(0);
    privateKeyTexts.push(readFileSync(join(keysDir, "first.key"), "utf8"));
    expect(Object.keys(JSON.parse(forced.out))).toEqual(["keyid", "publicKey", "privateKey"]);
    expect(JSON.parse(forced.out).keyid).not.toBe(keyid);
  });

  it("defaults to signing.key in the config folder, not the current folder, and has --help", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-keygen-"));
    const config = mkdtempSync(join(tmpdir(), "edict-config-"));
    expect((await run(dir, ["keygen"], { XDG_CONFIG_HOME: config })).code).toBe(0);
    privateKeyTexts.push(readFileSync(join(config, "edict", "signing.key"), "utf8"));
    expect(existsSync(join(config, "edict", "signing.pub"))).toBe(true);
    expect(existsSync(join(dir, "edict.key"))).toBe(false);
    const help = await run(dir, ["keygen", "--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--out <prefix>/);
  });
});

describe("edict bundle build / verify / inspect", async () => {
  const { dir: repo, revision } = exampleGitRepo("edict-cli-bundle-");
  const signer = await keygen("signer");
  const other = await keygen("other");

  it("builds, then verifies with Appendix A JSON", async () => {
    const b = await run(repo, ["bundle", "build", "--key", signer.key, "--out", "dist"]);
    expect(b.code, b.err).toBe(0);
    expect(b.out).toContain(`wrote ${join(repo, "dist", "acme-policies.bundle.json")}`);
    expect(b.out).toMatch(/acme-policies 0\.1\.0 serial 1, first release/);
    if (spawnSync("sha256sum", ["--version"]).status === 0) {
      expect(execFileSync("sha256sum", ["-c", "acme-policies.bundle.json.sha256"], { cwd: join(repo, "dist"), encoding: "utf8" })).toContain(": OK");
    }

    const v = await run(repo, ["bundle", "verify", "dist/acme-policies.bundle.json", "--key", signer.pub, "--target", "production", "--format", "json"]);
    expect(v.code, v.err).toBe(0);
    const doc = JSON.parse(v.out);
    const bytes = readFileSync(join(repo, "dist", "acme-policies.bundle.json"));
    expect(doc).toMatchObject({
      ok: true,
      name: "acme-policies",
      version: "0.1.0",
      serial: 1,
      revision,
      keyid: parsePrivateKey(readFileSync(signer.key, "utf8")).keyid,
      sha256: execFileSync("sha256sum", [join(repo, "dist", "acme-policies.bundle.json")], { encoding: "utf8" }).slice(0, 64),
    });
    expect(bytes.length).toBeGreaterThan(1000);

    const text = await run(repo, ["bundle", "verify", "dist/acme-policies.bundle.json", "-k", signer.pub, "--rebuild"]);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/^OK acme-policies 0\.1\.0 serial 1\n/);
    expect(text.out).toContain(`rebuild   matches ${revision}`);
  });

  it("reads the key from --key-env or EDICT_SIGNING_KEY, and says what to do without one", async () => {
    const pem = readFileSync(signer.key, "utf8");
    // This test is about where the key comes from; a fixed time base keeps the two builds comparable.
    const epoch = String(Math.floor(Date.now() / 1000));
    const viaEnv = await run(repo, ["bundle", "build", "--key-env", "MY_KEY", "--out", "env-out", "--format", "json"], { MY_KEY: pem, SOURCE_DATE_EPOCH: epoch });
    expect(viaEnv.code, viaEnv.err).toBe(0);
    expect(JSON.parse(viaEnv.out)).toMatchObject({ ok: true, serial: 1, tag: "policy-v0.1.0" });
    const viaDefault = await run(repo, ["bundle", "build", "--out", "env-out2"], { EDICT_SIGNING_KEY: pem, SOURCE_DATE_EPOCH: epoch });
    expect(viaDefault.code, viaDefault.err).toBe(0);
    const payloadOf = (dir: string) => JSON.parse(utf8Decode(fromBase64(JSON.parse(readFileSync(join(repo, dir, "acme-policies.bundle.json"), "utf8")).payload)));
    expect(payloadOf("env-out2")).toEqual(payloadOf("env-out"));
    expect(readFileSync(join(repo, "env-out", "acme-policies.bundle.json")).equals(readFileSync(join(repo, "env-out2", "acme-policies.bundle.json")))).toBe(true);

    const none = await run(repo, ["bundle", "build", "--out", "x"]);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no signing key: pass --key FILE or --key-env VAR, or set EDICT_SIGNING_KEY/);
    const unset = await run(repo, ["bundle", "build", "--key-env", "NOPE"]);
    expect(unset.code).toBe(2);
    expect(unset.err).toMatch(/\$NOPE: environment variable is not set or empty/);
  });

  it("exits 2 on a bad key without printing it, in text and json", async () => {
    const pem = readFileSync(signer.key, "utf8");
    const broken = pem.replace(/\n[A-Za-z0-9+/]{4}/, "\n!!!!");
    const r = await run(repo, ["bundle", "build", "--key-env", "K", "--out", "x"], { K: broken });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^edict: \$K: private key: /);
    const asPublic = await run(repo, ["bundle", "verify", "dist/acme-policies.bundle.json", "--key", signer.key, "--format", "json"]);
    expect(asPublic.code).toBe(2);
    expect(JSON.parse(asPublic.out)).toMatchObject({ ok: false, code: "KEY_ERROR" });
    expect(JSON.parse(asPublic.out).message).toMatch(/this is a private key/);
  });

  it("verification failures exit 1 with {ok: false, code, message}", async () => {
    const file = "dist/acme-policies.bundle.json";
    const untrusted = await run(repo, ["bundle", "verify", file, "--key", other.pub, "--format", "json"]);
    expect(untrusted.code).toBe(1);
    expect(JSON.parse(untrusted.out)).toMatchObject({ ok: false, code: "UNTRUSTED_KEY" });
    expect(Object.keys(JSON.parse(untrusted.out))).toEqual(["ok", "code", "message"]);

    const missing = await run(repo, ["bundle", "verify", file, "--key", signer.pub, "--target", "prod"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^edict: bundle verification failed: TARGET_MISSING: bundle acme-policies 0\.1\.0 has no target "prod"/);

    const wrongName = await run(repo, ["bundle", "verify", file, "--key", signer.pub, "--name", "payroll", "--format", "json"]);
    expect(JSON.parse(wrongName.out)).toMatchObject({ ok: false, code: "NAME_MISMATCH", message: 'bundle is for "acme-policies", expected "payroll"' });

    const bytes = readFileSync(join(repo, file));
    bytes[100]! ^= 4;
    writeFileSync(join(repo, "tampered.bundle.json"), bytes);
    const tampered = await run(repo, ["bundle", "verify", "tampered.bundle.json", "--key", signer.pub]);
    expect(tampered.code).toBe(1);
    expect(tampered.err).toMatch(/^edict: bundle verification failed: (SIGNATURE_ERROR|FORMAT_ERROR): /);

    const both = await run(repo, ["bundle", "verify", file, "--key", signer.pub, "--key", other.pub, "--threshold", "2", "--format", "json"]);
    expect(both.code).toBe(1);
    expect(JSON.parse(both.out)).toMatchObject({ ok: false, code: "SIGNATURE_ERROR" });
  });

  it("usage errors exit 2: no --key, a threshold above the keys, a missing file", async () => {
    const noKey = await run(repo, ["bundle", "verify", "dist/acme-policies.bundle.json"]);
    expect(noKey.code).toBe(2);
    expect(noKey.err).toMatch(/needs at least one --key PUB/);
    const threshold = await run(repo, ["bundle", "verify", "dist/acme-policies.bundle.json", "--key", signer.pub, "--threshold", "2"]);
    expect(threshold.code).toBe(2);
    expect(threshold.err).toMatch(/--threshold must be from 1 to 1/);
    const nofile = await run(repo, ["bundle", "verify", "nope.json", "--key", signer.pub, "--format", "json"]);
    expect(nofile.code).toBe(2);
    expect(JSON.parse(nofile.out)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    const badFormat = await run(repo, ["bundle", "inspect", "x", "--format", "yaml"]);
    expect(badFormat.code).toBe(2);
    expect(badFormat.err).toMatch(/--format must be one of text, json/);
  });

  it("--rebuild catches a validly signed bundle whose Deny became Allow", async () => {
    const bytes = readFileSync(join(repo, "dist", "acme-policies.bundle.json"));
    const envelope = JSON.parse(bytes.toString("utf8")) as { payload: string };
    const payload = JSON.parse(utf8Decode(fromBase64(envelope.payload))) as BundlePayload;
    payload.targets.production!.access.Statement.find((s) => s.Sid === "DenyDestructive")!.Effect = "Allow";
    payload.digests = digestTargets(payload.targets);
    writeFileSync(join(repo, "forged.bundle.json"), craft(canonicalBytes(payload), [parsePrivateKey(readFileSync(signer.key, "utf8"))]));

    const plain = await run(repo, ["bundle", "verify", "forged.bundle.json", "--key", signer.pub]);
    expect(plain.code, plain.err).toBe(0);
    const rebuilt = await run(repo, ["bundle", "verify", "forged.bundle.json", "--key", signer.pub, "--rebuild", "--format", "json"]);
    expect(rebuilt.code).toBe(1);
    expect(JSON.parse(rebuilt.out)).toEqual({ ok: false, code: "DIGEST_MISMATCH", message: `bundle targets differ from a rebuild of ${revision.slice(0, 12)} (in production)` });
  });

  it("continues from --previous with the caller's verdict", async () => {
    appendFileSync(join(repo, "policies", "access", "production.yaml"), "# reviewed\n");
    const dirty = await run(repo, ["bundle", "build", "--key", signer.key, "--out", "dist2"]);
    expect(dirty.code).toBe(2);
    expect(dirty.err).toMatch(/uncommitted changes to policies\/access\/production\.yaml; .*--allow-dirty/);
    const allowed = await run(repo, ["bundle", "build", "--key", signer.key, "--out", "dist-dirty", "--allow-dirty"]);
    expect(allowed.code, allowed.err).toBe(0);
    expect(allowed.err).toMatch(/^edict: warning: built from uncommitted changes/);

    commitAll(repo, "review", "2026-01-05T00:00:00Z");
    // a comment changes no target: no change can be claimed
    const claimed = await run(repo, ["bundle", "build", "--key", signer.key, "--out", "dist2", "--previous", "dist/acme-policies.bundle.json", "--verdict", "tightened"]);
    expect(claimed.code).toBe(2);
    expect(claimed.err).toMatch(/--verdict tightened claims a change, but the targets are identical to the previous bundle's \(0\.1\.0, digest [0-9a-f]{12}…\); drop --verdict/);
    const file = join(repo, "policies", "access", "production.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("Action: [file:Read, api:Get, db:Select]", "Action: [file:Read, db:Select]"));
    commitAll(repo, "tighten", "2026-01-05T00:00:00Z");
    const next = await run(repo, ["bundle", "build", "--key", signer.key, "--out", "dist2", "--previous", "dist/acme-policies.bundle.json", "--verdict", "tightened", "--format", "json"]);
    expect(next.code, next.err).toBe(0);
    expect(JSON.parse(next.out)).toMatchObject({ ok: true, version: "1.0.0", serial: 2, verdict: "tightened", previous: { version: "0.1.0", serial: 1 }, tag: "policy-v1.0.0" });

    const foreign = await run(repo, ["bundle", "build", "--key", other.key, "--out", "dist3", "--previous", "dist/acme-policies.bundle.json"]);
    expect(foreign.code).toBe(1);
    expect(foreign.err).toMatch(/^edict: previous bundle verification failed: UNTRUSTED_KEY: /);
    const trusted = await run(repo, ["bundle", "build", "--key", other.key, "--out", "dist3", "--previous", "dist/acme-policies.bundle.json", "--previous-key", signer.pub]);
    expect(trusted.code, trusted.err).toBe(0);
    expect(trusted.out).toMatch(/0\.1\.1 serial 2, after 0\.1\.0 serial 1 \(neutral\)/);
    const badVerdict = await run(repo, ["bundle", "build", "--key", signer.key, "--verdict", "looser"]);
    expect(badVerdict.code).toBe(2);
  });

  it("refuses a repository with lint errors (exit 2)", async () => {
    const { dir } = exampleGitRepo("edict-cli-lint-");
    writeFileSync(join(dir, "policies", "bad.yaml"), "apiVersion: edict/v1\nkind: RuntimePolicy\nmetadata: { id: bad, priority: 1 }\nspec:\n  tenant: 5\n");
    commitAll(dir);
    const r = await run(dir, ["bundle", "build", "--key", signer.key]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/1 lint error; run `edict lint`/);
  });

  it("inspect prints metadata labelled UNVERIFIED, without keys", async () => {
    const t = await run(repo, ["bundle", "inspect", "forged.bundle.json"]);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^UNVERIFIED: /);
    expect(t.out).toMatch(/name\s+acme-policies/);
    expect(t.out).toMatch(/targets\s+development, production, staging/);
    const j = await run(repo, ["bundle", "inspect", "dist/acme-policies.bundle.json", "--format", "json"]);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.out)).toMatchObject({ verified: false, name: "acme-policies", serial: 1, revision, payloadType: "application/vnd.edict.bundle.v1+json" });

    writeFileSync(join(repo, "junk.json"), "{}");
    const junk = await run(repo, ["bundle", "inspect", "junk.json", "--format", "json"]);
    expect(junk.code).toBe(1);
    expect(JSON.parse(junk.out)).toMatchObject({ ok: false, code: "FORMAT_ERROR" });
    writeFileSync(join(repo, "odd.json"), JSON.stringify({ payloadType: "x", payload: toBase64(new TextEncoder().encode("not json")), signatures: [] }));
    const odd = await run(repo, ["bundle", "inspect", "odd.json"]);
    expect(odd.code).toBe(0);
    expect(odd.out).toMatch(/payload\s+payload is not strict JSON/);
  });

  it("has --help for bundle and each subcommand", async () => {
    for (const argv of [["bundle", "--help"], ["bundle", "build", "--help"], ["bundle", "verify", "--help"], ["bundle", "inspect", "--help"]]) {
      const r = await run(repo, argv);
      expect(r.code, argv.join(" ")).toBe(0);
      expect(r.out).toMatch(/Usage: edict bundle/);
    }
  });
});

afterAll(() => {
  // the private key never appears in any output: not its PEM body, not its seed in hex or base64
  const all = transcript.join("");
  expect(privateKeyTexts.length).toBeGreaterThan(3);
  for (const pem of privateKeyTexts) {
    const body = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
    const seed = parsePrivateKey(pem).exportSeed();
    expect(all).not.toContain(body);
    expect(all).not.toContain(body.slice(20, 60));
    expect(all).not.toContain(toHex(seed));
    expect(all).not.toContain(toBase64(seed));
  }
});
