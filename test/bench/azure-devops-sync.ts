/**
 * Azure DevOps connector benchmark against the fake (no latency), through the
 * public API: `npm run build && node dist/test/bench/azure-devops-sync.js`.
 *  1. 200 repositories (3 projects): requests per repository, first and unchanged second run (target ≤ 30 %)
 *  2. 500 repositories + ~10,000 alerts: wall time of the first run
 */
import { startTestApp } from "../helpers/app";
import { FakeAzureDevOps } from "../fakes/azure-devops/server";
import { createAdoConnector, syncOnce } from "../azure-devops/helpers";

async function scenario(label: string, fake: FakeAzureDevOps) {
  await fake.start();
  const app = await startTestApp();
  try {
    const id = await createAdoConnector(app, fake);
    const repos = fake.projects.reduce((n, p) => n + p.repos.length, 0);
    const t0 = Date.now();
    const first = await syncOnce(app, id, 200);
    const ms = Date.now() - t0;
    const firstAll = fake.requests.length;
    const t1 = Date.now();
    const second = await syncOnce(app, id, 200);
    const ms2 = Date.now() - t1;
    const secondAll = fake.requests.length - firstAll;
    const [{ n: findings }] = await app.db.dataSource.query(`SELECT count(*)::int AS n FROM finding`);
    const ops = (list: typeof fake.requests) => Object.fromEntries([...new Set(list.map((r) => op(r.path)))].map((o) => [o, list.filter((r) => op(r.path) === o).length]));
    return {
      label, repositories: repos, alerts: fake.alerts.length, findings, status: `${first.status}/${second.status}`,
      firstRunSeconds: +(ms / 1000).toFixed(2), secondRunSeconds: +(ms2 / 1000).toFixed(2),
      firstRunRequests: firstAll, firstPerRepository: +(firstAll / repos).toFixed(2),
      secondRunRequests: secondAll, secondPerRepository: +(secondAll / repos).toFixed(2), secondVsFirst: `${Math.round((100 * secondAll) / firstAll)}%`,
      firstByEndpoint: ops(fake.requests.slice(0, firstAll)), secondByEndpoint: ops(fake.requests.slice(firstAll)),
    };
  } finally {
    await app.stop();
    await fake.stop();
  }
}

function op(path: string): string {
  return path.replace(/\?.*/, "").replace(/^\/[^/]+/, "").replace(/\/[0-9a-f-]{36}|\/svc-\d+|\/\d+/g, "/{id}").replace(/^\/(payments|platform|restricted|p\d+)\//, "/{project}/");
}

async function main() {
  const a = await scenario("200 repositories, 3 projects", new FakeAzureDevOps());
  console.log(JSON.stringify(a, null, 2));
  const b = await scenario("500 repositories + 10,000 alerts", new FakeAzureDevOps({
    projects: [{ name: "p1", repos: 200 }, { name: "p2", repos: 150 }, { name: "p3", repos: 150 }], alertsPerRepo: 19, advsecEvery: 1000,
  }));
  console.log(JSON.stringify(b, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
