/** Signed bundles of a chosen size, built in memory from generated effective targets. */
import { BUNDLE_PAYLOAD_TYPE, PrivateKey, buildPayload, signEnvelope, toEnvelopeBytes } from "../../src/bundle/index.js";
import type { PublicKey } from "../../src/bundle/index.js";
import type { EffectiveTarget } from "../../src/engine/effective.js";
import { generateStatements, toEffectiveTarget } from "./generate.js";

/** A fixed key, so the same inputs always give byte-identical bundles (Ed25519 is deterministic). */
export function benchKey(): { privateKey: PrivateKey; publicKey: PublicKey } {
  const privateKey = PrivateKey.fromSeed(new Uint8Array(32).fill(7));
  return { privateKey, publicKey: privateKey.publicKey };
}

export const CREATED_AT = new Date("2026-01-01T00:00:00Z");
export const EXPIRES_AT = new Date("2099-01-01T00:00:00Z");
export const REVISION = "0123456789abcdef0123456789abcdef01234567";

/** production carries every statement, staging the first half, development the first quarter. */
export function targetsOf(statements: number, seed = 11): Array<{ target: string; effective: EffectiveTarget }> {
  const all = generateStatements(statements, seed);
  return [
    { target: "production", effective: toEffectiveTarget(all) },
    { target: "staging", effective: toEffectiveTarget(all.slice(0, Math.ceil(all.length / 2))) },
    { target: "development", effective: toEffectiveTarget(all.slice(0, Math.ceil(all.length / 4))) },
  ];
}

export function signedBundle(targets: Array<{ target: string; effective: EffectiveTarget }>, privateKey: PrivateKey): Uint8Array {
  const { bytes } = buildPayload({
    name: "bench-policies",
    version: "1.0.0",
    serial: 1,
    revision: REVISION,
    createdAt: CREATED_AT,
    expiresAt: EXPIRES_AT,
    targets,
    sources: [],
  });
  return toEnvelopeBytes(signEnvelope(bytes, BUNDLE_PAYLOAD_TYPE, [privateKey]));
}

/** A bundle of about `targetBytes` bytes: the statement count is scaled from a small sample. */
export function bundleOfSize(targetBytes: number): { bytes: Uint8Array; statements: number } {
  const { privateKey } = benchKey();
  const sample = 400;
  const perStatement = signedBundle(targetsOf(sample), privateKey).length / sample;
  let statements = Math.max(1, Math.round(targetBytes / perStatement));
  let bytes = signedBundle(targetsOf(statements), privateKey);
  // one correction step: the per-statement size is nearly constant
  statements = Math.max(1, Math.round((statements * targetBytes) / bytes.length));
  bytes = signedBundle(targetsOf(statements), privateKey);
  return { bytes, statements };
}
