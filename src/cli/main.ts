/** The `edict` command: parses arguments, runs one command, maps failures to exit codes. */
import { Command, CommanderError } from "commander";
import { describeError, exitCodeOf, isEdictError } from "../errors.js";
import { EDICT_VERSION } from "../version.js";
import { registerBundle } from "./commands/bundle.js";
import { registerCheckAgent } from "./commands/check-agent.js";
import { registerDiff } from "./commands/diff.js";
import { registerEffective } from "./commands/effective.js";
import { registerEval } from "./commands/eval.js";
import { registerInit } from "./commands/init.js";
import { registerKeygen } from "./commands/keygen.js";
import { registerLint } from "./commands/lint.js";
import { registerPack } from "./commands/pack.js";
import { registerPackPublish } from "./commands/pack-publish.js";
import { registerPosture } from "./commands/posture.js";
import { registerReport } from "./commands/report.js";
import { registerServe } from "./commands/serve.js";
import { registerTest } from "./commands/test.js";
import { EXIT, processIO } from "./io.js";
import type { CliIO } from "./io.js";

const GETTING_STARTED = [
  "",
  "Get started:",
  "  edict init my-policies && cd my-policies   # a repository with a starter policy, tests and the workflow",
  "  edict lint && edict test                    # check the policies, run their expected decisions",
  "  edict eval --target production --action db:Select --resource db://production/users",
  "  edict diff --base origin/main               # what a change loosens or tightens",
  "",
  "Exit codes: 0 success, 1 findings or a failed check, 2 usage or configuration error, 70 a bug in edict.",
  "Run `edict <command> --help` for a command's options and examples.",
].join("\n");

/** Runs the CLI with `argv` (without node and script) and returns the exit code. Never throws. */
export async function runCli(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exit: number = EXIT.OK;
  const setExit = (code: number) => {
    exit = code;
  };
  const program = new Command("edict")
    .description("GitOps policy-as-code: lint, merge, diff, sign and load governance policies")
    .version(EDICT_VERSION, "-v, --version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: (s, write) => write(s) });
  program.addHelpText("after", GETTING_STARTED);
  registerInit(program, io, setExit);
  registerLint(program, io, setExit);
  registerEffective(program, io, setExit);
  registerDiff(program, io, setExit);
  registerPackPublish(registerPack(program, io, setExit), io, setExit);
  registerEval(program, io, setExit);
  registerTest(program, io, setExit);
  registerCheckAgent(program, io, setExit);
  registerPosture(program, io, setExit);
  registerBundle(program, io, setExit);
  registerKeygen(program, io, setExit);
  registerServe(program, io, setExit);
  registerReport(program, io, setExit);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  // `edict` alone: the overview on stdout, not commander's complaint on stderr
  if (argv.length === 0) {
    io.stdout(program.helpInformation() + GETTING_STARTED + "\n");
    return EXIT.OK;
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return EXIT.OK;
      return EXIT.USAGE;
    }
    // a bundle that fails verification is a failed check (1), never used; a bug is 70
    io.stderr(`edict: ${describeError(e)}\n`);
    if (!isEdictError(e) && io.env.EDICT_DEBUG) io.stderr(`${(e as Error)?.stack ?? ""}\n`);
    return exitCodeOf(e);
  }
}
