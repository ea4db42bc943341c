/**
 * publish mode, on a push to the default branch or a tag: lint (errors stop it),
 * build and sign the bundle, continue the serial and version of the previous release, and
 * publish the release idempotently. With `packs-out`, the repository's own packs are published
 * too (signed pack envelopes and their index.json) and attached to the same release.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { buildBundle } from "../bundle/build.js";
import type { BundlePayload } from "../bundle/payload.js";
import { toTargetsRecord } from "../bundle/payload-build.js";
import { releaseTag } from "../bundle/version.js";
import type { Verdict } from "../bundle/version.js";
import { diffEffectiveTargets, verdictOfTargets } from "../diff/index.js";
import { EdictError } from "../errors.js";
import { buildAllTargets } from "../model/merge/index.js";
import { readRepositoryAtRevision } from "../io/git.js";
import { readRepository } from "../io/read-repository.js";
import type { PrivateKey } from "../bundle/keys.js";
import { publishPacks } from "../pack/publish.js";
import { PACK_INDEX_FILE, parsePackIndex } from "../pack/remote/pack-index.js";
import type { Repository } from "../model/repository.js";
import { listReleases } from "./github.js";
import { readSourceLintOptions } from "../pack/sources/lint-options.js";
import { annotateFindings, lintForAction, lintLog } from "./lint.js";
import type { ModeResult, ModeRun } from "./mode.js";
import { releaseReportFile } from "./report-page.js";
import type { PackHooks } from "./packs-mode.js";
import { publishBundleRelease, readReleasedBundle, releaseCandidates, releaseFiles, tagPrefixOf } from "./release.js";
import type { ReleasedBundle, ReleaseFile } from "./release.js";
import { requireSigningKey } from "./signing-key.js";
import { publishToRegistry } from "./oci-publish.js";

/** Where the bundle files are written for later steps (the `bundle-path` output). */
export function bundleDir(runnerTemp: string): string {
  return join(runnerTemp, "edict-bundle");
}

/**
 * The semantic diff's verdict from what the previous release actually carries (its signed
 * targets) to the repository: the version bump does not depend on that commit being fetched.
 */
export function verdictSinceRelease(previous: BundlePayload, head: Repository): Verdict {
  const headTargets = toTargetsRecord(buildAllTargets(head));
  const names = [...new Set([...Object.keys(headTargets), ...Object.keys(previous.targets)])].sort();
  return verdictOfTargets(diffEffectiveTargets(previous.targets, headTargets, names));
}

/**
 * `packs-out`: publishes the repository's packs into the folder (relative to the workspace) and
 * returns the release files: every envelope its index.json lists, then index.json itself, so the
 * index served from the release's download folder finds each of them beside it.
 */
export async function publishPacksForRelease(run: ModeRun, key: PrivateKey, hooks: PackHooks): Promise<ReleaseFile[]> {
  const { ctx, inputs, io } = run;
  const outDir = resolve(ctx.workspace, inputs.packsOut ?? "");
  const inside = relative(ctx.workspace, outDir);
  if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
    throw new EdictError("USAGE", `input packs-out ${inputs.packsOut} must be a folder inside the workspace ${ctx.workspace}, e.g. packs-dist`);
  }
  const published = await (hooks.publishPacks ?? publishPacks)({ root: run.root, privateKeys: [key], outDir });
  for (const p of published.packs) io.info(`pack ${p.name} ${p.version}: ${p.unchanged ? "already published in" : "published into"} ${inside} (sha256 ${p.sha256})`);
  const indexBytes = await readFile(published.index);
  const parsed = parsePackIndex(indexBytes);
  if (!parsed.ok) throw new EdictError("PACK_ERROR", `${published.index} is not an edict pack index (${parsed.problem})`);
  const files: ReleaseFile[] = [];
  for (const entry of parsed.index.packs) {
    // a release is one flat folder: only envelopes beside the index can be attached
    if (entry.url.includes("/") || entry.url.includes("\\") || entry.url === PACK_INDEX_FILE) {
      throw new EdictError("PACK_ERROR", `${published.index} lists ${entry.name} ${entry.version} at ${entry.url}, not beside the index; a release holds one folder of files, so publish into an empty packs-out folder`);
    }
    files.push({ name: entry.url, bytes: await readFile(join(outDir, entry.url)), contentType: "application/json" });
  }
  files.push({ name: PACK_INDEX_FILE, bytes: indexBytes, contentType: "application/json" });
  return files;
}

export async function runPublish(run: ModeRun, hooks: PackHooks = {}): Promise<ModeResult> {
  const { io, inputs, ctx } = run;
  const key = requireSigningKey(inputs, "publish");

  const repo = await readRepository(run.root);
  if (repo.files.length === 0) throw new EdictError("NOT_FOUND", `no policy repository in ${inputs.workingDirectory}: no edict.yaml, policies/ or packs/ (set working-directory)`);
  const lint = lintForAction(repo, run.prefix, await readSourceLintOptions(repo, run.root, { env: run.env }));
  io.info(lintLog(lint).trimEnd());
  annotateFindings(io, lint.findings);
  const { errors, warnings } = lint.summary;
  if (errors > 0) {
    return { outputs: { errors: String(errors), warnings: String(warnings) }, failures: [`${errors} lint error${errors === 1 ? "" : "s"}: nothing was published; fix ${errors === 1 ? "it" : "them"} and push again`] };
  }
  const name = repo.config?.value.name;
  if (name === undefined) throw new EdictError("CONFIG_ERROR", "missing or has no name; run `edict lint` to see why", { position: { file: "edict.yaml" } });

  // what buildBundle signs: the files of the commit, not the checkout; read once, for the verdict and the build
  const atHead = await readRepositoryAtRevision(run.root, "HEAD");
  const head = atHead.commit;
  const prefix = tagPrefixOf(inputs, repo);
  const bundleName = `${name}.bundle.json`;

  const releases = await listReleases(run.octokit, run.ref);
  let previous: ReleasedBundle | undefined;
  const sameCommit: string[] = [];
  for (const c of releaseCandidates(releases.filter((r) => !r.draft), prefix)) {
    const released = await readReleasedBundle(run.octokit, run.ref, c.release, bundleName, { keys: [key.publicKey], name });
    if (!released) continue;
    // a release of this very commit (a re-run, or a refresh) is not what this build follows
    if (released.payload.revision === head) {
      sameCommit.push(c.release.tag);
      continue;
    }
    previous = released;
    break;
  }
  const verdict = previous ? verdictSinceRelease(previous.payload, atHead.repo) : undefined;
  if (previous) io.info(`previous release ${previous.release.tag} (serial ${previous.payload.serial}); the policy since then is ${verdict}`);
  else if (sameCommit.length > 0) io.info(`commit ${head.slice(0, 12)} is already released as ${sameCommit.join(", ")}: building it again to compare`);
  else io.info("no previous release: this is the first");

  const sourceDateEpoch = run.env.SOURCE_DATE_EPOCH;
  const built = await buildBundle({
    root: run.root,
    privateKeys: [key],
    atHead,
    outDir: bundleDir(ctx.runnerTemp),
    ...(previous ? { previousBundle: previous.bytes } : {}),
    ...(verdict ? { verdict } : {}),
    ...(sourceDateEpoch ? { sourceDateEpoch } : {}),
    now: run.now(),
  });
  for (const w of built.warnings) io.annotate("warning", w, { title: "edict: bundle" });
  const p = built.payload;
  const tag = releaseTag(prefix, p.version);
  if (sameCommit.length > 0 && !sameCommit.includes(tag)) {
    throw new EdictError(
      "CONFIG_ERROR",
      `commit ${head.slice(0, 12)} was already released as ${sameCommit.join(", ")}, but building it now gives ${tag}; refusing to release one commit under two versions`,
    );
  }
  io.info(`built ${built.fileNames.bundle}: ${p.name} ${p.version} serial ${p.serial}, sha256 ${built.sha256}`);
  const packFiles = inputs.packsOut !== undefined ? await publishPacksForRelease(run, key, hooks) : [];
  // the page is a convenience: without it the release still goes out
  const reportFiles = await releaseReportFile(run, atHead.repo, {
    bytes: built.bundleBytes,
    name: p.name,
    createdAt: p.created_at,
    publicKeys: [key.publicKey],
    ...(previous ? { previous: { bytes: previous.bytes, label: previous.release.tag } } : {}),
  }).then(
    (f) => [f],
    (e: unknown) => {
      io.info(`report page not attached: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    },
  );

  const body = [
    `Policy bundle **${p.name} ${p.version}** (serial ${p.serial}) built from ${head}.`,
    "",
    previous ? `Follows ${previous.release.tag}; the effective policy since then is **${verdict}**.` : "The first release.",
    "",
    `- created ${p.created_at}, expires ${p.expires_at}`,
    `- signed by \`${built.keyids.join("`, `")}\``,
    `- sha256 \`${built.sha256}\``,
    "",
    `Verify: \`edict bundle verify ${built.fileNames.bundle} --key edict.pub\``,
  ].join("\n");
  const { release, action } = await publishBundleRelease(
    run.octokit,
    run.ref,
    { tag, sha: head, name: `${p.name} ${p.version}`, body },
    [...releaseFiles(built.fileNames, built.bundleBytes, built.checksumText), ...reportFiles, ...packFiles],
    releases,
    (l) => io.info(l),
  );
  await io.writeSummary(
    `### ${action === "unchanged" ? "✅ edict: already released" : "🚀 edict: released"} [${tag}](${release.htmlUrl})\n\n` +
      `${p.name} ${p.version} · serial ${p.serial} · ${verdict ? `${verdict} since ${previous?.release.tag}` : "first release"} · sha256 \`${built.sha256}\` · expires ${p.expires_at}\n` +
      (packFiles.length > 0 ? `\nPacks attached: ${packFiles.map((f) => `\`${f.name}\``).join(", ")}\n` : ""),
  );
  // `oci`: the same bytes to a registry, after the release (idempotent like it)
  if (inputs.oci !== undefined) await publishToRegistry(run, built.bundleBytes, p);
  return {
    outputs: {
      errors: String(errors),
      warnings: String(warnings),
      loosened: String(verdict === "loosened" || verdict === "mixed"),
      "bundle-path": built.written?.bundle ?? "",
      "bundle-sha256": built.sha256,
      version: p.version,
      "release-url": release.htmlUrl,
    },
    failures: [],
  };
}
