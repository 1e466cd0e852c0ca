/** Writes schema/schema.graphql from the resolvers: `npm run schema`. With --check, fails when it differs. */
import fs from "node:fs";
import path from "node:path";
import { printServedSchema } from "../src/graphql/schema";

async function main(): Promise<void> {
  const file = path.resolve(__dirname, "../../schema/schema.graphql");
  const sdl = await printServedSchema();
  if (process.argv.includes("--check")) {
    const committed = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (committed !== sdl) {
      console.error("schema/schema.graphql is out of date: run `npm run schema` and commit it");
      process.exit(1);
    }
    console.log("schema/schema.graphql is current");
    return;
  }
  fs.writeFileSync(file, sdl);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
