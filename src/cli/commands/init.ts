/**
 * `edict init [dir]`: a new policy repository from templates/: edict.yaml, a starter
 * policy and its tests, the GitHub workflow, JSON Schemas for editor completion, and a
 * .gitignore that keeps signing keys out. Existing files are never overwritten without --force.
 */
import { existsSync, statSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { NAME_PATTERN } from "../../bundle/payload.js";
import { EdictError } from "../../errors.js";
import { publishedSchemas } from "../../model/schemas/index.js";
import { readRepository } from "../../io/read-repository.js";
import { applyPlan } from "../../pack/apply.js";
import { planSourcedInstall } from "../../pack/install.js";
import { parsePackRequest } from "../../pack/plan.js";
import { resolveInstall } from "../../pack/resolve.js";
import type { InstalledVersion } from "../../pack/resolve.js";
import { readOffers } from "../../pack/sourced.js";
import { builtinSource, packSourcesOf } from "../../pack/sources/index.js";
import { collect } from "../options.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";

/** Where each template goes in the new repository. */
const TEMPLATE_FILES = [
  { template: "edict.yaml", target: "edict.yaml" },
  { template: "policies/access.yaml", target: "policies/access.yaml" },
  { template: "tests/access.yaml", target: "tests/access.yaml" },
  { template: "workflow.yml", target: ".github/workflows/edict.yml" },
] as const;
const GITIGNORE_TEMPLATE = "gitignore";
/** The folder the modelines point at (`# yaml-language-server: $schema=…`). */
export const SCHEMA_DIR = ".edict/schemas";

export interface InitOptions {
  force?: boolean;
  name?: string;
  /** Packs to install at creation (`--pack`, repeatable), with their dependencies. */
  pack?: string[];
}

interface PlannedFile {
  path: string;
  text: string;
}

/**
 * The templates folder: found by walking up from this module, which is src/cli/commands/ in a
 * checkout and dist/ in the bundled CLI; both sit below the package root that holds templates/.
 */
export function findTemplatesDir(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const candidate = join(dir, "templates");
    if (existsSync(join(candidate, "workflow.yml"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new EdictError("NOT_FOUND", `cannot find edict's templates/ folder above ${from}; is the edict package complete?`);
    dir = parent;
  }
}

/** A bundle name from a folder name: lowercase letters, digits, "-" and "_". */
export function repositoryName(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .replace(/-+$/, "");
  return NAME_PATTERN.test(name) ? name : "policies";
}

async function plan(templates: string, name: string): Promise<PlannedFile[]> {
  const files: PlannedFile[] = [];
  for (const { template, target } of TEMPLATE_FILES) {
    const text = await readFile(join(templates, template), "utf8");
    files.push({ path: target, text: text.replaceAll("{{name}}", name) });
  }
  for (const [file, schema] of Object.entries(publishedSchemas())) {
    files.push({ path: `${SCHEMA_DIR}/${file}`, text: JSON.stringify(schema, null, 2) + "\n" });
  }
  return files;
}

/** The sources a repository at `dir` has (its own folder, none configured yet, the built-in library). */
async function sourcesAt(dir: string, io: CliIO) {
  const repo = await readRepository(dir).catch(() => undefined);
  return { repo, sources: repo ? packSourcesOf(repo, dir, { env: io.env }) : [] };
}

/**
 * Resolves every `--pack` in turn, as if the ones before were installed, so a pack that cannot
 * be installed stops init before anything is written. Returns the names to install, in order.
 */
async function checkPacks(dir: string, names: readonly string[], io: CliIO): Promise<string[]> {
  if (names.length === 0) return [];
  const requests = names.map((n) => parsePackRequest(n));
  const existing = existsSync(dir) ? await sourcesAt(dir, io) : undefined;
  const sources = existing?.repo ? existing.sources : [builtinSource()];
  const offers = await readOffers(sources);
  const installed: Record<string, InstalledVersion> = {};
  for (const request of requests) {
    if (installed[request.name]) continue;
    for (const p of resolveInstall(offers.sources, installed, request).packs) installed[p.name] = { version: p.version };
  }
  return names.filter((n, i) => names.findIndex((m) => parsePackRequest(m).name === parsePackRequest(n).name) === i);
}

/** Installs the packs into the new repository, each with its missing dependencies; the summary lines. */
async function installPacks(dir: string, names: readonly string[], io: CliIO): Promise<string[]> {
  const lines: string[] = [];
  for (const name of names) {
    const { repo, sources } = await sourcesAt(dir, io);
    if (!repo) break;
    if (repo.packState?.value.installed_packs?.[parsePackRequest(name).name]) continue; // pulled in as a dependency
    const plan = await planSourcedInstall(name, { root: dir, repo, sources, now: new Date() });
    await applyPlan(dir, plan);
    for (const c of plan.changes) lines.push(`installed pack ${c.name} v${c.to} (${plan.state.installed_packs?.[c.name]?.source ?? "builtin"})`);
  }
  return lines;
}

/** The lines of `wanted` that `existing` lacks, appended after it; undefined when none are missing. */
export function mergeGitignore(existing: string, wanted: string): string | undefined {
  const have = new Set(existing.split(/\r?\n/).map((l) => l.trim()));
  const missing = wanted.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.startsWith("#") && !have.has(l.trim()));
  if (missing.length === 0) return undefined;
  const comment = wanted.split(/\r?\n/).find((l) => l.startsWith("#"));
  return `${existing}${existing === "" || existing.endsWith("\n") ? "" : "\n"}${existing === "" ? "" : "\n"}${comment ? `${comment}\n` : ""}${missing.join("\n")}\n`;
}

export async function initCommand(io: CliIO, dirArg: string, opts: InitOptions): Promise<number> {
  const dir = resolve(io.cwd, dirArg);
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new EdictError("USAGE", `${dir} exists and is not a folder`);
  const name = opts.name ?? repositoryName(dir);
  if (!NAME_PATTERN.test(name)) throw new EdictError("USAGE", `--name ${JSON.stringify(name)} must be lowercase letters, digits, "-" or "_", starting with a letter or digit`);

  const templates = findTemplatesDir();
  const files = await plan(templates, name);
  // every pack asked for must resolve before the first file is written
  const packs = await checkPacks(dir, opts.pack ?? [], io);
  const existing = files.filter((f) => existsSync(join(dir, f.path))).map((f) => f.path);
  if (existing.length > 0 && !opts.force) {
    io.stderr(`edict: refusing to overwrite ${existing.length === 1 ? "an existing file" : `${existing.length} existing files`} in ${dir}:\n${existing.map((p) => `  ${p}\n`).join("")}pass --force to replace ${existing.length === 1 ? "it" : "them"}\n`);
    return EXIT.USAGE;
  }
  // every file is known to be writable before the first one is written
  const gitignorePath = join(dir, ".gitignore");
  const wanted = await readFile(join(templates, GITIGNORE_TEMPLATE), "utf8");
  const hadGitignore = existsSync(gitignorePath);
  const gitignore = hadGitignore ? mergeGitignore(await readFile(gitignorePath, "utf8"), wanted) : wanted;

  const written: string[] = [];
  for (const f of files) {
    const target = join(dir, f.path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, f.text, { flag: opts.force ? "w" : "wx" });
    written.push(f.path);
  }
  if (gitignore !== undefined) await writeFile(gitignorePath, gitignore);
  const installed = await installPacks(dir, packs, io);

  const shown = written.filter((p) => !p.startsWith(`${SCHEMA_DIR}/`));
  const rel = relative(io.cwd, dir);
  const cd = rel === "" ? "" : `cd ${rel.startsWith("..") ? dir : rel} && `;
  io.stdout(
    `initialised policy repository "${name}" in ${dir}\n` +
      shown.map((p) => `  wrote ${p}\n`).join("") +
      `  wrote ${SCHEMA_DIR}/ (${written.length - shown.length} JSON Schemas for editor completion)\n` +
      (gitignore === undefined ? "" : `  ${hadGitignore ? "updated" : "wrote"} .gitignore (keeps signing keys out of git)\n`) +
      installed.map((line) => `  ${line}\n`).join("") +
      "\nnext steps:\n" +
      `  1. ${cd}edict lint && edict test\n` +
      "     check the starter policy and run its expected decisions\n" +
      "  2. edict keygen\n" +
      "     create the signing key pair in your config folder, outside the repository; it prints\n" +
      "     where the files went\n" +
      "  3. commit the .pub file as keys/release.pub (runtimes pin it), and store the .key file's\n" +
      "     content as the repository secret EDICT_SIGNING_KEY (gh secret set EDICT_SIGNING_KEY < FILE)\n" +
      "  4. in .github/workflows/edict.yml, replace edict-dev/edict@v1 with OWNER/edict@<commit SHA>\n" +
      "     (the repository that holds edict), push, and open a pull request: the workflow comments\n" +
      "     the effective-policy diff; then make `check` a required status check of main\n",
  );
  return EXIT.OK;
}

export function registerInit(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("init")
    .description("create a policy repository: edict.yaml, a starter policy and its tests, the GitHub workflow, schemas and .gitignore")
    .argument("[dir]", "folder to create it in (created if missing)", ".")
    .option("--name <name>", "the repository's name in edict.yaml (default: the folder's name)")
    .option("--force", "overwrite files that already exist")
    .option("--pack <name>", "install this pack (with its dependencies) from the built-in library; repeatable", collect)
    .addHelpText("after", "\nExamples:\n  edict init\n  edict init governance --name acme-policies\n  edict init --pack starter --pack hipaa\n")
    .action(async (dir: string, opts: InitOptions) => setExit(await initCommand(io, dir, opts)));
}
