/**
 * Run under `valgrind --tool=callgrind --instr-atstart=no` by ./instructions.ts: builds the
 * bench's access policy set and request stream, warms the compiled engine up, then asks
 * callgrind to count only the measured decisions (`callgrind_control -i on|off` on this process).
 *
 *   node --import tsx bench/instructions-child.ts <statements> <warm-up passes> <measured passes>
 */
import { execFileSync } from "node:child_process";
import { edictCompiled } from "./lib/engines.js";
import { generateRequests, generateStatements } from "./lib/generate.js";

const [size, warm, measured] = process.argv.slice(2, 5).map(Number) as [number, number, number];
const statements = generateStatements(size, 1);
const engine = edictCompiled(statements, generateRequests(statements, 10_000, 2));
const runAll = engine.runAll as () => number;
let allowed = 0;
for (let pass = 0; pass < warm; pass++) allowed += runAll();
const instrument = (state: "on" | "off"): void => {
  execFileSync("callgrind_control", ["-i", state, String(process.pid)], { stdio: "ignore" });
};
instrument("on");
for (let pass = 0; pass < measured; pass++) allowed += runAll();
instrument("off");
process.stdout.write(`${JSON.stringify({ decisions: measured * 10_000, allowed })}\n`);
