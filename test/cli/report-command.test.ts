/** `edict report`: flags, usage errors, what it prints, and what the page holds (without a browser). */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { git } from "../bundle/fixtures.js";
import { runIn } from "../helpers/cli.js";
import { signedExample } from "../report/fixtures.js";

let work: string;
let repo: string;
let bundle: string;
let pub: string;

beforeAll(async () => {
  ({ work, repo, bundle, pub } = await signedExample("edict-report-cli-", "git@github.com:acme/policies.git"));
}, 60_000);

describe("edict report", () => {
  it("has --help with every flag and examples", async () => {
    const r = await runIn(repo, ["report", "--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--out", "--target", "--bundle", "--key", "--previous", "--previous-key", "--format", "--root"]) expect(r.out).toContain(flag);
    expect(r.out).toContain("Examples:");
  });

  it("writes <name>.report.html by default and says what the playground answers from", async () => {
    const r = await runIn(repo, ["report"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^wrote acme-policies\.report\.html \(\d+\.\d KB\): production, staging, development; the playground answers from the repository's effective policy \(unsigned/);
    const html = readFileSync(join(repo, "acme-policies.report.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    // provenance lines link to the file at the revision on GitHub (from the origin remote)
    const revision = git(repo, ["rev-parse", "HEAD"]).trim();
    expect(html).toContain(`https://github.com/acme/policies/blob/${revision}/policies/access/production.yaml#L`);
    // the bundle's locks are shown in the tree
    expect(html).toMatch(/class="lock"[^>]*>locked by prod_access</);
    // every section of the page is there
    for (const id of ["overview", "playground", "policy", "packs", "tests", "changes"]) expect(html).toContain(`data-testid="section-${id}"`);
  });

  it("--format json with --target and a signed bundle and its previous release", async () => {
    const out = join(work, "site", "index.html");
    const r = await runIn(repo, ["report", "--format", "json", "--target", "production", "--bundle", bundle, "--key", pub, "--previous", bundle, "--out", out]);
    expect(r.code, r.err).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ targets: ["production"], signed: true, previous: true });
    expect(json.bytes).toBe(readFileSync(out).length);
    const html = readFileSync(out, "utf8");
    expect(html).toContain('id="edict-bundle"');
    expect(html).toContain("Effective policy unchanged");
    expect(html.match(/data-testid="tree-target"/g)).toHaveLength(1);
  });

  it("refuses --bundle without --key, --key without --bundle, an unknown target (exit 2), and a bundle that does not verify (exit 1)", async () => {
    expect((await runIn(repo, ["report", "--bundle", bundle])).err).toMatch(/--bundle needs --key PUB/);
    expect((await runIn(repo, ["report", "--bundle", bundle])).code).toBe(2);
    expect((await runIn(repo, ["report", "--key", pub])).code).toBe(2);
    const unknown = await runIn(repo, ["report", "--target", "prod"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown target "prod"/);
    const other = mkdtempSync(join(tmpdir(), "edict-report-otherkey-"));
    expect((await runIn(other, ["keygen", "--out", "other"])).code).toBe(0);
    const wrongKey = await runIn(repo, ["report", "--bundle", bundle, "--key", join(other, "other.pub"), "--out", join(work, "x.html")]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toMatch(/UNTRUSTED_KEY|SIGNATURE_ERROR/);
    const tampered = join(work, "tampered.bundle.json");
    writeFileSync(tampered, readFileSync(bundle, "utf8").replace('"payload":"', '"payload":"A'));
    expect((await runIn(repo, ["report", "--bundle", tampered, "--key", pub, "--out", join(work, "y.html")])).code).toBe(1);
  });
});
