/**
 * `npm run seed:scale -- --findings 1000000 --repos 10000 [--orgs N --pipelines N --resources N --batch N --seed N --database-url URL --force]`
 *
 * Loads a synthetic estate at scale into the configured database (DATABASE_URL,
 * --database-url, or the embedded one under DATA_DIR), set-based. Refuses a
 * database that already holds organizations or findings unless --force, which
 * first empties the inventory and finding tables.
 */
import { loadConfig } from "../src/config";
import { openAppDatabase, createServices } from "../src/composition";
import { createLogger } from "../src/common/logger";
import { seedScale } from "./demo/scale";

function args(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const [k, v] = a.slice(2).split("=", 2);
    if (v !== undefined) out[k] = v;
    else if (argv[i + 1] && !argv[i + 1].startsWith("--")) out[k] = argv[++i];
    else out[k] = "true";
  }
  return out;
}

async function main() {
  const a = args(process.argv.slice(2));
  const num = (k: string, d: number) => { const n = a[k] === undefined ? d : Number(a[k].replace(/_/g, "")); if (!Number.isInteger(n) || n < 0) throw new Error(`--${k} must be a non-negative integer`); return n; };
  const findings = num("findings", 1_000_000);
  const repos = num("repos", 10_000);
  const opts = { findings, repos, orgs: num("orgs", Math.max(2, Math.round(repos / 500))), pipelines: num("pipelines", repos), resources: num("resources", Math.round(repos / 5)), batch: num("batch", 25_000), seed: num("seed", 1) };
  const config = loadConfig();
  if (a["database-url"]) config.databaseUrl = a["database-url"];
  const logger = createLogger("warn");
  const db = await openAppDatabase(config);
  try {
    const ds = db.dataSource;
    const [{ n }] = await ds.query("SELECT (SELECT count(*) FROM devops_organization) + (SELECT count(*) FROM finding) AS n");
    if (Number(n) > 0) {
      if (a.force !== "true") throw new Error("the database is not empty (organizations or findings exist); pass --force to empty it first");
      await ds.query(`TRUNCATE finding, finding_event, finding_count, resource_link, cloud_resource, deployment, environment, pipeline, repository, project, devops_organization, rule, vulnerability_intel CASCADE`);
    }
    const services = createServices(ds, config, logger);
    console.log(`seeding ${opts.findings.toLocaleString()} findings in ${opts.repos.toLocaleString()} repositories (${opts.orgs} organizations) into ${db.embedded ? `the embedded database under ${config.dataDir}` : db.url.replace(/\/\/[^@]*@/, "//")}`);
    const s = await seedScale(ds, services.findingStore, services.priority, { ...opts, log: (m) => console.log(m) });
    console.log(JSON.stringify(s, null, 2));
    console.log(`${s.findings.toLocaleString()} findings in ${(s.ms.findings / 1000).toFixed(1)} s = ${s.findingRowsPerSecond.toLocaleString()} rows/s (indexes rebuilt in ${(s.ms.indexes / 1000).toFixed(1)} s; total ${(s.ms.total / 1000).toFixed(1)} s)`);
  } finally {
    await db.close();
  }
}

main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
