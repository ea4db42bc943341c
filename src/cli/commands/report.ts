/**
 * `edict report`: one self-contained HTML page (overview, effective policy with provenance,
 * packs, tests, changes and an in-browser playground). Exit codes: 0 written, 1 a bundle that
 * does not verify, 2 usage, configuration and file errors.
 */
import { mkdir } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import type { Command } from "commander";
import { readPublicKeys } from "../../bundle/key-files.js";
import { EdictError } from "../../errors.js";
import { readBundleFile } from "../../io/bundle-files.js";
import { writeFilesAtomic } from "../../io/atomic-write.js";
import { gatherReport, renderReport } from "../../report/index.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { collect, parseChoice, rootOption } from "../options.js";
import { openRepository } from "../repository.js";

const FORMATS = ["text", "json"] as const;

export interface ReportCommandOptions {
  root?: string;
  out?: string;
  target: string[];
  bundle?: string;
  key: string[];
  previous?: string;
  previousKey: string[];
  format: (typeof FORMATS)[number];
}

export async function reportCommand(io: CliIO, opts: ReportCommandOptions): Promise<number> {
  if (opts.bundle !== undefined && opts.key.length === 0) throw new EdictError("USAGE", "--bundle needs --key PUB: the page verifies the bundle against the pinned key before its playground answers");
  if (opts.bundle === undefined && opts.key.length > 0) throw new EdictError("USAGE", "--key pins the key of --bundle; give --bundle FILE too (without a bundle the page answers from the repository, unsigned)");
  const { root, repo } = await openRepository(io, opts.root);
  const at = (f: string) => resolve(io.cwd, f);
  const bundle = opts.bundle === undefined ? undefined : { file: opts.bundle, bytes: await readBundleFile(at(opts.bundle)), keys: readPublicKeys(opts.key.map(at)) };
  const previousKeys = opts.previousKey.length > 0 ? opts.previousKey : opts.key;
  const previous =
    opts.previous === undefined
      ? undefined
      : { file: opts.previous, bytes: await readBundleFile(at(opts.previous)), ...(previousKeys.length > 0 ? { keys: readPublicKeys(previousKeys.map(at)) } : {}) };
  const input = await gatherReport({
    root,
    repo,
    targets: opts.target,
    ...(bundle ? { bundle } : {}),
    ...(previous ? { previous } : {}),
    env: io.env,
  });
  const html = renderReport(input);
  const name = input.bundle?.payload.name ?? input.name;
  const out = at(opts.out ?? `${name}.report.html`);
  const bytes = new TextEncoder().encode(html);
  await mkdir(dirname(out), { recursive: true });
  await writeFilesAtomic([{ path: out, bytes }]);
  const shown = relative(io.cwd, out) || out;
  const targets = input.merges.map((m) => m.target);
  if (opts.format === "json") {
    io.stdout(JSON.stringify({ out: shown, bytes: bytes.length, targets, signed: input.bundle !== undefined, previous: input.changes !== undefined }, null, 2) + "\n");
  } else {
    const answers = input.bundle ? `the signed bundle ${input.bundle.file} (verified in the browser before it answers)` : "the repository's effective policy (unsigned; give --bundle and --key to embed a signed bundle)";
    io.stdout(`wrote ${shown} (${(bytes.length / 1024).toFixed(1)} KB): ${targets.join(", ")}; the playground answers from ${answers}\n`);
  }
  return EXIT.OK;
}

export function registerReport(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("report")
    .description("write one self-contained HTML page: overview, effective policy with provenance, packs, tests, changes and a playground")
    .addOption(rootOption())
    .option("-o, --out <file>", "the HTML file to write (default: <name>.report.html)")
    .option("-t, --target <name>", "a target to show (repeatable; default: every target)", collect, [])
    .option("--bundle <file>", "embed this signed bundle: the playground verifies it in the browser and answers from it")
    .option("-k, --key <pub>", "the public key pinned for --bundle (repeatable)", collect, [])
    .option("--previous <file>", "the previous release's bundle: show the semantic diff since it")
    .option("--previous-key <pub>", "public key trusted for --previous (default: --key; without any, it is read unverified and says so)", collect, [])
    .option("-f, --format <format>", "text or json (what was written)", (v) => parseChoice(v, FORMATS, "--format"), "text")
    .addHelpText(
      "after",
      "\nThe page has inline CSS and JS and makes no external request: open it from file:// or attach it to a release.\n\nExamples:\n  edict report\n  edict report --out site/index.html --target production\n  edict report --bundle dist/acme.bundle.json --key edict.pub --previous old/acme.bundle.json\n",
    )
    .action(async (opts: ReportCommandOptions) => {
      setExit(await reportCommand(io, opts));
    });
}
