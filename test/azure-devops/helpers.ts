import type { FakeAzureDevOps } from "../fakes/azure-devops/server";
import type { TestApp } from "../helpers/app";

export { fakeSleep, syncOnce, TRIGGER, RUNS } from "../github/helpers";
export const CREATE = `mutation($input: CreateConnectorInput!) { createConnector(input: $input) { id organization url schedule enabled hasCredentials } }`;

export async function createAdoConnector(app: TestApp, fake: FakeAzureDevOps, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await app.gql(CREATE, { input: { provider: "AZURE_DEVOPS", organization: fake.org, url: fake.url, token: fake.pat, ...extra } });
  if (res.body.errors) throw new Error(JSON.stringify(res.body.errors));
  return res.body.data.createConnector.id;
}
