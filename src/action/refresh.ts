/**
 * refresh mode, on a schedule: a bundle expires even when nobody merges, and a
 * runtime must never meet an expired bundle for that reason alone (TUF's freeze protection).
 * When the latest release is within a third of its lifetime of `expires_at`, the same signed
 * content is published again with `created_at` = now, serial + 1 and a patch version.
 */
import { utf8Encode } from "../bundle/bytes.js";
import { canonicalBytes } from "../bundle/canonical-json.js";
import { blake3Hex } from "../bundle/digest-blake3.js";
import { toSha256sumLine } from "../bundle/digest.js";
import { signEnvelope, toEnvelopeBytes } from "../bundle/dsse.js";
import type { PrivateKey } from "../bundle/keys.js";
import { BUNDLE_PAYLOAD_TYPE, bundleFileNames, findPayloadProblem, parseIsoSeconds, toIsoSeconds } from "../bundle/payload.js";
import type { BundlePayload } from "../bundle/payload.js";
import { verifyBundle } from "../bundle/verify.js";
import { nextRelease, releaseTag } from "../bundle/version.js";
import { EdictError } from "../errors.js";
import { writeOutputFiles } from "../io/bundle-files.js";
import { readRepository } from "../io/read-repository.js";
import { listReleases } from "./github.js";
import type { ModeResult, ModeRun } from "./mode.js";
import { bundleDir } from "./publish.js";
import { publishBundleRelease, readReleasedBundle, releaseCandidates, releaseFiles, tagPrefixOf } from "./release.js";
import type { ReleasedBundle } from "./release.js";
import { requireSigningKey } from "./signing-key.js";

export interface RefreshDecision {
  due: boolean;
  /** Milliseconds from now to expires_at (negative once expired). */
  remainingMs: number;
  lifetimeMs: number;
}

function timesOf(payload: BundlePayload): { created: number; expires: number } {
  const created = parseIsoSeconds(payload.created_at);
  const expires = parseIsoSeconds(payload.expires_at);
  if (created === undefined || expires === undefined || expires <= created) {
    throw new EdictError("CONFIG_ERROR", `bundle ${payload.name} ${payload.version} has no usable lifetime (created ${payload.created_at}, expires ${payload.expires_at})`);
  }
  return { created, expires };
}

/** Due when at most a third of the bundle's lifetime is left (or it already expired). Pure. */
export function refreshDecision(payload: BundlePayload, now: Date): RefreshDecision {
  const { created, expires } = timesOf(payload);
  const lifetimeMs = expires - created;
  const remainingMs = expires - now.getTime();
  return { due: remainingMs <= lifetimeMs / 3, remainingMs, lifetimeMs };
}

/** The same payload with a new time base and the next patch release. Pure. */
export function refreshedPayload(previous: BundlePayload, now: Date): BundlePayload {
  const { created, expires } = timesOf(previous);
  const next = nextRelease({ version: previous.version, serial: previous.serial }, "unchanged");
  const createdAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const payload: BundlePayload = {
    ...previous,
    version: next.version,
    serial: next.serial,
    created_at: toIsoSeconds(createdAt),
    expires_at: toIsoSeconds(new Date(createdAt.getTime() + (expires - created))),
  };
  const problem = findPayloadProblem(payload);
  if (problem !== undefined) throw new EdictError("CONFIG_ERROR", `cannot refresh bundle ${previous.name} ${previous.version}: ${problem}`);
  return payload;
}

/** Signs a payload into the two release files, re-verifying the exact bytes before they leave. */
export function signRefreshed(payload: BundlePayload, key: PrivateKey, now: Date): { bundleBytes: Uint8Array; checksumText: string; sha256: string } {
  const bundleBytes = toEnvelopeBytes(signEnvelope(canonicalBytes(payload), BUNDLE_PAYLOAD_TYPE, [key]));
  const verified = verifyBundle(bundleBytes, { trustedKeys: [key.publicKey], expectedName: payload.name, now, blake3: blake3Hex });
  return { bundleBytes, checksumText: toSha256sumLine(verified.sha256, bundleFileNames(payload.name).bundle), sha256: verified.sha256 };
}

function days(ms: number): string {
  return `${(ms / 86_400_000).toFixed(1)} days`;
}

export async function runRefresh(run: ModeRun): Promise<ModeResult> {
  const { io, inputs, ctx } = run;
  const key = requireSigningKey(inputs, "refresh");
  const repo = await readRepository(run.root);
  const name = repo.config?.value.name;
  if (name === undefined) throw new EdictError("CONFIG_ERROR", `missing or has no name (working directory ${inputs.workingDirectory}); refresh needs the name to find the bundle`, { position: { file: "edict.yaml" } });
  const names = bundleFileNames(name);
  const prefix = tagPrefixOf(inputs, repo);

  const releases = await listReleases(run.octokit, run.ref);
  let latest: ReleasedBundle | undefined;
  for (const c of releaseCandidates(releases.filter((r) => !r.draft), prefix)) {
    latest = await readReleasedBundle(run.octokit, run.ref, c.release, names.bundle, { keys: [key.publicKey], name });
    if (latest) break;
  }
  if (!latest) {
    io.info(`no ${prefix}* release with ${names.bundle} yet: nothing to refresh (publish runs on a push to the default branch)`);
    return { outputs: {}, failures: [] };
  }
  const now = run.now();
  const decision = refreshDecision(latest.payload, now);
  const current = { version: latest.payload.version, "release-url": latest.release.htmlUrl, "bundle-sha256": latest.sha256 };
  if (!decision.due) {
    io.info(
      `${latest.release.tag} expires ${latest.payload.expires_at}, in ${days(decision.remainingMs)} of its ${days(decision.lifetimeMs)}: ` +
        `no refresh until ${days(decision.lifetimeMs / 3)} are left`,
    );
    return { outputs: current, failures: [] };
  }

  const payload = refreshedPayload(latest.payload, now);
  const signed = signRefreshed(payload, key, now);
  const [bundlePath] = await writeOutputFiles(bundleDir(ctx.runnerTemp), [
    { name: names.bundle, bytes: signed.bundleBytes },
    { name: names.checksum, bytes: utf8Encode(signed.checksumText) },
  ]);
  const tag = releaseTag(prefix, payload.version);
  io.info(`${latest.release.tag} expires ${latest.payload.expires_at} (${days(decision.remainingMs)} left): re-signing it as ${tag}, serial ${payload.serial}`);
  const body = [
    `Refresh of ${latest.release.tag}: the same policy (revision ${payload.revision}), signed again so it does not expire.`,
    "",
    `- serial ${payload.serial}, created ${payload.created_at}, expires ${payload.expires_at}`,
    `- sha256 \`${signed.sha256}\``,
  ].join("\n");
  const { release } = await publishBundleRelease(
    run.octokit,
    run.ref,
    { tag, sha: payload.revision, name: `${payload.name} ${payload.version}`, body },
    releaseFiles(names, signed.bundleBytes, signed.checksumText),
    releases,
    (l) => io.info(l),
  );
  await io.writeSummary(`### 🔁 edict: refreshed [${tag}](${release.htmlUrl})\n\nSame policy as ${latest.release.tag} · serial ${payload.serial} · expires ${payload.expires_at}\n`);
  return {
    outputs: { version: payload.version, "release-url": release.htmlUrl, "bundle-sha256": signed.sha256, "bundle-path": bundlePath ?? "" },
    failures: [],
  };
}
