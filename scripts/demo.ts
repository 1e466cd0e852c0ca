/**
 * `npm run demo`: the server on its own data directory (DATA_DIR, default
 * ./.data-demo), loaded on first start with a realistic demo estate.
 */
import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../src/config";
import { fail, serve } from "../src/serve";
import { seedDemo } from "./demo/seed";

const config = loadConfig();
if (!process.env.DATA_DIR) config.dataDir = path.resolve(".data-demo");

serve(config, async (app, logger) => {
  const [{ n }] = await app.db.dataSource.query("SELECT count(*)::int AS n FROM devops_organization");
  if (n === 0) {
    const started = Date.now();
    const summary = await seedDemo(app.db.dataSource, app.services.findingStore);
    logger.info({ ...summary, ms: Date.now() - started }, "demo data loaded");
  }
  if (!app.adminToken) {
    const file = path.join(config.dataDir, "admin-token");
    if (fs.existsSync(file)) process.stdout.write(`Admin API token: ${fs.readFileSync(file, "utf8").trim()} (from ${file})\n`);
  }
}).catch(fail);
