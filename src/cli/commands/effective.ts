/** `edict effective --target T`: the merged policy the runtime will see, with provenance. */
import type { Command } from "commander";
import { Document, Scalar, visit } from "yaml";
import { buildTarget, mergeSpecs } from "../../model/merge/index.js";
import type { TargetMerge } from "../../model/merge/index.js";
import { SPEC_SCHEMAS } from "../../model/schemas/policy.js";
import { runLint } from "../../lint/engine.js";
import { RULES } from "../../lint/registry.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { parseChoice, rootOption } from "../options.js";
import { openRepository, resolveTarget } from "../repository.js";

const FORMATS = ["yaml", "json"] as const;

/**
 * The access policies' merged `Version`. The effective model leaves it out (the evaluators,
 * bundles and diff do not use it), so it is merged again here for printing.
 */
export function effectiveAccessVersion(t: TargetMerge): string | undefined {
  const access = t.documents.filter((d) => d.entry.kind === "AccessPolicy");
  const version = mergeSpecs(access, SPEC_SCHEMAS.AccessPolicy).value.Version;
  return typeof version === "string" ? version : undefined;
}

/** Appendix A's shape: target, the four kinds (access with its Version), and provenance by kind and dotted path. */
export function effectiveDocument(t: TargetMerge): Record<string, unknown> {
  const version = effectiveAccessVersion(t);
  const access = version === undefined ? t.effective.access : { Version: version, ...t.effective.access };
  return { target: t.target, ...t.effective, access, provenance: t.provenance };
}

/** Plain scalars a YAML 1.1 reader (PyYAML, Ruby) would not read as strings: dates, yes/no, 0755, 1:30. */
const YAML_11_TYPED = new Document(null, { version: "1.1" }).schema.tags.flatMap((t) => (t.default && "test" in t && t.test instanceof RegExp ? [t.test] : []));

/**
 * The document as plain YAML: objects the merge shares (a statement's `source`, provenance
 * entries) are written out in full at each place, never as `&anchor`/`*alias`; strings that a
 * YAML 1.1 reader would take for another type (`Version: 2024-12-02` a date) are quoted.
 */
export function toEffectiveYaml(value: Record<string, unknown>): string {
  const doc = new Document(value, { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === "string" && YAML_11_TYPED.some((test) => test.test(node.value as string))) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

export function registerEffective(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("effective")
    .description("print the effective policy of a target: every document merged the way the runtime sees it")
    .option("-t, --target <name>", "target from edict.yaml (required when there are several)")
    .addOption(rootOption())
    .option("-f, --format <format>", "yaml or json", (v) => parseChoice(v, FORMATS, "--format"), "yaml")
    .addHelpText("after", "\nExamples:\n  edict effective --target production\n  edict effective -t staging --format json | jq .access.Statement\n")
    .action(async (opts: { target?: string; root?: string; format: (typeof FORMATS)[number] }) => {
      const { repo } = await openRepository(io, opts.root);
      const target = resolveTarget(repo, opts.target);
      const errors = runLint(repo, { rules: RULES }).summary.errors;
      if (errors > 0) io.stderr(`edict: warning: ${errors} lint error${errors === 1 ? "" : "s"}; invalid values are left out of the effective policy (run \`edict lint\`)\n`);
      const doc = effectiveDocument(buildTarget(repo, target));
      io.stdout(opts.format === "json" ? JSON.stringify(doc, null, 2) + "\n" : toEffectiveYaml(doc));
      setExit(EXIT.OK);
    });
}
