/** `edict check-agent FILE --target T`: will the policy refuse anything this agent declares? */
import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";
import type { Command } from "commander";
import { EdictError } from "../../errors.js";
import { checkAgent } from "../../testing/agent.js";
import { count } from "../../lint/reporters/common.js";
import { engineFromRepository } from "../engine-source.js";
import { rootOptionOf } from "../repository.js";
import { EXIT } from "../io.js";
import type { CliIO } from "../io.js";
import { parseChoice, policiesOption, rootOption } from "../options.js";

const FORMATS = ["text", "json"] as const;

export function registerCheckAgent(program: Command, io: CliIO, setExit: (code: number) => void): void {
  program
    .command("check-agent")
    .description("check an agent manifest (models, tools, mcp_tools, actions) against a target's effective policy; exit 1 on any refusal, 2 on an invalid manifest")
    .argument("<file>", "agent manifest (YAML or JSON)")
    .option("-t, --target <name>", "target from edict.yaml")
    .addOption(rootOption())
    .addOption(policiesOption())
    .option("-f, --format <format>", "text or json", (v) => parseChoice(v, FORMATS, "--format"), "text")
    .addHelpText("after", "\nManifest (any other key is an error; a manifest that declares nothing fails):\n  name: support-bot\n  models: [{ provider: openai, model: gpt-4o }]\n  tools: [web_search]\n  mcp_tools: [mcp://tickets-mcp/search@2.1.0]\n  actions: [{ action: db:Select, resource: db://production/tickets }]\n\nExample:\n  edict check-agent agents/support-bot.yaml --target production\n")
    .action(async (file: string, opts: { target?: string; root?: string; policies?: string; format: (typeof FORMATS)[number] }) => {
      const path = resolve(io.cwd, file);
      let bytes: Uint8Array;
      try {
        bytes = await readFile(path);
      } catch {
        throw new EdictError("NOT_FOUND", `cannot read agent manifest ${file}`);
      }
      const { engine, target, merged } = await engineFromRepository(io, rootOptionOf(opts), opts.target);
      const shown = relative(io.cwd, path) || file;
      const result = checkAgent(shown, bytes, engine, { access: merged.effective.access, target });
      const refused = result.findings.filter((f) => f.decision === "deny");
      const agent = result.name || "agent";
      if (opts.format === "json") {
        io.stdout(JSON.stringify({ agent: result.name, target, ok: refused.length === 0 && result.problems.length === 0, findings: result.findings, problems: result.problems }, null, 2) + "\n");
      } else {
        const lines: string[] = [];
        for (const p of result.problems) {
          lines.push(`${shown}:${p.line}:${p.column}: error ${p.message}  ${p.code}`);
          if (p.help) lines.push(`    help: ${p.help}`);
        }
        for (const f of result.findings) {
          if (f.decision === "allow") continue;
          lines.push(`${shown}:${f.line}:${f.column}: ${f.decision === "deny" ? "refused" : "needs approval"}: ${f.item}`);
          for (const w of f.why) lines.push(`    ${w}`);
        }
        // a manifest with errors is not a pass, whatever the declarations it could read
        if (result.problems.length > 0) lines.push(`✖ ${agent}: the manifest has ${count(result.problems.length, "error")}; fix ${result.problems.length === 1 ? "it" : "them"} and check again`);
        else lines.push(refused.length === 0 ? `✔ ${agent}: everything it declares is allowed in ${target}` : `✖ ${agent}: ${refused.length} of ${result.findings.length} declarations refused in ${target}`);
        io.stdout(lines.join("\n") + "\n");
      }
      setExit(result.problems.length > 0 ? EXIT.USAGE : refused.length > 0 ? EXIT.FINDINGS : EXIT.OK);
    });
}
