// The quickstart's main job on the embedded example repository: what the Action does on a PR.
// Uses the committed dist/cli.js, so it needs no build step.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "cli.js");

function step(title, args) {
  process.stdout.write(`\n\x1b[1m$ edict ${args.join(" ")}\x1b[0m   # ${title}\n`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

step("lint every policy, pack and edict.yaml", ["lint"]);
