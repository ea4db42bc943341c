/** `edict lint [paths…]`: check policies, packs, edict.yaml and pack state. */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import type { Command } from "commander";
import { EdictError } from "../../errors.js";
import { toRepoPath } from "../../io/read-repository.js";
import { openRepository } from "../repository.js";
import { readSourceLintOptions } from "../../pack/sources/lint-options.js";
import { basePacksOfRepository } from "../../pack/index.js";
import { readRepositoryAtRevision } from "../../io/git.js";
import { runLint } from "../../lint/engine.js";
import { RULES } from "../../lint/registry.js";
import type { ReportInput } from "../../lint/finding.js";
import { formatGithub, formatJson, formatMarkdown, formatSarif, formatText, shouldUseColor } from "../../lint/reporters/index.js";
import { EDICT_VERSION } from "../../version.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { parseChoice, parseCount, rootOption } from "../options.js";

const FORMATS = ["text", "json", "sarif", "github", "markdown"] as const;
type LintFormat = (typeof FORMATS)[number];

export interface LintCommandOptions {
  root?: string;
  format: LintFormat;
  maxWarnings?: number;
  output?: string;
  base?: string;
}

export async function lintCommand(io: CliIO, paths: string[], opts: LintCommandOptions): Promise<number> {
  const { root, repo } = await openRepository(io, opts.root);
  const only = await checkPaths(io, root, repo.files.map((f) => f.path), paths);
  // With --base, rules that compare against the base revision run too (shipped pack changed without a version bump).
  const baseOptions = opts.base === undefined ? {} : { base: opts.base, basePacks: basePacksOfRepository((await readRepositoryAtRevision(root, opts.base)).repo) };
  // With packs.sources, their key files and offers are read first (short timeout; a source that
  // cannot be read is a warning, never a failure); without them, no network at all.
  const sourceOptions = await readSourceLintOptions(repo, root, { env: io.env });
  const result = runLint(repo, { rules: RULES, only, ...baseOptions, ...sourceOptions });
  const sources = new Map(repo.files.map((f) => [f.path, f.source.text] as const));
  const input: ReportInput = { ...result, sources };
  const text = render(opts.format, input, io);
  if (opts.output) {
    const out = resolve(io.cwd, opts.output);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, text);
  }
  else io.stdout(text);
  const { errors, warnings } = result.summary;
  if (errors > 0) return EXIT.FINDINGS;
  if (opts.maxWarnings !== undefined && warnings > opts.maxWarnings) return EXIT.FINDINGS;
  return EXIT.OK;
}

/**
 * The repository-relative forms of the paths given on the command line. A path that does not
 * exist, lies outside the repository, or holds no file edict reads is a usage error: a lint that
 * checked nothing must not report "no problems".
 */
async function checkPaths(io: CliIO, root: string, files: readonly string[], paths: readonly string[]): Promise<string[]> {
  const only: string[] = [];
  for (const p of paths) {
    const abs = resolve(io.cwd, p);
    const o = toRepoPath(root, abs);
    if (o.startsWith("..") || isAbsolute(o)) throw new EdictError("USAGE", `${p} is outside the repository ${root}; lint paths inside it, or pass the repository with -C`);
    try {
      await stat(abs);
    } catch {
      throw new EdictError("USAGE", "no such file or folder", { position: { file: p } });
    }
    const reads = o === "" || files.some((f) => f === o || f.startsWith(`${o}/`));
    if (!reads) throw new EdictError("USAGE", `holds no file edict lints (edict.yaml, its pack state, policies/**/*.yaml and packs/**)`, { position: { file: p } });
    only.push(o);
  }
  return only;
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
    .addOption(rootOption())
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
