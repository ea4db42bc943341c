/**
 * The "done when", through the CLI: an organisation publishes its own signed pack to a
 * static host; another repository, made by `edict init`, installs it from that url source (its
 * dependency from the built-in library), verifies it, sees a newer version as outdated, upgrades
 * to it after seeing the effective diff, reinstalls from the lock, and refuses a tampered host.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { toPrivateKeyPem } from "../../src/bundle/keys.js";
import { runIn } from "../helpers/cli.js";
import { keyPair, serveFolder, tempDir, writePublicKey } from "../pack/remote/helpers.js";
import type { Served } from "../pack/remote/helpers.js";

const KEY = keyPair("acme packs");

function paymentsPack(org: string, version: string, resource: string): void {
  mkdirSync(join(org, "packs", "payments", "policies"), { recursive: true });
  writeFileSync(
    join(org, "packs", "payments", "metadata.yaml"),
    `__pack_meta:\n  name: payments\n  version: ${version}\n  layer: domain\n  description: Payments guardrails\n  dependencies: [starter@^1.0.0]\n  priority_band: { min: 600, max: 699 }\n`,
  );
  writeFileSync(
    join(org, "packs", "payments", "policies", "01_refunds.yaml"),
    `apiVersion: edict/v1\nkind: AccessPolicy\nmetadata: { id: payments_refunds, priority: 650 }\nspec:\n  Version: "2024-12-02"\n  Statement:\n    - Sid: DenyRefunds\n      Effect: Deny\n      Action: api:Post\n      Resource: ${resource}\n`,
  );
}

let org = "";
let site = "";
let team = "";
let served: Served;
let keyFile = "";

beforeAll(async () => {
  org = tempDir("org");
  site = tempDir("org-site");
  team = join(tempDir("team"), "team");
  keyFile = join(tempDir("org-key"), "acme-packs.key");
  writeFileSync(keyFile, toPrivateKeyPem(KEY));
  expect((await runIn(org, ["init", ".", "--name", "acme-org"])).code).toBe(0);
  paymentsPack(org, "1.0.0", "https://payments.acme.example/refunds/*");
  served = await serveFolder(site);
});

afterAll(async () => served?.close());

describe("an organisation's pack travels to another repository", () => {
  it("publishes a signed pack whose dependency comes from the built-in library (lint is clean)", async () => {
    const lint = await runIn(org, ["lint"]);
    expect(lint.code, lint.out).toBe(0);
    const r = await runIn(org, ["pack", "publish", "--key", keyFile, "--out", site, "--format", "json"]);
    expect(r.code, r.err).toBe(0);
    const index = JSON.parse(readFileSync(join(site, "index.json"), "utf8"));
    expect(index.packs.map((p: { name: string; version: string }) => `${p.name}@${p.version}`)).toEqual(["payments@1.0.0"]);
  });

  it("installs it in a repository made by `edict init`, with starter pulled in from builtin", async () => {
    expect((await runIn(team, ["init", "."])).code).toBe(0);
    const pub = writePublicKey(team, KEY, "acme-packs");
    writeFileSync(join(team, "edict.yaml"), readFileSync(join(team, "edict.yaml"), "utf8") + `packs:\n  sources:\n    - name: acme\n      url: ${served.origin}/index.json\n      keys: [${pub}]\n`);
    const list = await runIn(team, ["pack", "list", "--format", "json"]);
    expect(list.code, list.err).toBe(0);
    const payments = JSON.parse(list.out).packs.find((p: { name: string }) => p.name === "payments");
    expect(payments).toMatchObject({ name: "payments", installed: null, source: "acme", available: [{ source: "acme", version: "1.0.0" }] });

    const install = await runIn(team, ["pack", "install", "payments"]);
    expect(install.code, install.err).toBe(0);
    const state = parse(readFileSync(join(team, ".edict", "packs.yaml"), "utf8")).installed_packs;
    expect(state.payments).toMatchObject({ version: "1.0.0", source: "acme" });
    expect(state.payments.resolved).toMatch(new RegExp(`^${served.origin}/payments-1\\.0\\.0\\.pack\\.json#sha256:[0-9a-f]{64}$`));
    expect(state.starter).toMatchObject({ version: "1.0.0", source: "builtin" });
    expect((await runIn(team, ["lint"])).code).toBe(0);
    expect((await runIn(team, ["pack", "verify"])).code).toBe(0);
  });

  it("sees the organisation's next version as outdated and upgrades to it after showing the diff", async () => {
    paymentsPack(org, "1.1.0", "https://payments.acme.example/*");
    expect((await runIn(org, ["pack", "publish", "--key", keyFile, "--out", site])).code).toBe(0);
    const outdated = await runIn(team, ["pack", "outdated", "--format", "json"]);
    expect(JSON.parse(outdated.out).packs).toContainEqual({ name: "payments", installed: "1.0.0", wanted: "1.1.0", latest: "1.1.0", source: "acme" });

    const dry = await runIn(team, ["pack", "upgrade", "payments", "--dry-run"]);
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain("payments: upgraded 1.0.0 → 1.1.0");
    expect(dry.out).toContain("added https://payments.acme.example/*");
    expect(dry.out).not.toContain("next version");
    const up = await runIn(team, ["pack", "upgrade", "payments"]);
    expect(up.code, up.err).toBe(0);
    expect(parse(readFileSync(join(team, ".edict", "packs.yaml"), "utf8")).installed_packs.payments.version).toBe("1.1.0");
    expect(readFileSync(join(team, "policies", "payments__01__refunds.yaml"), "utf8")).toContain("Resource: https://payments.acme.example/*");
  });

  it("reinstalls exactly the lock, and refuses a host that serves other bytes, writing nothing", async () => {
    const file = join(team, "policies", "payments__01__refunds.yaml");
    const before = readFileSync(file, "utf8");
    writeFileSync(file, "changed by hand\n");
    const again = await runIn(team, ["pack", "install", "--force"]);
    expect(again.code, again.err).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(before);

    const envelope = join(site, "payments-1.1.0.pack.json");
    const good = readFileSync(envelope, "utf8");
    const doc = JSON.parse(good) as { payload: string };
    doc.payload = Buffer.from(Buffer.from(doc.payload, "base64").toString("utf8").replace("payments.acme.example/*", "payments.acme.example/x*")).toString("base64");
    writeFileSync(envelope, JSON.stringify(doc));
    writeFileSync(file, "changed by hand\n");
    const refused = await runIn(team, ["pack", "install", "--force"]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/PACK_DIGEST_MISMATCH|sha256 is [0-9a-f]{64} but the index lists/);
    expect(readFileSync(file, "utf8")).toBe("changed by hand\n");
    writeFileSync(envelope, good);
  });
});
