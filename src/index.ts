import "./common/production-default";
import { loadConfig } from "./config";
import { fail, serve } from "./serve";

const config = loadConfig();
if (config.databaseUrl && !config.secretKey) {
  fail(new Error("SECRET_KEY is required when DATABASE_URL is set (it encrypts connector credentials at rest)"));
}
serve(config).catch(fail);
