import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { installedPacksOf } from "../../src/bundle/payload-build.js";
import { buildPayload } from "../../src/bundle/payload-build.js";
import type { PackState } from "../../src/model/types.js";
import { readRepository } from "../../src/io/read-repository.js";
import { buildAllTargets } from "../../src/model/merge/index.js";
import type { TargetMerge } from "../../src/model/merge/index.js";
import { gatherChanges } from "../../src/report/gather-changes.js";
import { renderChanges, sanitiseRawHtml } from "../../src/report/sections/changes.js";
import { ACCESS, craft, CREATED, EXPIRES, KEY, OUTSIDER, REVISION } from "../bundle/fixtures.js";
import { copyExample } from "../helpers/example.js";
import { repoOf } from "../helpers/repo.js";

/** A signed bundle of these targets (serial 7, version 0.3.1, long expired: the past release). */
function bundleOf(targets: TargetMerge[], packState?: PackState, keys = [KEY]): Uint8Array {
  const { bytes } = buildPayload({ name: "acme-policies", version: "0.3.1", serial: 7, revision: REVISION, createdAt: CREATED, expiresAt: EXPIRES, targets, packState, sources: [] });
  return craft(bytes, keys);
}

async function exampleRepo(edit?: (root: string) => void) {
  const root = mkdtempSync(join(tmpdir(), "edict-report-changes-"));
  copyExample(root);
  edit?.(root);
  return readRepository(root);
}

const XSS_SID = "<script>alert(1)</script>";
const XSS_RESOURCE = "db://<img src=x onerror=alert(1)>/users";

/** A previous release that denied deletes through a statement whose Sid and resource are hostile; head drops it. */
function hostile(): { previous: Uint8Array; head: TargetMerge[] } {
  const deny = `    - Sid: "${XSS_SID}"\n      Effect: Deny\n      Action: [db:Select]\n      Resource: "${XSS_RESOURCE}"\n`;
  const before = repoOf({ "policies/access.yaml": ACCESS + deny });
  return { previous: bundleOf(buildAllTargets(before)), head: buildAllTargets(repoOf({ "policies/access.yaml": ACCESS })) };
}

describe("gatherChanges", () => {
  it("diffs the example against a signed previous release: a newly allowed request, the pack upgrade, the labels and version", async () => {
    // the previous release: production reads were not allowed, and starter was at 0.9.0
    const before = await exampleRepo((root) => {
      const file = join(root, "policies/access/production.yaml");
      writeFileSync(file, readFileSync(file, "utf8").replace("Action: [file:Read, api:Get, db:Select]", "Action: [file:Read, api:Get]"));
    });
    const state = structuredClone(before.packState!.value);
    state.installed_packs!.starter!.version = "0.9.0";
    const previous = bundleOf(buildAllTargets(before), state);

    const head = await exampleRepo();
    const changes = gatherChanges(previous, "acme-policies.bundle.json", buildAllTargets(head), {
      trustedKeys: [KEY.publicKey],
      head: "abcdef0",
      headPacks: installedPacksOf(head.packState?.value),
    });
    expect(changes.previous).toEqual({ version: "0.3.1", serial: 7, revision: REVISION, file: "acme-policies.bundle.json", verified: true, keyids: [KEY.publicKey.keyid] });
    const { result } = changes;
    expect(result.base).toBe("0.3.1 (serial 7)");
    expect(result.head).toBe("abcdef0");
    expect(result.verdict).toBe("loosened");
    expect(result.lastVersion).toBe("0.3.1");
    expect(result.nextVersion).toBe("0.4.0");
    expect(result.targets.map((t) => [t.target, t.verdict])).toEqual([
      ["production", "loosened"],
      ["staging", "unchanged"],
      ["development", "unchanged"],
    ]);
    const production = result.targets[0]!;
    expect(production.newlyAllowed.some((r) => r.action === "db:Select" && r.after === "allow" && r.before === "deny")).toBe(true);
    expect(result.counts.newlyAllowed).toBe(production.newlyAllowedTotal);
    expect(result.counts.newlyAllowed).toBeGreaterThan(0);
    expect(result.packs).toEqual([{ name: "starter", change: "upgraded", before: "0.9.0", after: "1.0.0" }]);

    const html = renderChanges(changes);
    expect(html).toMatch(/^<section id="changes" data-testid="section-changes"><h2>Changes<\/h2>/);
    expect(html).toContain(`previous release <b>0.3.1</b> (serial 7, revision <code title="${REVISION}">${REVISION.slice(0, 12)}</code>)`);
    expect(html).toContain("signature verified");
    // as in the PR comment: the newly allowed table, then a collapsible section per changed target
    expect(html).toMatch(/<h\d>⚠ Newly allowed<\/h\d>/);
    const newly = /⚠ Newly allowed<\/h\d>\s*<table>([\s\S]*?)<\/table>/.exec(html)![1]!;
    expect(newly).toContain("production");
    expect(newly).toContain("db:Select");
    expect(html).toMatch(/<details><summary>🔓 <b>production<\/b>[^<]*: loosened/);
    expect(html).toContain("</details>");
  });

  it("reads a previous bundle without keys unverified, and only the targets asked for", () => {
    const { previous, head } = hostile();
    const changes = gatherChanges(previous, "old.json", head, { targets: ["production"] });
    expect(changes.previous.verified).toBe(false);
    expect(changes.previous.keyids).toBeUndefined();
    expect(changes.result.head).toBe("working tree");
    expect(changes.result.targets.map((t) => t.target)).toEqual(["production"]);
    expect(changes.result.packs).toEqual([]);
    expect(renderChanges(changes)).toContain("not verified");
  });

  it("refuses a malformed bundle, a foreign payload type, a wrong signer and an unknown target with typed errors", () => {
    const { previous, head } = hostile();
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return "no error";
    };
    expect(codeOf(() => gatherChanges(new TextEncoder().encode("{not json"), "x", head))).toBe("FORMAT_ERROR");
    // unsigned and read without keys: still a v1 payload or refused
    expect(codeOf(() => gatherChanges(new TextEncoder().encode('{"payload":"e30=","payloadType":"application/vnd.edict.bundle.v1+json","signatures":[]}'), "x", head))).toBe("FORMAT_ERROR");
    expect(codeOf(() => gatherChanges(craft({ a: 1 }, [KEY], "text/plain"), "x", head))).toBe("PAYLOAD_TYPE_ERROR");
    expect(codeOf(() => gatherChanges(craft({ a: 1 }), "x", head))).toBe("FORMAT_ERROR");
    expect(codeOf(() => gatherChanges(previous, "x", head, { trustedKeys: [OUTSIDER.publicKey] }))).toBe("UNTRUSTED_KEY");
    expect(codeOf(() => gatherChanges(previous, "x", head, { targets: ["prod"] }))).toBe("USAGE");
  });
});

describe("renderChanges", () => {
  it("keeps no tag from a hostile Sid or resource, while the diff's own tags stay", () => {
    const { previous, head } = hostile();
    const html = renderChanges(gatherChanges(previous, "old.json", head));
    // the hostile statement's removal is in the diff (as text)
    expect(html).toContain("alert(1)");
    expect(html).toContain("onerror=alert(1)");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<[a-z][^>]*\son\w+=/i);
    // every tag in the diff body is one marked writes for markdown, or one of the allowed bare ones
    const body = /<div class="diff-md" data-testid="changes-diff">([\s\S]*)<\/div>/.exec(html)![1]!;
    const tags = new Set([...body.matchAll(/<\/?([a-zA-Z0-9]+)/g)].map((m) => m[1]!.toLowerCase()));
    const markdownTags = ["p", "h1", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "ul", "ol", "li", "em", "strong", "a", "hr", "blockquote", "del"];
    for (const t of tags) expect([...markdownTags, "details", "summary", "b", "sub", "br"]).toContain(t);
    expect(tags.has("details")).toBe(true);
  });

  it("sanitises raw HTML: bare allowed tags pass, attributes and other tags are escaped, entities kept", () => {
    expect(sanitiseRawHtml("<details><summary>🔓 <b>prod</b> &lt;x&gt;</summary>")).toBe("<details><summary>🔓 <b>prod</b> &lt;x&gt;</summary>");
    expect(sanitiseRawHtml("<br/><SUB>n</SUB>")).toBe("<br><sub>n</sub>");
    expect(sanitiseRawHtml('<b onclick="x()">')).toBe("&lt;b onclick=&quot;x()&quot;&gt;");
    expect(sanitiseRawHtml("<script>alert(1)</script>")).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(sanitiseRawHtml("<img src=x onerror=alert(1)>")).toBe("&lt;img src=x onerror=alert(1)&gt;");
    expect(sanitiseRawHtml("<!-- c --> a & b")).toBe("&lt;!-- c --&gt; a &amp; b");
  });

  it("keeps only http(s) links and turns images into their text", () => {
    const changes = gatherChanges(hostile().previous, "old.json", hostile().head);
    // a region note or value could carry markdown; simulate one in a change note
    const target = changes.result.targets[0]!;
    target.changes[0]!.note = "[click](javascript:alert(1)) [docs](https://example.com/x) ![t](https://example.com/t.png)";
    const html = renderChanges(changes);
    expect(html).not.toContain("javascript:");
    expect(html).toContain('<a href="https://example.com/x" target="_blank" rel="noopener noreferrer">docs</a>');
    expect(html).not.toMatch(/<img/i);
  });

  it("says how to compare when there is no previous release", () => {
    expect(renderChanges(undefined)).toContain("Give <code>--previous BUNDLE</code> to compare with the previous release.");
  });
});
