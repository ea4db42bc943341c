/**
 * The report page in the Action. Publish mode attaches `<name>.report.html` to the release (made
 * from the very bundle it signed, with the signing key pinned, so the page verifies it in the
 * browser). Check mode writes the pull request's page to the runner's temp folder and says where
 * in the job summary. It is not uploaded as a workflow artifact: artifacts download as zip
 * files, so a link could never open the page, and uploading one needs the runner's artifact
 * service rather than the REST API this Action speaks; a workflow that wants to keep the page
 * uploads `report-path` with actions/upload-artifact.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { PublicKey } from "../bundle/keys.js";
import { writeFilesAtomic } from "../io/atomic-write.js";
import type { Repository } from "../model/repository.js";
import { gatherReport, renderReport } from "../report/index.js";
import type { ModeRun } from "./mode.js";
import type { ReleaseFile } from "./release.js";

/** `<runner temp>/edict-report`: where check mode writes the pull request's page. */
export function reportDir(runnerTemp: string): string {
  return join(runnerTemp, "edict-report");
}

export interface SignedPage {
  bytes: Uint8Array;
  /** The bundle's name (`<name>.report.html`). */
  name: string;
  /** The bundle's `created_at`: the page's date, so a re-run for the same commit makes the same bytes. */
  createdAt: string;
  publicKeys: readonly PublicKey[];
  /** The previous release's bundle and its tag, for the Changes section. */
  previous?: { bytes: Uint8Array; label: string };
}

/** The release's report page (a derived asset: a re-run never conflicts over it). */
export async function releaseReportFile(run: ModeRun, repo: Repository, page: SignedPage): Promise<ReleaseFile> {
  const input = await gatherReport({
    root: run.root,
    repo,
    bundle: { file: `${page.name}.bundle.json`, bytes: page.bytes, keys: page.publicKeys },
    ...(page.previous ? { previous: { file: page.previous.label, bytes: page.previous.bytes, keys: page.publicKeys } } : {}),
    env: run.env,
    now: new Date(page.createdAt),
  });
  return { name: `${page.name}.report.html`, bytes: new TextEncoder().encode(renderReport(input)), contentType: "text/html", derived: true };
}

/** Writes the pull request's page; returns its path and the job summary's section. */
export async function writePullRequestReport(run: ModeRun, repo: Repository): Promise<{ path: string; summary: string }> {
  const input = await gatherReport({ root: run.root, repo, env: run.env, now: run.now() });
  const dir = reportDir(run.ctx.runnerTemp);
  const path = join(dir, `${input.name}.report.html`);
  await mkdir(dir, { recursive: true });
  const bytes = new TextEncoder().encode(renderReport(input));
  await writeFilesAtomic([{ path, bytes }]);
  const summary = [
    "",
    "### 📄 Report page",
    "",
    `The pull request's report page (effective policy with provenance, packs, tests and a playground) is on the runner at \`${path}\` (${(bytes.length / 1024).toFixed(0)} KB), the step's \`report-path\` output.`,
    "It is not uploaded as a workflow artifact: artifacts download as zip files, so no link could open the page. To keep it, add `actions/upload-artifact` with `path: ${{ steps.<id>.outputs.report-path }}`; on merge, publish mode attaches the release's signed page to the release.",
    "",
  ].join("\n");
  return { path, summary };
}
