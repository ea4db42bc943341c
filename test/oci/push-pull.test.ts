/**
 * `edict bundle push | pull` against a real registry (Debian's docker-registry, distribution 2.8):
 * anonymous, htpasswd basic auth, and the registry's token auth with the tests' own token server.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/bundle/digest.js";
import { runIn } from "../helpers/cli.js";
import { BUNDLE_4, BUNDLE_5 } from "../loader/helpers.js";
import { startRegistry } from "./registry.js";
import type { TestRegistry } from "./registry.js";

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "edict-oci-cli-"));
  writeFileSync(join(dir, "four.bundle.json"), BUNDLE_4);
  writeFileSync(join(dir, "five.bundle.json"), BUNDLE_5);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function manifestOf(registry: TestRegistry, repo: string, ref: string, authorization?: string): Promise<{ json: Record<string, any>; digest: string | null }> {
  const res = await fetch(`${registry.origin}/v2/${repo}/manifests/${ref}`, {
    headers: { accept: "application/vnd.oci.image.manifest.v1+json", ...(authorization ? { authorization } : {}) },
  });
  expect(res.status).toBe(200);
  return { json: (await res.json()) as Record<string, any>, digest: res.headers.get("docker-content-digest") };
}

describe("anonymous registry", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  });
  afterAll(() => registry.stop());

  it("pushes the bundle as an OCI artifact, tagged TAG and latest, and prints the manifest digest", async () => {
    const r = await runIn(dir, ["bundle", "push", "four.bundle.json", `oci://${registry.host}/acme/policies:1.2.3`, "--plain-http"]);
    expect(r.err).toContain("pushed acme 1.2.3 (serial 4)");
    expect(r.code).toBe(0);
    const digest = r.out.trim();
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);

    const { json, digest: served } = await manifestOf(registry, "acme/policies", "1.2.3");
    expect(served).toBe(digest);
    expect(json).toEqual({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      artifactType: "application/vnd.edict.bundle.v1+json",
      config: { mediaType: "application/vnd.oci.empty.v1+json", digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", size: 2 },
      layers: [
        {
          mediaType: "application/vnd.edict.bundle.v1+json",
          digest: `sha256:${sha256Hex(BUNDLE_4)}`,
          size: BUNDLE_4.length,
          annotations: { "org.opencontainers.image.title": "acme.bundle.json" },
        },
      ],
      annotations: {
        "org.opencontainers.image.version": "1.2.3",
        "org.opencontainers.image.revision": "0123456789abcdef0123456789abcdef01234567",
        "org.opencontainers.image.created": "2026-01-02T03:04:05Z",
        "dev.edict.serial": "4",
      },
    });
    expect((await manifestOf(registry, "acme/policies", "latest")).digest).toBe(digest);
    const blob = await fetch(`${registry.origin}/v2/acme/policies/blobs/sha256:${sha256Hex(BUNDLE_4)}`);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(BUNDLE_4);
  });

  it("is idempotent: the same bundle again uploads nothing and gives the same digest; --format json", async () => {
    const first = await runIn(dir, ["bundle", "push", "four.bundle.json", `oci://${registry.host}/acme/again:1.2.3`, "--plain-http", "--format", "json"]);
    expect(first.code).toBe(0);
    const again = await runIn(dir, ["bundle", "push", "four.bundle.json", `oci://${registry.host}/acme/again:1.2.3`, "--plain-http", "--format", "json"]);
    expect(again.code).toBe(0);
    const a = JSON.parse(first.out) as { digest: string; tags: string[]; size: number };
    expect(a).toEqual({ digest: expect.stringMatching(/^sha256:/), tags: ["1.2.3", "latest"], size: expect.any(Number) });
    expect(JSON.parse(again.out)).toEqual(a);
    const text = await runIn(dir, ["bundle", "push", "four.bundle.json", `oci://${registry.host}/acme/again:1.2.3`, "--plain-http"]);
    expect(text.err).toContain("the blobs were already there");
    expect(text.out.trim()).toBe(a.digest);
  });

  it("--no-latest tags only TAG", async () => {
    const r = await runIn(dir, ["bundle", "push", "five.bundle.json", `oci://${registry.host}/acme/nolatest:1.3.0`, "--plain-http", "--no-latest", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).tags).toEqual(["1.3.0"]);
    const res = await fetch(`${registry.origin}/v2/acme/nolatest/manifests/latest`, { method: "HEAD", headers: { accept: "application/vnd.oci.image.manifest.v1+json" } });
    expect(res.status).toBe(404);
  });

  it("pulls by tag (named after the layer's title) and by digest (--out), byte for byte", async () => {
    const pushed = await runIn(dir, ["bundle", "push", "five.bundle.json", `oci://${registry.host}/acme/pull:1.3.0`, "--plain-http"]);
    const digest = pushed.out.trim();
    const into = mkdtempSync(join(dir, "pull-"));
    const byTag = await runIn(into, ["bundle", "pull", `oci://${registry.host}/acme/pull:1.3.0`, "--plain-http"]);
    expect(byTag.code).toBe(0);
    expect(byTag.out).toContain(digest);
    expect(readFileSync(join(into, "acme.bundle.json"))).toEqual(Buffer.from(BUNDLE_5));
    const byDigest = await runIn(into, ["bundle", "pull", `oci://${registry.host}/acme/pull@${digest}`, "--plain-http", "--out", "copy/x.bundle.json", "--format", "json"]);
    expect(byDigest.code).toBe(0);
    expect(JSON.parse(byDigest.out)).toMatchObject({ ok: true, digest, layer: `sha256:${sha256Hex(BUNDLE_5)}`, size: BUNDLE_5.length });
    expect(readFileSync(join(into, "copy/x.bundle.json"))).toEqual(Buffer.from(BUNDLE_5));
  });

  it("refuses a missing tag (exit 1) and a malformed reference or a push by digest (exit 2)", async () => {
    const missing = await runIn(dir, ["bundle", "pull", `oci://${registry.host}/acme/none:1.0.0`, "--plain-http"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("FETCH_FAILED");
    expect(missing.err).toContain("HTTP 404");
    const bad = await runIn(dir, ["bundle", "pull", "docker://x/y:z"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("oci://HOST[:PORT]/REPO:TAG");
    const byDigest = await runIn(dir, ["bundle", "push", "four.bundle.json", `oci://${registry.host}/acme/x@sha256:${"0".repeat(64)}`, "--plain-http"]);
    expect(byDigest.code).toBe(2);
    const notBundle = await runIn(dir, ["bundle", "push", "missing.bundle.json", `oci://${registry.host}/acme/x:1`, "--plain-http"]);
    expect(notBundle.code).toBe(2);
    expect(notBundle.err).toContain("missing.bundle.json");
  });

  it("a push to a registry that is not there is an IO_ERROR (exit 2)", async () => {
    const r = await runIn(dir, ["bundle", "push", "four.bundle.json", "oci://127.0.0.1:9/acme/x:1", "--plain-http", "--format", "json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toMatchObject({ ok: false, code: "IO_ERROR" });
  });
});

describe("--help", () => {
  it("push and pull explain themselves with examples", async () => {
    const push = await runIn(dir, ["bundle", "push", "--help"]);
    expect(push.code).toBe(0);
    expect(push.out).toContain("--token-env <var>");
    expect(push.out).toContain("--no-latest");
    expect(push.out).toContain("edict bundle push dist/acme.bundle.json oci://ghcr.io/acme/policies:1.2.0");
    const pull = await runIn(dir, ["bundle", "pull", "--help"]);
    expect(pull.out).toContain("--out <file>");
    expect(pull.out).toContain("--plain-http");
  });
});

describe("htpasswd basic auth", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ basic: { user: "ci", password: "s3cret" } });
  });
  afterAll(() => registry.stop());

  it("refuses a push without credentials and says how to pass them", async () => {
    const r = await runIn(dir, ["bundle", "push", "four.bundle.json", `oci://${registry.host}/acme/policies:1.2.3`, "--plain-http"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("HTTP 401");
    expect(r.err).toContain("--token-env");
  });

  it("pushes and pulls with user:token from --token-env, and a wrong password is refused", async () => {
    const env = { REG: "ci:s3cret", WRONG: "ci:nope" };
    const pushed = await runIn(dir, ["bundle", "push", "four.bundle.json", `oci://${registry.host}/acme/policies:1.2.3`, "--plain-http", "--token-env", "REG"], env);
    expect(pushed.code).toBe(0);
    expect(pushed.out).not.toContain("s3cret");
    const into = mkdtempSync(join(dir, "basic-"));
    const pulled = await runIn(into, ["bundle", "pull", `oci://${registry.host}/acme/policies:latest`, "--plain-http", "--token-env", "REG"], env);
    expect(pulled.code).toBe(0);
    expect(readFileSync(join(into, "acme.bundle.json"))).toEqual(Buffer.from(BUNDLE_4));
    const wrong = await runIn(into, ["bundle", "pull", `oci://${registry.host}/acme/policies:latest`, "--plain-http", "--token-env", "WRONG"], env);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain("refused the credentials");
    const unset = await runIn(into, ["bundle", "pull", `oci://${registry.host}/acme/policies:latest`, "--plain-http", "--token-env", "UNSET"], env);
    expect(unset.code).toBe(2);
  });
});

describe("the registry's bearer-token challenge", () => {
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ token: { user: "github-actions", password: "ghs_token" } });
  });
  afterAll(() => registry.stop());

  it("answers the challenge at the realm with service, scope and basic credentials, then retries with the bearer token", async () => {
    const env = { GITHUB_TOKEN: "ghs_token", CREDS: "github-actions:ghs_token" };
    const pushed = await runIn(dir, ["bundle", "push", "four.bundle.json", `oci://${registry.host}/acme/policies:1.2.3`, "--plain-http", "--token-env", "CREDS"], env);
    expect(pushed.err).toContain("pushed");
    expect(pushed.code).toBe(0);
    expect(registry.tokenRequests.length).toBeGreaterThan(0);
    const first = registry.tokenRequests[0]!;
    expect(first.authorization).toBe(`Basic ${Buffer.from("github-actions:ghs_token").toString("base64")}`);
    expect(first.query).toContain("service=edict-test-registry");
    expect(decodeURIComponent(first.query)).toContain("scope=repository:acme/policies:");
    const into = mkdtempSync(join(dir, "bearer-"));
    const pulled = await runIn(into, ["bundle", "pull", `oci://${registry.host}/acme/policies:1.2.3`, "--plain-http", "--token-env", "CREDS"], env);
    expect(pulled.code).toBe(0);
    expect(readFileSync(join(into, "acme.bundle.json"))).toEqual(Buffer.from(BUNDLE_4));
    const refused = await runIn(into, ["bundle", "pull", `oci://${registry.host}/acme/policies:1.2.3`, "--plain-http"], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("HTTP 401");
  });
});
