/** `edict lint [paths…]`: check policies, packs, edict.yaml and pack state. */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { EdictError } from "../../errors.js";
import { toRepoPath } from "../../io/read-repository.js";
import { openRepository } from "../repository.js";
import { basePacksOfRepository } from "../../pack/index.js";
import { readRepositoryAtRevision } from "../../io/git.js";
import { runLint } from "../../lint/engine.js";
import { RULES } from "../../lint/registry.js";
import type { ReportInput } from "../../lint/finding.js";
import { formatGithub, formatJson, formatMarkdown, formatSarif, formatText, shouldUseColor } from "../../lint/reporters/index.js";
import { EDICT_VERSION } from "../../version.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { parseChoice, parseCount } from "../options.js";

const FORMATS = ["text", "json", "sarif", "github", "markdown"] as const;
type LintFormat = (typeof FORMATS)[number];

export interface LintCommandOptions {
  root: string;
  format: LintFormat;
  maxWarnings?: number;
  output?: string;
  base?: string;
}

export async function lintCommand(io: CliIO, paths: string[], opts: LintCommandOptions): Promise<number> {
  const { root, repo } = await openRepository(io, opts.root);
  const only = paths.map((p) => toRepoPath(root, resolve(io.cwd, p)));
  for (const o of only) {
    if (o.startsWith("..")) throw new EdictError("USAGE", `path ${o} is outside the repository ${root}`);
  }
  // With --base, rules that compare against the base revision run too (shipped pack changed without a version bump).
  const baseOptions = opts.base === undefined ? {} : { base: opts.base, basePacks: basePacksOfRepository((await readRepositoryAtRevision(root, opts.base)).repo) };
  const result = runLint(repo, { rules: RULES, only, ...baseOptions });
  const sources = new Map(repo.files.map((f) => [f.path, f.source.text] as const));
  const input: ReportInput = { ...result, sources };
  const text = render(opts.format, input, io);
  if (opts.output) await writeFile(resolve(io.cwd, opts.output), text);
  else io.stdout(text);
  const { errors, warnings } = result.summary;
  if (errors > 0) return EXIT.FINDINGS;
  if (opts.maxWarnings !== undefined && warnings > opts.maxWarnings) return EXIT.FINDINGS;
  return EXIT.OK;
}

function render(format: LintFormat, input: ReportInput, io: CliIO): string {
  switch (format) {
    case "text":
      return formatText(input, { color: shouldUseColor({ isTTY: io.isTTY }, io.env) });
    case "json":
      return formatJson(input);
    case "sarif":
      return formatSarif(input, { rules: RULES.map((r) => r.meta), toolVersion: EDICT_VERSION });
    case "github":
      return formatGithub(input);
    case "markdown":
      return formatMarkdown(input, {});
  }
}

export function registerLint(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("lint")
    .description("check policy files, packs, edict.yaml and the pack state; exit 1 on errors")
    .argument("[paths...]", "only report findings in these files or folders (the whole repository is still read)")
    .option("-C, --root <dir>", "repository root", ".")
    .option("-f, --format <format>", `output format: ${FORMATS.join(", ")}`, (v) => parseChoice(v, FORMATS, "--format"), "text")
    .option("--max-warnings <n>", "exit 1 when there are more warnings than this", (v) => parseCount(v, "--max-warnings"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("--base <ref>", "also compare with this git revision (a shipped pack changed without a version bump)")
    .addHelpText(
      "after",
      "\nExamples:\n  edict lint\n  edict lint policies/prod --format json\n  edict lint --format sarif -o edict.sarif\n  edict lint --max-warnings 0\n",
    )
    .action(async (paths: string[], opts: LintCommandOptions) => setExit(await lintCommand(io, paths, opts)));
}
