/**
 * GitHub connector benchmark against the fake (no latency), through the
 * public API: `npm run build && node dist/test/bench/github-sync.js`.
 *  1. inventory of 1,000 repositories with protection, CODEOWNERS and workflows: GraphQL requests and points (targets ≤ 60, ≤ 150)
 *  2. a second, unchanged run: requests vs the first run (target ≤ 30%)
 *  3. 1,000 repositories + 20,000 alerts: wall time (target ≤ 30 s)
 */
import { startTestApp } from "../helpers/app";
import { FakeGitHub } from "../fakes/github/server";
import { createGitHubConnector, syncOnce } from "../github/helpers";

const INVENTORY = new Set(["OrgRepos", "RepoDetails", "RulesetDetails", "EnvironmentRules"]);

async function scenario(label: string, fake: FakeGitHub) {
  await fake.start();
  const app = await startTestApp();
  try {
    const id = await createGitHubConnector(app, fake);
    const t0 = Date.now();
    const first = await syncOnce(app, id, 500);
    const ms = Date.now() - t0;
    const inv = fake.requests.filter((r) => r.kind === "graphql" && INVENTORY.has(r.operation));
    const firstAll = fake.requests.length;
    const second = await syncOnce(app, id, 500);
    const secondAll = fake.requests.length - firstAll;
    const [{ n: findings }] = await app.db.dataSource.query(`SELECT count(*)::int AS n FROM finding`);
    if (fake.invalidQueries.length) throw new Error(`invalid queries: ${JSON.stringify(fake.invalidQueries[0])}`);
    return {
      label, status: [first.status, second.status].join("/"), firstRunSeconds: +(ms / 1000).toFixed(1),
      inventoryGraphqlRequests: inv.length, inventoryPoints: inv.reduce((s, r) => s + r.cost, 0),
      firstRunRequests: firstAll, firstRunGraphqlRequests: fake.requests.slice(0, firstAll).filter((r) => r.kind === "graphql").length,
      firstRunPoints: first.pointsUsed, phaseMs: Object.fromEntries(Object.entries(first.counts).filter(([k]) => k.startsWith("ms."))), secondRunRequests: secondAll, secondVsFirst: `${Math.round((100 * secondAll) / firstAll)}%`, findings,
      byOperation: Object.fromEntries([...new Set(fake.requests.slice(0, firstAll).map((r) => r.operation.replace(/\?.*/, "")))].map((op) => [op, fake.requests.slice(0, firstAll).filter((r) => r.operation === op).length])),
    };
  } finally {
    await app.stop();
    await fake.stop();
  }
}

async function main() {
  const a = await scenario("1,000 repositories (default alert volume)", new FakeGitHub({ org: "bench", repos: 1000, seed: 1 }));
  console.log(JSON.stringify(a, null, 2));
  const b = await scenario("1,000 repositories + 20,000 alerts", new FakeGitHub({ org: "bench", repos: 1000, seed: 2, dependabotAlerts: 8000, codeScanningAlerts: 8000, secretScanningAlerts: 4000 }));
  console.log(JSON.stringify(b, null, 2));
  const ok = a.inventoryGraphqlRequests <= 60 && a.inventoryPoints <= 150 && a.secondRunRequests <= 0.3 * a.firstRunRequests && b.firstRunSeconds <= 30;
  console.log(ok ? "all targets met" : "TARGET MISSED");
  process.exit(ok ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(1); });
