/**
 * The report page in a real browser: Debian's Chromium driven by playwright-core opens the
 * example repository's report from file://, runs playground decisions and compares each with
 * `edict eval`, sees the page refuse a bundle with one byte flipped, and saves a screenshot
 * (written to docs/report.png when EDICT_UPDATE_SCREENSHOT=1, for the README).
 */
import { copyFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runIn } from "../helpers/cli.js";
import { EXAMPLE_ROOT } from "../helpers/example.js";
import { signedExample } from "./fixtures.js";

const CHROMIUM = "/usr/bin/chromium";
const MAX_REPORT_BYTES = 300 * 1024;

let browser: Browser;
let work: string;
let repo: string;
let bundle: string;
let pub: string;
let signedReport: string;
let unsignedReport: string;

beforeAll(async () => {
  ({ work, repo, bundle, pub } = await signedExample("edict-report-browser-"));
  signedReport = join(work, "signed.report.html");
  const signed = await runIn(repo, ["report", "--bundle", bundle, "--key", pub, "--out", signedReport]);
  expect(signed.code, signed.err).toBe(0);
  unsignedReport = join(work, "unsigned.report.html");
  const unsigned = await runIn(repo, ["report", "--out", unsignedReport]);
  expect(unsigned.code, unsigned.err).toBe(0);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--headless", "--no-sandbox", "--disable-gpu"] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function open(file: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => !document.querySelector('[data-testid="report-verified"]')?.classList.contains("pending"), undefined, { timeout: 20_000 });
  return { page, requests };
}

const testid = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

interface AccessCase {
  target: string;
  action: string;
  resource: string;
  context: Record<string, unknown>;
}

/** Decides in the page and returns the result's text. */
async function decideAccess(page: Page, c: AccessCase): Promise<string> {
  await testid(page, "playground-target").selectOption(c.target);
  await testid(page, "playground-kind").selectOption("authorize");
  await testid(page, "playground-action").fill(c.action);
  await testid(page, "playground-resource").fill(c.resource);
  await testid(page, "playground-context").fill(JSON.stringify(c.context));
  await testid(page, "playground-result").evaluate((e) => (e.textContent = ""));
  await testid(page, "playground-decide").click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="playground-result"]')?.textContent ?? "") !== "");
  return (await testid(page, "playground-result").textContent()) ?? "";
}

async function evalJson(args: string[]): Promise<any> {
  const r = await runIn(repo, ["eval", "--bundle", bundle, "--key", pub, "--format", "json", ...args]);
  expect([0, 1], r.err).toContain(r.code);
  return JSON.parse(r.out);
}

const CASES: AccessCase[] = [
  { target: "production", action: "db:Select", resource: "db://production/users", context: { "source.ip": "10.0.0.5" } },
  { target: "production", action: "db:Select", resource: "db://production/users", context: { "source.ip": "8.8.8.8" } },
  { target: "production", action: "db:Delete", resource: "db://production/users", context: { "source.ip": "10.0.0.5" } },
  { target: "production", action: "db:Update", resource: "db://production/orders", context: { "principal.role": "dba" } },
  { target: "production", action: "api:Post", resource: "https://tickets.acme.example/api/tickets/42/comments", context: {} },
  { target: "staging", action: "db:Select", resource: "db://staging/users", context: {} },
];

describe("the report page in Chromium", () => {
  it("is one self-contained file within the size budget that makes no request beyond itself", async () => {
    const size = statSync(signedReport).size;
    expect(size).toBeLessThanOrEqual(MAX_REPORT_BYTES);
    const html = readFileSync(signedReport, "utf8");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?(https?:)?\/\//i);
    const { page, requests } = await open(signedReport);
    expect(requests.every((u) => u.startsWith("file://") || u.startsWith("data:"))).toBe(true);
    await page.close();
  });

  it("verifies the embedded bundle and answers like edict eval, linking each reason to its statement", async () => {
    const { page } = await open(signedReport);
    expect(await testid(page, "report-verified").textContent()).toMatch(/^verified: acme-policies /);
    for (const c of CASES) {
      const text = await decideAccess(page, c);
      const context = Object.entries(c.context).flatMap(([k, v]) => ["-c", `${k}=${String(v)}`]);
      const expected = await evalJson(["-t", c.target, "-a", c.action, "-r", c.resource, ...context]);
      expect(text.startsWith(expected.decision), `${c.action} ${c.resource}: page says ${text}, eval says ${expected.decision}`).toBe(true);
      for (const r of expected.reasons) expect(text).toContain(`${r.policy}/${r.sid ?? "(no Sid)"}`);
      if (expected.approval) expect(text).toContain("approval required");
      // every reason is a link to a row of the tree
      const hrefs = await testid(page, "playground-result").locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
      expect(hrefs).toHaveLength(expected.reasons.length);
      for (const href of hrefs) expect(await page.locator(`tr${href}`).count()).toBe(1);
    }
    await page.close();
  });

  it("answers tool calls and data requests like edict eval", async () => {
    const { page } = await open(signedReport);
    for (const uri of ["mcp://vision-mcp/detect@1.2.0", "mcp://unknown-server/anything"]) {
      await testid(page, "playground-kind").selectOption("tool");
      await testid(page, "playground-tool-uri").fill(uri);
      await testid(page, "playground-result").evaluate((e) => (e.textContent = ""));
      await testid(page, "playground-decide").click();
      const text = (await testid(page, "playground-result").textContent()) ?? "";
      const expected = await evalJson(["-t", "production", "--tool", uri]);
      expect(text.startsWith(expected.allowed ? (expected.enforced === "escalate" ? "escalate" : "allow") : "deny"), `${uri}: ${text}`).toBe(true);
    }
    const request = { dataset: "customers", fields: [{ name: "email", sensitivity: "pii" }], requester: { role: "analyst", region: "US" }, dataset_region: "EU" };
    await testid(page, "playground-kind").selectOption("data");
    await testid(page, "playground-data-request").fill(JSON.stringify(request));
    await testid(page, "playground-decide").click();
    const expected = await evalJson(["-t", "production", "--data", JSON.stringify(request)]);
    expect((await testid(page, "playground-result").textContent()) ?? "").toMatch(new RegExp(`^${expected.action}`));
    await page.close();
  });

  it("refuses to answer from a bundle with one byte flipped, and shows the failure's code", async () => {
    const html = readFileSync(signedReport, "utf8");
    const m = /(<script type="application\/octet-stream" id="edict-bundle">)([A-Za-z0-9+/=]+)(<\/script>)/.exec(html);
    expect(m).not.toBeNull();
    const bytes = Buffer.from(m![2]!, "base64");
    // a byte inside the base64 payload of the envelope: the signature no longer covers what is there
    const at = bytes.indexOf('"payload":"') + 40;
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    const tampered = join(work, "tampered.report.html");
    writeFileSync(tampered, html.replace(m![0], `${m![1]}${bytes.toString("base64")}${m![3]}`));
    const { page } = await open(tampered);
    const status = (await testid(page, "report-verified").textContent()) ?? "";
    expect(status).toMatch(/^refused: (SIGNATURE_ERROR|FORMAT_ERROR|DIGEST_MISMATCH):/);
    expect(status).not.toMatch(/^verified/);
    expect(await testid(page, "playground-decide").isDisabled()).toBe(true);
    expect(await testid(page, "playground-result").textContent()).toMatch(/no decisions/);
    await page.close();
  });

  it("answers from the repository when unsigned, saying so, and keeps the tree browsable", async () => {
    const { page } = await open(unsignedReport);
    expect(await testid(page, "report-verified").textContent()).toMatch(/^unsigned: /);
    const text = await decideAccess(page, CASES[2]!);
    expect(text).toMatch(/^deny/);
    expect(await page.locator('[data-testid="tree-target"]').count()).toBe(3);
    await page.close();
  });

  it("saves a screenshot", async () => {
    const { page } = await open(signedReport);
    await decideAccess(page, CASES[3]!);
    await page.locator("#playground").scrollIntoViewIfNeeded();
    const shot = join(work, "report.png");
    await page.screenshot({ path: shot, fullPage: false });
    const png = readFileSync(shot);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.length).toBeGreaterThan(10_000);
    if (process.env.EDICT_UPDATE_SCREENSHOT === "1") copyFileSync(shot, join(EXAMPLE_ROOT, "docs", "report.png"));
    await page.close();
  });
});
