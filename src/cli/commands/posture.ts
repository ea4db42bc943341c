/**
 * `edict posture`: this machine's posture (or recorded facts) against a target's effective
 * PosturePolicy. Exit 0 when allowed (warnings included), 1 when denied.
 *
 * Where the policy comes from is a parameter (PostureEngineSource): the policy repository by
 * default; a verified bundle is another source with the same shape.
 */
import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import type { Command } from "commander";
import { EdictError } from "../../errors.js";
import { shouldUseColor } from "../../lint/reporters/index.js";
import type { PostureFacts, PostureResult } from "../../engine/posture/index.js";
import { gatherPosture, nodeProbe, parsePostureFacts } from "../../posture/index.js";
import type { Probe } from "../../posture/index.js";
import { engineFromBundle, engineFromRepository } from "../engine-source.js";
import { rootOptionOf } from "../repository.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { collect, parseChoice, parseCount, policiesOption, rootOption } from "../options.js";

const FORMATS = ["text", "json"] as const;

export interface PostureOptions {
  /** -C/--root, or its older spelling --policies; neither: the nearest folder upward with edict.yaml. */
  root?: string;
  policies?: string;
  target?: string;
  bundle?: string;
  key?: string[];
  facts?: string;
  format: (typeof FORMATS)[number];
  timeout?: number;
}

/** A compiled policy that answers posture questions for one target. */
export interface PostureEngine {
  readonly target: string;
  /** Where the policy came from, for the report, e.g. "policies at ." */
  readonly origin: string;
  posture(facts: PostureFacts): PostureResult;
}

/** Opens the policy a posture run evaluates against. */
export type PostureEngineSource = (io: CliIO, opts: PostureOptions) => Promise<PostureEngine>;

/** The effective policy of `--policies` (default `.`) for `-t TARGET`. */
export const repositoryPostureSource: PostureEngineSource = async (io, opts) => {
  if (opts.bundle !== undefined) {
    const { engine, target, payload } = await engineFromBundle(io, opts.bundle, opts.key ?? [], opts.target);
    return { target, origin: `bundle ${payload.name} ${payload.version} (verified)`, posture: (facts) => engine.posture(facts) };
  }
  const { engine, target, root } = await engineFromRepository(io, rootOptionOf(opts), opts.target);
  return { target, origin: `policies at ${relative(io.cwd, root) || "."}`, posture: (facts) => engine.posture(facts) };
};

export interface PostureReport {
  readonly target: string;
  readonly origin: string;
  /** "probe" when gathered from this machine, else the facts file as given. */
  readonly factsFrom: string;
  readonly result: PostureResult;
  readonly facts: PostureFacts;
  readonly evidence: readonly string[];
}

/** Facts from `--facts FILE` (a facts object or an earlier `--format json` output), or gathered by the probe. */
async function factsFor(io: CliIO, opts: PostureOptions, probe: Probe): Promise<{ facts: PostureFacts; evidence: readonly string[]; from: string }> {
  if (opts.facts === undefined) {
    const gathered = await gatherPosture(probe, opts.timeout !== undefined ? { timeoutMs: opts.timeout } : {});
    return { facts: gathered.facts, evidence: gathered.evidence, from: "probe" };
  }
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, opts.facts), "utf8");
  } catch (e) {
    throw new EdictError("NOT_FOUND", `cannot read the facts file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { position: { file: opts.facts }, cause: e });
  }
  return { facts: parsePostureFacts(text, opts.facts), evidence: [`facts read from ${opts.facts}`], from: opts.facts };
}

/** Gathers (or reads) the facts and evaluates them; the engine source decides which policy. */
export async function runPosture(io: CliIO, opts: PostureOptions, probe: Probe, source: PostureEngineSource): Promise<PostureReport> {
  const engine = await source(io, opts);
  const { facts, evidence, from } = await factsFor(io, opts, probe);
  return { target: engine.target, origin: engine.origin, factsFrom: from, result: engine.posture(facts), facts, evidence };
}

/** The report as text: environment and why, each check, score, provider, warnings, verdict. */
export function renderPostureText(report: PostureReport, color: boolean): string {
  const paint = (code: number) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[39m` : s);
  const green = paint(32);
  const red = paint(31);
  const yellow = paint(33);
  const dim = (s: string) => (color ? `\x1b[2m${s}\x1b[22m` : s);
  const r = report.result;
  const lines = [`posture against target ${report.target} (${report.origin}; facts from ${report.factsFrom === "probe" ? "this machine" : report.factsFrom})`, `environment: ${r.environment}`];
  for (const e of report.evidence) lines.push(dim(`  · ${e}`));
  lines.push("checks:");
  if (r.checks.length === 0) lines.push("  (none apply)");
  for (const c of r.checks) {
    // A check the policy does not require cannot fail the verdict: show it without a cross.
    const mark = c.passed ? green("✔") : c.required ? red("✖") : dim("-");
    lines.push(`  ${mark} ${c.id}: ${c.detail}`);
  }
  lines.push(`score: ${r.score}/100`, `provider: ${r.provider}`);
  for (const w of r.warnings) lines.push(yellow(`warning: ${w}`));
  if (!r.allowed) lines.push(red(`✖ denied in ${report.target}: ${r.failed.length} required check${r.failed.length === 1 ? "" : "s"} failed (${r.failed.join(", ")})`));
  else if (r.warnings.length > 0) lines.push(yellow(`✔ allowed in ${report.target} with ${r.warnings.length} warning${r.warnings.length === 1 ? "" : "s"} (allow_insecure)`));
  else lines.push(green(`✔ allowed in ${report.target}`));
  return lines.join("\n") + "\n";
}

/** The report as JSON: engine.posture's result, plus the target, the facts (replayable with --facts) and the evidence. */
export function renderPostureJson(report: PostureReport): string {
  return JSON.stringify({ target: report.target, ...report.result, facts: report.facts, factsFrom: report.factsFrom, evidence: report.evidence }, null, 2) + "\n";
}

export function registerPosture(
  program: Command,
  io: CliIO,
  setExit: (code: number) => void,
  probe: Probe = nodeProbe(),
  source: PostureEngineSource = repositoryPostureSource,
): void {
  program
    .command("posture")
    .description("assess this machine (environment, disk encryption, TPM, Secure Boot, cloud identity, pod security) against a target's posture policy; exit 1 when denied")
    .addOption(rootOption())
    .addOption(policiesOption())
    .option("--bundle <file>", "evaluate against a signed bundle instead (verified first)")
    .option("-k, --key <pub>", "trusted public key for --bundle (repeatable)", collect, [])
    .option("-t, --target <name>", "target from edict.yaml")
    .option("--facts <file>", "evaluate recorded facts (JSON) instead of probing this machine")
    .option("--timeout <ms>", "per-command probe timeout in milliseconds (default 5000)", (v) => parseCount(v, "--timeout"))
    .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
    .addHelpText(
      "after",
      "\nFacts file (every field optional; unknown fails a required check):\n  {\"environment\": \"local\", \"encryption\": true, \"tpm\": true, \"secureBoot\": false, \"securityScore\": 60}\n  The JSON output of `edict posture --format json` is accepted too, to replay another machine's facts.\n\nExamples:\n  edict posture -t production\n  edict posture -t development --format json > facts.json\n  edict posture -t production --facts facts.json\n",
    )
    .action(async (opts: PostureOptions) => {
      const report = await runPosture(io, opts, probe, source);
      io.stdout(opts.format === "json" ? renderPostureJson(report) : renderPostureText(report, shouldUseColor({ isTTY: io.isTTY }, io.env)));
      setExit(report.result.allowed ? EXIT.OK : EXIT.FINDINGS);
    });
}
