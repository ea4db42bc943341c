/**
 * Repository-level work: the effective diff of a pull request, and building a signed bundle
 * (parse, merge every target, canonical payload and digests, sign, self-verify; lint is its own row).
 */
import { BUNDLE_PAYLOAD_TYPE, buildPayload, signEnvelope, sourcesOf, toEnvelopeBytes, verifyBundle } from "../../src/bundle/index.js";
import { diffRepositories } from "../../src/diff/index.js";
import { buildAllTargets } from "../../src/model/merge/index.js";
import { buildRepository } from "../../src/model/repository.js";
import type { RawFile } from "../../src/model/repository.js";
import { CREATED_AT, EXPIRES_AT, REVISION, benchKey } from "../lib/bundles.js";
import { changeRepository, generateRepository } from "../lib/generate.js";
import { bytes as fmtBytes, median, ms, msSince, nowNs, timeRounds } from "../lib/measure.js";
import type { Row } from "../lib/report.js";

export interface DiffOptions {
  policies: number;
  changed: number;
  rounds: number;
  log: (line: string) => void;
}

export async function runDiff(options: DiffOptions): Promise<{ rows: Row[] }> {
  const base = generateRepository(options.policies, 3);
  const headFiles = changeRepository(base, options.changed, 4);
  const changedFiles = headFiles.filter((f, i) => f.bytes !== base.files[i]?.bytes).length;
  const baseRepo = buildRepository(base.files);
  const headRepo = buildRepository(headFiles);
  let summary = "";
  const compare = await timeRounds(() => {
    const d = diffRepositories(baseRepo, headRepo);
    const sum = (f: (t: (typeof d.targets)[number]) => number) => d.targets.reduce((n, t) => n + f(t), 0);
    const proven = d.targets.filter((t) => t.proof.proven).length;
    summary = `verdict ${d.verdict}, ${sum((t) => t.changes.length)} changes, ${sum((t) => t.proof.checked).toLocaleString("en-US")} regions checked, ${sum((t) => t.newlyAllowedTotal)} newly allowed in ${sum((t) => t.regions.filter((r) => r.verdict === "loosened").length)} regions, proven for ${proven}/${d.targets.length} targets`;
    return d;
  }, options.rounds, 1);
  const parse = await timeRounds(() => [buildRepository(base.files), buildRepository(headFiles)], options.rounds, 1);
  const withParseMs = compare.medianMs + parse.medianMs;
  options.log(`diff: ${options.policies} policies, ${changedFiles} changed: merge+compare ${ms(compare.medianMs)}, parsing both trees ${ms(parse.medianMs)} (${summary})`);
  return {
    rows: [
      {
        section: "diff",
        case: `effective diff, ${options.policies.toLocaleString("en-US")}-policy repository, ${changedFiles} changed files`,
        result: `${ms(compare.medianMs)} merge + compare · ${ms(withParseMs)} incl. parsing both trees (${summary})`,
        values: { compareMs: compare.medianMs, parseMs: parse.medianMs, withParseMs, changedFiles },
      },
    ],
  };
}

export interface BuildOptions {
  sizes: ReadonlyArray<{ policies: number; rounds: number }>;
  log: (line: string) => void;
}

interface BuildTimes {
  parse: number;
  merge: number;
  payload: number;
  sign: number;
  verify: number;
  total: number;
  bytes: number;
}

function buildOnce(files: readonly RawFile[]): BuildTimes {
  const { privateKey, publicKey } = benchKey();
  const t0 = nowNs();
  const repo = buildRepository(files);
  const parse = msSince(t0);
  const t1 = nowNs();
  const targets = buildAllTargets(repo);
  const merge = msSince(t1);
  const t2 = nowNs();
  const { bytes } = buildPayload({
    name: "bench-policies",
    version: "1.0.0",
    serial: 1,
    revision: REVISION,
    createdAt: CREATED_AT,
    expiresAt: EXPIRES_AT,
    targets,
    packState: repo.packState?.value,
    sources: sourcesOf(files),
  });
  const payload = msSince(t2);
  const t3 = nowNs();
  const bundle = toEnvelopeBytes(signEnvelope(bytes, BUNDLE_PAYLOAD_TYPE, [privateKey]));
  const sign = msSince(t3);
  const t4 = nowNs();
  verifyBundle(bundle, { trustedKeys: [publicKey], expectedName: "bench-policies", maxBytes: 256 * 1024 * 1024 });
  const verify = msSince(t4);
  return { parse, merge, payload, sign, verify, total: msSince(t0), bytes: bundle.length };
}

export async function runBuild(options: BuildOptions): Promise<{ rows: Row[] }> {
  const rows: Row[] = [];
  // warm up every step on a small repository
  const warm = generateRepository(50, 99).files;
  for (let i = 0; i < 3; i++) buildOnce(warm);
  for (const { policies, rounds } of options.sizes) {
    const { files } = generateRepository(policies, 3);
    const runs: BuildTimes[] = [];
    for (let i = 0; i < rounds; i++) runs.push(buildOnce(files));
    const pick = (k: keyof BuildTimes): number => median(runs.map((r) => r[k]));
    const line = `parse ${ms(pick("parse"))}, merge ${ms(pick("merge"))}, payload+digests ${ms(pick("payload"))}, sign ${ms(pick("sign"))}, self-verify ${ms(pick("verify"))}`;
    options.log(`build: ${policies} policies: ${ms(pick("total"))} (${line}), bundle ${fmtBytes(pick("bytes"))}`);
    rows.push({
      section: "build",
      case: `bundle build (no lint, no git), ${policies.toLocaleString("en-US")} policies → ${fmtBytes(pick("bytes"))}`,
      result: `${ms(pick("total"))} (${line})`,
      values: { totalMs: pick("total"), parseMs: pick("parse"), mergeMs: pick("merge"), payloadMs: pick("payload"), signMs: pick("sign"), verifyMs: pick("verify"), bytes: pick("bytes") },
    });
  }
  return { rows };
}
