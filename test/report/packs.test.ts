import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRepository } from "../../src/io/read-repository.js";
import { gatherPacks } from "../../src/report/gather-packs.js";
import { createLinker } from "../../src/report/provenance.js";
import { renderBandsSvg } from "../../src/report/sections/bands-svg.js";
import { renderPacks } from "../../src/report/sections/packs.js";
import type { ReportPacks } from "../../src/report/types.js";
import { copyExample } from "../helpers/example.js";
import { accessPolicy, repoOf } from "../helpers/repo.js";

function exampleRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), "edict-report-packs-"));
  copyExample(dir);
  return dir;
}

const svgOf = (html: string) => /<svg data-testid="packs-bands"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? "";
const bandRects = (svg: string) => [...svg.matchAll(/<rect class="band[^"]*" data-pack="([^"]*)" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g)];

describe("gatherPacks", () => {
  it("reads the example's installed packs with their bands, sources and the priorities their policies use", async () => {
    const root = exampleRoot();
    const repo = await readRepository(root);
    const packs = (await gatherPacks(root, repo))!;
    expect(packs.installed.map((p) => [p.name, p.version, p.layer, p.source])).toEqual([
      ["ai_safety", "1.1.0", "domain", "repository"],
      ["posture", "1.0.0", "foundation", "repository"],
      ["starter", "1.0.0", "foundation", "repository"],
    ]);
    const starter = packs.installed.find((p) => p.name === "starter")!;
    expect(starter.band).toEqual({ min: 100, max: 199 });
    expect(starter.priorities).toEqual([110, 120, 130, 140, 150]);
    expect(starter.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(packs.installed.find((p) => p.name === "ai_safety")!.band).toEqual({ min: 300, max: 399 });
    // the repository's own policies: every priority not owned by an installed pack file
    expect(packs.customPriorities).toEqual([200, 450, 500, 500, 600, 600, 700, 720, 800]);
    expect(packs.drift).toEqual([]);
  });

  it("reports a hand-edited installed file as drift", async () => {
    const root = exampleRoot();
    appendFileSync(join(root, "policies/starter__04__audit_log.yaml"), "# edited by hand\n");
    const packs = (await gatherPacks(root, await readRepository(root)))!;
    expect(packs.drift).toEqual([expect.objectContaining({ pack: "starter", kind: "modified", path: "policies/starter__04__audit_log.yaml" })]);
  });

  it("never throws on a broken pack state: no packs, no drift, the custom policies still counted", async () => {
    const root = exampleRoot();
    writeFileSync(join(root, ".edict/packs.yaml"), "installed_packs: [this is: not, a mapping\n");
    const packs = (await gatherPacks(root, await readRepository(root)))!;
    expect(packs.installed).toEqual([]);
    expect(packs.drift).toEqual([]);
    expect(packs.customPriorities.length).toBeGreaterThan(0);
  });

  it("is undefined for a repository with neither pack state nor policies", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edict-report-packs-"));
    writeFileSync(join(dir, "edict.yaml"), "name: x\nversion: 0.1.0\ntargets: { production: {} }\n");
    expect(await gatherPacks(dir, await readRepository(dir))).toBeUndefined();
  });
});

describe("renderPacks", () => {
  it("shows the example's packs in a table, one band rectangle per pack in its layer's lane, and no drift", async () => {
    const root = exampleRoot();
    const repo = await readRepository(root);
    const html = renderPacks(await gatherPacks(root, repo), createLinker(repo));
    expect(html).toMatch(/^<section id="packs" data-testid="section-packs"><h2>Packs<\/h2>/);
    const rows = [...html.matchAll(/<tr><td><b>([^<]+)<\/b><\/td><td>([^<]+)<\/td><td>([^<]+)<\/td><td>([^<]+)<\/td><td><code[^>]*>([^<]+)<\/code><\/td><td>([^<]+)<\/td><td><span class="status (\w+)">/g)];
    expect(rows.map((r) => [r[1], r[2], r[3], r[4], r[6], r[7]])).toEqual([
      ["ai_safety", "1.1.0", "domain", "repository", "300–399", "ok"],
      ["posture", "1.0.0", "foundation", "repository", "200–299", "ok"],
      ["starter", "1.0.0", "foundation", "repository", "100–199", "ok"],
    ]);
    expect(rows[2]![5]).toMatch(/^sha256:[0-9a-f]{12}…$/);

    const svg = svgOf(html);
    const rects = bandRects(svg);
    expect(rects.map((r) => r[1]).sort()).toEqual(["ai_safety", "posture", "starter"]);
    // one shared axis: starter's band (100–199) lies left of posture's (200–299), left of ai_safety's (300–399)
    const xOf = (name: string) => Number(rects.find((r) => r[1] === name)![2]);
    expect(xOf("starter")).toBeLessThan(xOf("posture"));
    expect(xOf("posture")).toBeLessThan(xOf("ai_safety"));
    // lanes top-down foundation, domain, custom: both foundation packs sit above the domain pack
    const yOf = (name: string) => Number(rects.find((r) => r[1] === name)![3]);
    expect(yOf("starter")).toBe(yOf("posture"));
    expect(yOf("ai_safety")).toBeGreaterThan(yOf("starter"));
    expect([...svg.matchAll(/<g class="lane" data-layer="(\w+)">/g)].map((m) => m[1])).toEqual(["foundation", "domain", "custom"]);
    expect([...svg.matchAll(/<text class="band-label[^"]*"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1])).toEqual(expect.arrayContaining(["starter", "posture", "ai_safety", "custom policies"]));
    // tick labels on the shared axis, and a dot per priority (5 + 3 + 5 pack policies, plus the custom ones)
    expect([...svg.matchAll(/<text class="tick-label"[^>]*>(\d+)<\/text>/g)].map((m) => Number(m[1]))).toEqual(expect.arrayContaining([0, 100, 200, 300]));
    expect(svg.match(/<circle class="prio"/g)).toHaveLength(13);
    expect(svg.match(/<circle class="prio custom"/g)!.length).toBeGreaterThan(0);
    expect(svg).not.toMatch(/href=|url\(|@import/);
    expect(html).toContain('<p data-testid="packs-drift" class="drift none">No drift');
  });

  it("lists drift with the edited file and the status modified", async () => {
    const root = exampleRoot();
    appendFileSync(join(root, "policies/starter__04__audit_log.yaml"), "# edited by hand\n");
    const repo = await readRepository(root);
    const html = renderPacks(await gatherPacks(root, repo), createLinker(repo));
    const drift = /<ul data-testid="packs-drift" class="drift">([\s\S]*?)<\/ul>/.exec(html)![1]!;
    expect(drift).toContain("policies/starter__04__audit_log.yaml of starter was edited by hand");
    expect(html).toMatch(/<b>starter<\/b>[\s\S]*?<span class="status bad">modified<\/span>/);
  });

  it("escapes pack names and layers, marks priorities outside a band, and draws a pack without a known band dashed", () => {
    const packs: ReportPacks = {
      installed: [
        { name: "<img src=x onerror=alert(1)>", version: "1.0.0", layer: "foundation", source: "repository", band: { min: 100, max: 199 }, priorities: [150, 250] },
        { name: "nometa", version: "2.0.0", layer: "<script>", source: "", priorities: [500, 540] },
      ],
      customPriorities: [700, 700, 800],
      drift: [{ pack: "nometa", kind: "outdated", message: "⚠ nometa <b>" }],
    };
    const html = renderPacks(packs, createLinker(repoOf({})));
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("⚠ nometa &lt;b&gt;");
    const svg = svgOf(html);
    expect(svg.match(/<circle class="prio outside"/g)).toHaveLength(1);
    expect(svg).toMatch(/<rect class="band unknown" data-pack="nometa"/);
    // an unknown layer gets a lane of its own after the known ones; the custom lane draws each priority once
    expect([...svg.matchAll(/<g class="lane" data-layer="([^"]+)">/g)].map((m) => m[1])).toEqual(["foundation", "domain", "custom", "&lt;script&gt;"]);
    expect(svg.match(/<circle class="prio custom"/g)).toHaveLength(2);
    expect(html).toMatch(/<span class="status warn">outdated<\/span>/);
  });

  it("says when no pack is installed, still drawing custom priorities, and when there is nothing at all", () => {
    const linker = createLinker(repoOf({ "policies/a.yaml": accessPolicy("  Statement: []\n") }));
    const withCustom = renderPacks({ installed: [], customPriorities: [100], drift: [] }, linker);
    expect(withCustom).toContain("No pack is installed");
    expect(bandRects(svgOf(withCustom))).toHaveLength(0);
    expect(svgOf(withCustom)).toContain('<circle class="prio custom"');
    const none = renderPacks(undefined, linker);
    expect(none).toContain("No pack is installed");
    expect(none).not.toContain("<svg");
  });

  it("keeps overlapping bands of one layer on separate rows", () => {
    const svg = renderBandsSvg({
      installed: [
        { name: "a", version: "1.0.0", layer: "domain", source: "repository", band: { min: 300, max: 399 }, priorities: [] },
        { name: "b", version: "1.0.0", layer: "domain", source: "repository", band: { min: 350, max: 450 }, priorities: [] },
      ],
      customPriorities: [],
      drift: [],
    });
    const ys = bandRects(svg).map((r) => Number(r[3]));
    expect(new Set(ys).size).toBe(2);
  });
});
