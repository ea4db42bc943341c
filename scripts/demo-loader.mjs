// Step 10 of the demo: a service loads the signed bundle with edict/loader over HTTP, verifies it
// against the pinned public key and answers decisions in microseconds.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { createLoader } from "edict/loader";

const [bundlePath, publicKeyPath] = process.argv.slice(2);
const bytes = readFileSync(bundlePath);
const etag = `"${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}"`;
const server = createServer((req, res) => {
  if (req.headers["if-none-match"] === etag) return void res.writeHead(304).end();
  res.writeHead(200, { "content-type": "application/json", etag }).end(bytes);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${server.address().port}/acme-policies.bundle.json`;

const loader = createLoader({ source: url, trustedKeys: [readFileSync(publicKeyPath, "utf8")], target: "production", expectedName: "acme-policies", pollIntervalMs: 0 });
try {
  const engine = await loader.load();
  console.log(`loaded ${engine.meta.name} ${engine.meta.version} (serial ${engine.meta.serial}) from ${url}`);
  const ask = (action, resource, context) => {
    const d = engine.authorize({ action, resource, context });
    console.log(`  authorize ${action} ${resource}${context ? ` ${JSON.stringify(context)}` : ""} → ${d.decision}${d.reasons[0] ? ` (${d.reasons[0].policy}/${d.reasons[0].sid})` : ""}`);
  };
  ask("db:Select", "db://production/users", { "source.ip": "10.1.2.3" });
  ask("db:Select", "db://production/users", { "source.ip": "8.8.8.8" });
  ask("db:Update", "db://production/orders", { "principal.role": "dba" });
  for (const uri of ["mcp://vision-mcp/detect@1.2.0", "mcp://vision-mcp/detect"]) {
    const t = engine.checkTool(uri);
    console.log(`  checkTool ${uri} → ${t.allowed ? "allowed" : `denied (${t.violations.map((v) => v.code).join(", ")})`}`);
  }
  const data = engine.decideData({ dataset: "customers", fields: [{ name: "email", sensitivity: "pii" }], requester: { role: "analyst", region: "US" }, dataset_region: "EU" });
  console.log(`  decideData customers.email for a US analyst (EU data) → ${data.action}: ${data.reason}`);
  const findings = engine.scan("config: api_key=sk-123", "output");
  console.log(`  scan output "config: api_key=sk-123" → ${findings.length} finding(s)${findings[0] ? ` (${findings[0].pack}/${findings[0].rule})` : ""}`);
  const n = 200_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) engine.authorize({ action: "db:Select", resource: "db://production/users", context: { "source.ip": "10.1.2.3" } });
  const ns = Number(process.hrtime.bigint() - started) / n;
  console.log(`  ${n.toLocaleString("en")} decisions: ${(ns / 1000).toFixed(2)} µs each`);
  console.log(`  refresh with If-None-Match → ${(await loader.refresh()) ? "new bundle" : "not modified"}; status: ${JSON.stringify({ version: loader.status().version, stale: loader.status().stale })}`);
} finally {
  loader.close();
  server.close();
}
