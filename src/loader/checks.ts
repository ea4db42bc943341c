/**
 * The loader's stateful checks: what a single bundle
 * cannot prove about itself, decided against what this loader has already accepted.
 * The check against the serial floor names the attacks it stops; the first failure throws.
 */
import { BundleTrustError } from "../bundle/errors.js";
import { checkSerialNotBelow } from "../bundle/verify-checks.js";
import type { SerialFloor } from "./types.js";

interface Seen {
  serial: number;
  sha256: string;
}

/**
 * Rollback: a serial below the highest one accepted (persisted across restarts) is an older bundle
 * replayed. Replay and mix-and-match: a serial names exactly one bundle, so a different file
 * carrying the highest serial already accepted is a forgery of release numbering (two releases, one serial).
 */
export function checkAgainstFloor(candidate: Seen, floor: SerialFloor | undefined): void {
  if (floor === undefined) return;
  checkSerialNotBelow(candidate.serial, floor.serial);
  if (floor.sha256 !== undefined && candidate.serial === floor.serial && candidate.sha256 !== floor.sha256) {
    throw new BundleTrustError(
      "ROLLBACK",
      `bundle serial ${candidate.serial} was already accepted with different bytes (sha256 ${floor.sha256.slice(0, 16)}…, got ${candidate.sha256.slice(0, 16)}…): replayed or mixed release`,
    );
  }
}

/** The floor after accepting `candidate` (or reading a persisted floor): the one with the highest serial, read for its serial and the file that carried it. */
export function raiseFloor(floor: SerialFloor | undefined, candidate: SerialFloor): SerialFloor {
  return floor === undefined || candidate.serial > floor.serial || (candidate.serial === floor.serial && floor.sha256 === undefined)
    ? candidate
    : floor;
}
