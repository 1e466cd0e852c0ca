// npm run audit: `npm audit` of the production dependencies. Prints the
// findings; exits 1 only for high or critical ones. When the registry serves
// no audit data (offline, a mirror without the audit endpoint) it says so and
// exits 0: an unavailable advisory service is not a vulnerability.
import { spawnSync } from "node:child_process";

const r = spawnSync("npm", ["audit", "--omit=dev", "--json"], { encoding: "utf8", shell: process.platform === "win32" });
let report;
try {
  report = JSON.parse(r.stdout || "{}");
} catch {
  report = {};
}
const meta = report.metadata?.vulnerabilities;
if (!meta) {
  const lines = (r.stderr || "").split("\n").filter((l) => /audit/i.test(l) && !/complete log/.test(l));
  const reason = report.error?.summary || lines.map((l) => l.replace(/^npm (warn|error) /, "")).join("; ") || "no answer";
  console.log(`npm audit: no advisory data from the registry (${reason}).`);
  console.log("Dependencies were NOT checked; run `npm run audit` where the registry's audit endpoint is reachable.");
  process.exit(0);
}
const rows = Object.values(report.vulnerabilities ?? {}).map((v) => ({ name: v.name, severity: v.severity, range: v.range, fix: v.fixAvailable ? "fix available" : "no fix" }));
for (const v of rows) console.log(`${v.severity.padEnd(8)} ${v.name} ${v.range} (${v.fix})`);
const summary = ["critical", "high", "moderate", "low", "info"].map((s) => `${meta[s] ?? 0} ${s}`).join(", ");
console.log(`npm audit (production dependencies): ${summary}`);
const failing = (meta.critical ?? 0) + (meta.high ?? 0);
if (failing) {
  console.log(`FAIL: ${failing} high or critical advisories in production dependencies`);
  process.exit(1);
}
console.log("OK: no high or critical advisories in production dependencies");
