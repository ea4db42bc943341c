/**
 * The pure parts of OCI support: references, the bundle manifest, the auth challenge, and the
 * OCI entry point's import graph (runtime-neutral: no package and no `node:*` module).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { utf8Encode } from "../../src/bundle/bytes.js";
import { parseChallenge } from "../../src/oci/client.js";
import { readBundleManifest, toManifestBytes } from "../../src/oci/manifest.js";
import { formatOciReference, parseOciReference } from "../../src/oci/reference.js";

describe("parseOciReference", () => {
  it("reads host, port, nested repository, tag and digest", () => {
    expect(parseOciReference("oci://ghcr.io/acme/policies:1.2.0")).toEqual({ host: "ghcr.io", repository: "acme/policies", tag: "1.2.0" });
    const digest = `sha256:${"ab".repeat(32)}`;
    expect(parseOciReference(`oci://127.0.0.1:5000/a/b/c@${digest}`)).toEqual({ host: "127.0.0.1:5000", repository: "a/b/c", digest });
    expect(parseOciReference(`oci://r.io/a:t@${digest}`)).toEqual({ host: "r.io", repository: "a", tag: "t", digest });
    expect(formatOciReference(parseOciReference(`oci://r.io/a:t@${digest}`)!)).toBe(`oci://r.io/a:t@${digest}`);
  });

  it("refuses what the distribution spec's grammar does not allow, and a reference without tag or digest", () => {
    for (const bad of ["oci://ghcr.io/acme", "oci://ghcr.io/Acme/p:1", "https://ghcr.io/a:1", "oci://ghcr.io/a:-x", "oci://ghcr.io/a@sha256:abc", "oci://user:pw@ghcr.io/a:1", "oci:///a:1", "oci://h/a//b:1"]) {
      expect(parseOciReference(bad), bad).toBeUndefined();
    }
  });
});

describe("the bundle manifest", () => {
  const layer = { digest: `sha256:${"1".repeat(64)}`, size: 10, title: "acme.bundle.json" };

  it("round-trips its layer, and one bundle gives one manifest", () => {
    const bytes = toManifestBytes({ layer, annotations: { "dev.edict.serial": "4" } });
    expect(readBundleManifest(bytes, "x")).toEqual(layer);
    expect(toManifestBytes({ layer, annotations: { "dev.edict.serial": "4" } })).toEqual(bytes);
  });

  it("drops a title that is not a plain bundle file name (no path from the registry reaches the disk)", () => {
    const bytes = toManifestBytes({ layer: { ...layer, title: "../../etc/passwd.bundle.json" }, annotations: {} });
    expect(readBundleManifest(bytes, "x")).toEqual({ digest: layer.digest, size: 10 });
  });

  it("refuses an image, an index, two bundle layers or garbage with FORMAT_ERROR", () => {
    const cases = [
      "not json",
      "null",
      JSON.stringify({ mediaType: "application/vnd.oci.image.index.v1+json", manifests: [] }),
      JSON.stringify({ layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: layer.digest, size: 1 }] }),
      JSON.stringify({ layers: [1, 2].map(() => ({ mediaType: "application/vnd.edict.bundle.v1+json", digest: layer.digest, size: 1 })) }),
      JSON.stringify({ layers: [{ mediaType: "application/vnd.edict.bundle.v1+json", digest: "md5:x", size: 1 }] }),
      JSON.stringify({ layers: [{ mediaType: "application/vnd.edict.bundle.v1+json", digest: layer.digest, size: -1 }] }),
    ];
    for (const c of cases) expect(() => readBundleManifest(utf8Encode(c), "x"), c).toThrow(expect.objectContaining({ code: "FORMAT_ERROR" }));
  });
});

describe("parseChallenge", () => {
  it("reads a Bearer challenge's realm, service and scope", () => {
    expect(parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/p:pull"')).toEqual({
      scheme: "bearer",
      params: { realm: "https://ghcr.io/token", service: "ghcr.io", scope: "repository:acme/p:pull" },
    });
    expect(parseChallenge('Basic realm="x"')?.scheme).toBe("basic");
    expect(parseChallenge(null)).toBeUndefined();
  });
});

describe("edict/loader/oci's static import graph", () => {
  const SRC = path.resolve(import.meta.dirname, "../../src");
  const seen = new Set<string>();
  const packages: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
    for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\bfrom\s+"([^"]+)"/gm)) {
      if (m[2]) continue;
      const spec = m[3]!;
      if (spec.startsWith(".")) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts")));
      else packages.push(`${path.relative(SRC, file)} imports ${spec}`);
    }
  };
  visit(path.join(SRC, "loader/oci.ts"));

  it("imports no package and no node:* module, and never the push code", () => {
    expect(packages).toEqual([]);
    const names = [...seen].map((f) => path.relative(SRC, f));
    expect(names).toContain("oci/client.ts");
    expect(names).not.toContain("oci/push.ts");
    expect(names).not.toContain("loader/file-cache.ts");
  });
});
