/** The example repository with its tests/, committed, and a signed bundle of it: what report tests read. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { commitAll, git } from "../bundle/fixtures.js";
import { runIn } from "../helpers/cli.js";
import { copyExample, EXAMPLE_PARTS } from "../helpers/example.js";

export interface SignedExample {
  /** A temporary folder holding the repository, the key pair and out/. */
  work: string;
  repo: string;
  bundle: string;
  pub: string;
}

/** `remote`: an origin URL to add before committing (provenance links). */
export async function signedExample(prefix: string, remote?: string): Promise<SignedExample> {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const repo = join(work, "repo");
  git(work, ["init", "-q", repo]);
  copyExample(repo, [...EXAMPLE_PARTS, "tests"]);
  if (remote !== undefined) git(repo, ["remote", "add", "origin", remote]);
  commitAll(repo);
  const keygen = await runIn(work, ["keygen", "--out", "signer"]);
  expect(keygen.code, keygen.err).toBe(0);
  const build = await runIn(repo, ["bundle", "build", "--key", join(work, "signer.key"), "--out", join(work, "out")], { SOURCE_DATE_EPOCH: String(Math.floor(Date.now() / 1000)) });
  expect(build.code, build.err).toBe(0);
  return { work, repo, bundle: join(work, "out", "acme-policies.bundle.json"), pub: join(work, "signer.pub") };
}
