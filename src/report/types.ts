/**
 * What a report page is made of: everything `edict report` gathers (repository, merges, bundle,
 * tests, packs, the diff against a previous release) as plain values, so rendering is pure.
 */
import type { BundlePayload } from "../bundle/payload.js";
import type { DiffResult } from "../diff/types.js";
import type { TargetMerge } from "../model/merge/index.js";
import type { Repository } from "../model/repository.js";
import type { DriftFinding } from "../pack/drift.js";
import type { TestRun } from "../testing/run.js";
import type { SuiteProblem } from "../testing/suite.js";

/** A signed bundle embedded in the page, verified by the page itself before the playground answers. */
export interface ReportBundle {
  /** The bundle file's exact bytes. */
  bytes: Uint8Array;
  /** Its payload (already verified once by the command, expiry aside). */
  payload: BundlePayload;
  /** Keyids whose signatures verified. */
  keyids: string[];
  /** Lowercase hex SHA-256 of the file. */
  sha256: string;
  /** The pinned public keys the page verifies with (SPKI PEM text). */
  keys: string[];
  /** The file name shown in the overview. */
  file: string;
}

/** One installed pack, with what the priority-band picture needs. */
export interface ReportPack {
  name: string;
  version: string;
  layer: string;
  /** Where it came from: a pack source (`packs/`, a URL, `builtin:`…), or "" when unknown. */
  source: string;
  /** `sha256:<hex>` checksum recorded at install, when recorded. */
  checksum?: string;
  /** The pack's priority band, when its metadata is at hand. */
  band?: { min: number; max: number };
  /** The priorities its installed policies use. */
  priorities: number[];
}

export interface ReportPacks {
  installed: ReportPack[];
  /** Custom (non-pack) policies' priorities, drawn in the custom layer. */
  customPriorities: number[];
  drift: DriftFinding[];
}

export interface ReportTests {
  run: TestRun;
  problems: SuiteProblem[];
  /** Cases left out because their target is not shown (`--target`). */
  skipped?: number;
}

export interface ReportChanges {
  /** The previous release: version, serial, revision, as its bundle says. */
  previous: {
    version: string;
    serial: number;
    revision: string;
    file: string;
    /** Its signatures verified against the trusted keys given (expiry aside); false when read without keys. */
    verified?: boolean;
    /** Keyids whose signatures verified, when verified. */
    keyids?: string[];
  };
  result: DiffResult;
}

export interface ReportInput {
  repo: Repository;
  /** Bundle or repository name (edict.yaml `name`). */
  name: string;
  /** edict.yaml `version`, when there is no bundle. */
  version?: string;
  /** The targets shown, in edict.yaml order. */
  merges: TargetMerge[];
  /** The commit the repository was read at (git HEAD), when it is a git work tree. */
  revision?: string;
  /** Uncommitted changes were present: the page describes the work tree, not `revision`. */
  dirty?: boolean;
  /** `https://github.com/OWNER/REPO` (or GitHub Enterprise), when known: provenance links to files at `revision`. */
  repoUrl?: string;
  /** The policy repository's folder inside the git work tree ("" at its root), for links. */
  repoPrefix?: string;
  generatedAt: Date;
  bundle?: ReportBundle;
  tests?: ReportTests;
  packs?: ReportPacks;
  changes?: ReportChanges;
  /** The playground's browser code (dist/report-playground.js). */
  playgroundScript: string;
}
