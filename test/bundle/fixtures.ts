/** Shared fixtures of the bundle tests: keys, payloads, crafted envelopes and real git repositories. */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { utf8Encode } from "../../src/bundle/bytes.js";
import { canonicalBytes } from "../../src/bundle/canonical-json.js";
import { signEnvelope, toEnvelopeBytes } from "../../src/bundle/dsse.js";
import { BundleError } from "../../src/bundle/errors.js";
import { PrivateKey } from "../../src/bundle/keys.js";
import { BUNDLE_PAYLOAD_TYPE } from "../../src/bundle/payload.js";
import { buildPayload } from "../../src/bundle/payload-build.js";
import type { BundlePayload } from "../../src/bundle/payload.js";
import { buildAllTargets } from "../../src/model/merge/index.js";
import { copyExample } from "../helpers/example.js";
import { repoOf } from "../helpers/repo.js";

export const MAIN = join(import.meta.dirname, "..", "..");

export const seeded = (n: number): PrivateKey => PrivateKey.fromSeed(new Uint8Array(32).fill(n));
export const KEY = seeded(1);
export const KEY2 = seeded(2);
export const OUTSIDER = seeded(9);

export const REVISION = "0123456789abcdef0123456789abcdef01234567";
export const CREATED = new Date("2026-01-02T03:04:05Z");
export const EXPIRES = new Date("2026-02-01T03:04:05Z");
/** A time at which the sample bundle is valid. */
export const NOW = new Date("2026-01-15T00:00:00Z");

export const ACCESS = `apiVersion: edict/v1
kind: AccessPolicy
metadata: { id: prod_access, priority: 700, targets: [production] }
spec:
  Version: "2024-12-02"
  Statement:
    - Sid: AllowRead
      Effect: Allow
      Action: [db:Select]
      Resource: "*"
    - Sid: DenyDelete
      Effect: Deny
      Action: [db:Delete]
      Resource: "*"
`;

/** A small valid repository's targets, merged for real. */
export function sampleTargets() {
  return buildAllTargets(repoOf({ "policies/access.yaml": ACCESS }));
}

export function samplePayload(overrides: Partial<Parameters<typeof buildPayload>[0]> = {}): { payload: BundlePayload; bytes: Uint8Array } {
  return buildPayload({
    name: "acme",
    version: "1.2.3",
    serial: 4,
    revision: REVISION,
    createdAt: CREATED,
    expiresAt: EXPIRES,
    targets: sampleTargets(),
    packState: {
      format_version: "v1",
      installed_packs: { starter: { name: "starter", version: "1.0.0", layer: "foundation", pack_checksum: `sha256:${"a".repeat(64)}`, files: [] } },
    },
    sources: [
      { path: "policies/access.yaml", sha256: "b".repeat(64) },
      { path: "edict.yaml", sha256: "c".repeat(64) },
    ],
    ...overrides,
  });
}

/** Signs arbitrary payload bytes (or a value, canonicalised) into bundle file bytes. */
export function craft(payload: Uint8Array | unknown, keys: readonly PrivateKey[] = [KEY], payloadType = BUNDLE_PAYLOAD_TYPE): Uint8Array {
  const bytes = payload instanceof Uint8Array ? payload : canonicalBytes(payload);
  return toEnvelopeBytes(signEnvelope(bytes, payloadType, keys));
}

export function sampleBundle(keys: readonly PrivateKey[] = [KEY]): Uint8Array {
  return craft(samplePayload().bytes, keys);
}

export function caught(fn: () => unknown): BundleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof BundleError) return e;
    throw e;
  }
  throw new Error("expected a BundleError");
}

export async function caughtAsync(fn: () => Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected an error");
}

// ------------------------------------------------------------------------------------------------
// real git repositories

const GIT_ENV = {
  GIT_AUTHOR_NAME: "Edict Test",
  GIT_AUTHOR_EMAIL: "test@edict.invalid",
  GIT_COMMITTER_NAME: "Edict Test",
  GIT_COMMITTER_EMAIL: "test@edict.invalid",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
};

export function git(cwd: string, args: string[], date = "2026-01-02T03:04:05Z"): string {
  return execFileSync("git", ["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false", ...args], {
    cwd,
    env: { ...process.env, ...GIT_ENV, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    encoding: "utf8",
  });
}

export function commitAll(cwd: string, message = "policies", date?: string): string {
  git(cwd, ["add", "-A"]);
  git(cwd, ["commit", "-q", "--allow-empty", "-m", message], date);
  return git(cwd, ["rev-parse", "HEAD"]).trim();
}

/** A temporary git repository holding a copy of the example repository (edict.yaml + policies/), committed. */
export function exampleGitRepo(prefix = "edict-bundle-"): { dir: string; revision: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  git(dir, ["init", "-q"]);
  copyExample(dir);
  return { dir, revision: commitAll(dir) };
}

/** A small committed repository with the given files. */
export function gitRepoWith(files: Record<string, string>, prefix = "edict-bundle-"): { dir: string; revision: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  git(dir, ["init", "-q"]);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, revision: commitAll(dir) };
}

export const SMALL_CONFIG = "name: acme\nversion: 0.3.0\ntargets:\n  production: { default_action: deny }\n  staging: {}\nbundle: { expires: 12h }\n";

export { utf8Encode };
