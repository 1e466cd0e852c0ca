import { FakeGitHub } from "../fakes/github/server";
import type { TestApp } from "../helpers/app";

export const CREATE = `mutation($input: CreateConnectorInput!) { createConnector(input: $input) { id organization url schedule enabled hasCredentials } }`;
export const TRIGGER = `mutation($id: ID!) { triggerSync(connectorId: $id) { id status } }`;
export const RUNS = `query($id: ID) { syncRuns(connectorId: $id, first: 20) { nodes { id status startedAt finishedAt counts requests pointsUsed errors } } }`;

/** Records rate-limit and back-off waits instead of waiting. */
export function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => { waits.push(ms); } };
}

export async function createGitHubConnector(app: TestApp, fake: FakeGitHub, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await app.gql(CREATE, { input: { provider: "GITHUB", organization: fake.org.login, url: fake.url, token: "ghp_faketoken0123456789", ...extra } });
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.createConnector.id;
}

/** triggerSync, then polls syncRuns until the run is no longer RUNNING. */
export async function syncOnce(app: TestApp, connectorId: string, pollMs = 50): Promise<any> {
  const t = await app.gql(TRIGGER, { id: connectorId });
  if (t.body.errors) throw new Error(JSON.stringify(t.body.errors));
  const runId = t.body.data.triggerSync.id;
  for (let i = 0; i < 6000; i++) {
    const r = await app.gql(RUNS, { id: connectorId });
    const run = r.body.data.syncRuns.nodes.find((n: any) => n.id === runId);
    if (run && run.status !== "RUNNING") return run;
    await new Promise((res) => setTimeout(res, pollMs));
  }
  throw new Error("sync did not finish");
}
