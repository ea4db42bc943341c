/**
 * The stateless checks of bundle verification, one function per attack, shared by
 * `verifyBundle` (synchronous, what the CLI and the Action use) and the runtime loader's
 * asynchronous verifier. Each throws a `BundleError` with a stable code on the first failure.
 *
 * Pure and lean: this module and the ones it imports carry no hash or signature code, so the
 * loader can use them without pulling in a second SHA implementation.
 */
import { formatError } from "./dsse-checks.js";
import { BundleError, BundleIntegrityError, BundleRetrievalError, BundleTrustError } from "./errors.js";
import { BUNDLE_PAYLOAD_TYPE, parseIsoSeconds } from "./payload.js";
import type { BundleDigests, BundlePayload } from "./payload.js";

/** 16 MiB: far above a real bundle; the loader usually sets a tighter `maxBytes`. */
export const DEFAULT_MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

export { formatError } from "./dsse-checks.js";

/** Endless data: refuse anything over the byte cap before parsing a single byte. */
export function checkSize(bytes: Uint8Array, maxBytes: number = DEFAULT_MAX_BUNDLE_BYTES): void {
  if (bytes.length > maxBytes) {
    throw new BundleRetrievalError("TOO_LARGE", `bundle is ${bytes.length} bytes, more than the limit of ${maxBytes} bytes`);
  }
}

/** Type confusion: a validly signed document of another type is never read as a bundle. */
export function checkPayloadType(envelope: { payloadType: string }): void {
  if (envelope.payloadType !== BUNDLE_PAYLOAD_TYPE) {
    throw new BundleIntegrityError(
      "PAYLOAD_TYPE_ERROR",
      `payload type is ${JSON.stringify(envelope.payloadType.slice(0, 200))}, expected ${JSON.stringify(BUNDLE_PAYLOAD_TYPE)}`,
    );
  }
}

/** Inconsistent content: the digests must be those of the canonical targets actually shipped (each one given, in order). */
export function checkDigestsMatch(payload: BundlePayload, actual: Partial<BundleDigests>): void {
  for (const [k, got] of Object.entries(actual) as Array<[keyof BundleDigests, string]>) {
    if (got !== payload.digests[k]) {
      throw new BundleIntegrityError("DIGEST_MISMATCH", `digests.${k} is ${payload.digests[k]}, but the targets hash to ${got}`);
    }
  }
}

/** Freeze attack: a stale bundle replayed forever stops being accepted at `expires_at`. */
export function checkNotExpired(payload: Pick<BundlePayload, "name" | "version" | "expires_at">, now: Date): void {
  const expires = parseIsoSeconds(payload.expires_at);
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError("verifyBundle: now must be a valid Date");
  // an unreadable expires_at (undefined) never compares as later
  if (!(now.getTime() < expires!)) {
    throw new BundleTrustError("EXPIRED", `bundle ${payload.name} ${payload.version} expired at ${payload.expires_at} (now ${now.toISOString()}); publish a fresh one`);
  }
}

/** Mix-and-match: another repository's bundle, signed by the same key, is not this one's. */
export function checkName(payload: BundlePayload, expectedName: string): void {
  // intact, but for another repository: the verifier's policy refuses it (a payload's name passed
  // NAME_PATTERN when it was read, so it needs no escaping; the expected one may be anything)
  if (payload.name !== expectedName) {
    throw new BundleTrustError("NAME_MISMATCH", `bundle is for "${payload.name}", expected ${JSON.stringify(expectedName)}`);
  }
}

/** Silent fallback: a target the bundle lacks must fail loudly, not evaluate as empty policy. */
export function checkTarget(payload: BundlePayload, target: string): void {
  if (!Object.hasOwn(payload.targets, target)) {
    const names = Object.keys(payload.targets);
    throw new BundleError("TARGET_MISSING", `bundle ${payload.name} ${payload.version} has no target ${JSON.stringify(target)} (it has ${names.length === 0 ? "none" : names.join(", ")})`);
  }
}

/** Rollback: a serial below the highest one already accepted is an older bundle replayed. */
export function checkSerialNotBelow(serial: number, floor: number): void {
  if (!Number.isSafeInteger(serial) || !Number.isSafeInteger(floor)) throw new TypeError("checkSerialNotBelow: expected integers");
  if (serial < floor) {
    throw new BundleTrustError("ROLLBACK", `bundle serial ${serial} is below ${floor}, the highest serial already accepted (rollback)`);
  }
}
