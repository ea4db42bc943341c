/** `edict effective --target T`: the merged policy the runtime will see, with provenance. */
import type { Command } from "commander";
import { stringify } from "yaml";
import { buildTarget } from "../../model/merge/index.js";
import type { TargetMerge } from "../../model/merge/index.js";
import { runLint } from "../../lint/engine.js";
import { RULES } from "../../lint/registry.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { parseChoice } from "../options.js";
import { openRepository, resolveTarget } from "../repository.js";

const FORMATS = ["yaml", "json"] as const;

/** Appendix A's shape: target, the four kinds, and provenance by kind and dotted path. */
export function effectiveDocument(t: TargetMerge): Record<string, unknown> {
  return { target: t.target, ...t.effective, provenance: t.provenance };
}

export function registerEffective(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("effective")
    .description("print the effective policy of a target: every document merged the way the runtime sees it")
    .option("-t, --target <name>", "target from edict.yaml (required when there are several)")
    .option("-C, --root <dir>", "repository root", ".")
    .option("-f, --format <format>", "yaml or json", (v) => parseChoice(v, FORMATS, "--format"), "yaml")
    .addHelpText("after", "\nExamples:\n  edict effective --target production\n  edict effective -t staging --format json | jq .access.Statement\n")
    .action(async (opts: { target?: string; root: string; format: (typeof FORMATS)[number] }) => {
      const { repo } = await openRepository(io, opts.root);
      const target = resolveTarget(repo, opts.target);
      const errors = runLint(repo, { rules: RULES }).summary.errors;
      if (errors > 0) io.stderr(`edict: warning: ${errors} lint error${errors === 1 ? "" : "s"}; invalid values are left out of the effective policy (run \`edict lint\`)\n`);
      const doc = effectiveDocument(buildTarget(repo, target));
      io.stdout(opts.format === "json" ? JSON.stringify(doc, null, 2) + "\n" : stringify(doc, { lineWidth: 0 }));
      setExit(EXIT.OK);
    });
}
