/**
 * publish mode with `oci`: after the release (the fake GitHub), the same bundle bytes are pushed to
 * a real registry (Debian's docker-registry with token auth: the job's token answers the bearer
 * challenge, as on GHCR) as the version and latest, idempotently; a loader reads it back.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ActionContext } from "../../src/action/context.js";
import { parseInputs } from "../../src/action/inputs.js";
import type { InputName } from "../../src/action/inputs.js";
import { isLoopbackHost, parseOciInput, versionTag } from "../../src/action/oci-publish.js";
import { runAction } from "../../src/action/run.js";
import { sha256Hex } from "../../src/bundle/digest.js";
import { generateKeyPair, toPrivateKeyPem } from "../../src/bundle/keys.js";
import { createLoader } from "../../src/loader/oci.js";
import { copyExample } from "../helpers/example.js";
import { startRegistry } from "../oci/registry.js";
import type { TestRegistry } from "../oci/registry.js";
import { fakeClient, FakeGitHub } from "./fake-github.js";
import { recorder } from "./recorder.js";

const gh = new FakeGitHub();
const PAIR = generateKeyPair();
const KEY_PEM = toPrivateKeyPem(PAIR.privateKey);
const ENV = { GITHUB_ACTOR: "octocat" };
let registry: TestRegistry;
let workspace = "";

const inputs = (given: Partial<Record<InputName, string>> = {}) => parseInputs((name) => ({ "github-token": gh.token, "signing-key": KEY_PEM, mode: "publish", ...given })[name] ?? "");

function ctx(): ActionContext {
  return {
    eventName: "push",
    ref: "refs/heads/main",
    sha: "",
    owner: gh.owner,
    repo: gh.repo,
    payload: { repository: { default_branch: "main" } },
    workspace,
    serverUrl: "https://github.com",
    runnerTemp: mkdtempSync(join(tmpdir(), "edict-runner-")),
  };
}

beforeAll(async () => {
  await gh.start();
  registry = await startRegistry({ token: { user: "octocat", password: gh.token } });
  workspace = mkdtempSync(join(tmpdir(), "edict-publish-oci-"));
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: workspace, encoding: "utf8" }).trim();
  git("init", "--quiet", "--initial-branch=main");
  copyExample(workspace);
  git("add", "-A");
  git("commit", "--quiet", "-m", "policies");
});
afterAll(async () => {
  await gh.stop();
  await registry.stop();
});
beforeEach(() => gh.reset());

describe("publish with oci", () => {
  it("pushes the released bytes as the version and latest with the job's token; a re-run pushes nothing new", async () => {
    const io = recorder();
    const oci = `${registry.host}/acme/policies`;
    const result = await runAction(inputs({ oci }), ctx(), { octokit: fakeClient(gh).octokit, io, env: ENV });
    expect(result, io.lines.join("\n")).toMatchObject({ mode: "publish", ok: true, outputs: { version: "0.1.0" } });
    const released = gh.published()[0]!.assets.find((a) => a.name === "acme-policies.bundle.json")!.bytes;

    // the token came from the realm, asked with the actor and the job's token
    expect(registry.tokenRequests.at(-1)?.authorization).toBe(`Basic ${Buffer.from(`octocat:${gh.token}`).toString("base64")}`);
    const manifest = await fetchManifest(`${registry.origin}/v2/acme/policies/manifests/0.1.0`);
    expect(manifest.json.layers[0].digest).toBe(`sha256:${sha256Hex(released)}`);
    expect(manifest.json.annotations["org.opencontainers.image.version"]).toBe("0.1.0");
    expect((await fetchManifest(`${registry.origin}/v2/acme/policies/manifests/latest`)).digest).toBe(manifest.digest);
    expect(io.lines.join("\n")).toContain(`pushed acme-policies 0.1.0 to ${oci} as 0.1.0, latest: ${manifest.digest}`);
    expect(io.summary).toContain(manifest.digest);

    const again = recorder();
    const rerun = await runAction(inputs({ oci: `oci://${oci}` }), ctx(), { octokit: fakeClient(gh).octokit, io: again, env: ENV });
    expect(rerun, again.lines.join("\n")).toMatchObject({ ok: true });
    expect(again.lines.join("\n")).toContain("(already there)");

    // and a fleet reads it from the registry
    const loader = createLoader({ source: `oci://${oci}:latest`, plainHttp: true, registryCredentials: `octocat:${gh.token}`, trustedKeys: [PAIR.publicKey], target: "production", pollIntervalMs: 0 });
    try {
      expect((await loader.load()).meta.version).toBe("0.1.0");
    } finally {
      loader.close();
    }
  });

  it("fails the step, after the release, when the registry refuses the token", async () => {
    const io = recorder();
    const result = await runAction(inputs({ oci: `${registry.host}/acme/policies` }), ctx(), { octokit: fakeClient(gh).octokit, io, env: { GITHUB_ACTOR: "someone-else" } });
    expect(result.ok).toBe(false);
    expect(result.failure).toContain("the release is published, but pushing it to");
    expect(result.failure).toContain("packages: write");
    expect(gh.published()).toHaveLength(1);
  });

  it("refuses an oci input with a tag or a digest, or that is not a repository", () => {
    expect(parseOciInput("ghcr.io/acme/policies", "1.2.0")).toEqual({ host: "ghcr.io", repository: "acme/policies", tag: "1.2.0" });
    expect(parseOciInput("oci://127.0.0.1:5000/acme/p", "1.2.0")).toMatchObject({ host: "127.0.0.1:5000", repository: "acme/p" });
    for (const bad of ["ghcr.io/acme/policies:1.0", "ghcr.io/acme/policies@sha256:" + "a".repeat(64), "ghcr.io/Acme/Policies", "ghcr.io"]) {
      expect(() => parseOciInput(bad, "1.2.0"), bad).toThrow(expect.objectContaining({ code: "USAGE" }));
    }
    expect(versionTag("1.2.0+build.7")).toBe("1.2.0_build.7");
    expect(isLoopbackHost("127.0.0.1:5000")).toBe(true);
    expect(isLoopbackHost("localhost")).toBe(true);
    expect(isLoopbackHost("ghcr.io")).toBe(false);
  });
});

async function fetchManifest(url: string): Promise<{ json: Record<string, any>; digest: string | null }> {
  // the registry wants a token for reads too: ask the realm like any client
  const challenge = await fetch(url, { method: "HEAD" });
  const header = challenge.headers.get("www-authenticate") ?? "";
  const params = Object.fromEntries([...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  const tokenUrl = `${params.realm}?service=${encodeURIComponent(params.service!)}&scope=${encodeURIComponent(params.scope!)}`;
  const { token } = (await (await fetch(tokenUrl, { headers: { authorization: `Basic ${Buffer.from(`octocat:${gh.token}`).toString("base64")}` } })).json()) as { token: string };
  const res = await fetch(url, { headers: { accept: "application/vnd.oci.image.manifest.v1+json", authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return { json: (await res.json()) as Record<string, any>, digest: res.headers.get("docker-content-digest") };
}
