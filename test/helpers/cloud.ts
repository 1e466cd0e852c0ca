import { TestApp } from "./app";
import { postIngest } from "./ingest";

export interface ResultSpec { ruleId: string; securitySeverity?: number; path?: string; level?: string; message?: string }

/** A minimal SARIF 2.1.0 log of one run whose rules carry security-severity. */
export function sarif(tool: string, results: ResultSpec[]): object {
  const rules = [...new Map(results.map((r) => [r.ruleId, r])).values()].map((r) => ({
    id: r.ruleId, shortDescription: { text: r.ruleId }, properties: { tags: ["security"], ...(r.securitySeverity != null ? { "security-severity": String(r.securitySeverity) } : {}) },
  }));
  return {
    version: "2.1.0", $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [{
      tool: { driver: { name: tool, version: "1.0.0", rules } },
      results: results.map((r, i) => ({
        ruleId: r.ruleId, level: r.level ?? "error", message: { text: r.message ?? `${r.ruleId} #${i}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: r.path ?? `src/file${i}.ts` }, region: { startLine: 10 + i } } }],
        partialFingerprints: { primaryLocationLineHash: `${r.ruleId}:${i}` },
      })),
    }],
  };
}

export async function uploadSarif(app: TestApp, repository: string, log: object): Promise<void> {
  const r = await postIngest(app, { repository, ref: "refs/heads/main" }, log);
  if (r.status !== 200) throw new Error(`sarif upload failed: ${r.status} ${JSON.stringify(r.body)}`);
}

export const UPSERT = `mutation($input: [CloudResourceInput!]!, $source: String, $complete: Boolean) {
  upsertCloudResources(input: $input, source: $source, complete: $complete) { received created updated unchanged gone linksAdded linksRemoved findingsRescored } }`;

export async function upsertResources(app: TestApp, input: object[], extra: { source?: string; complete?: boolean } = {}): Promise<any> {
  const r = await app.gql(UPSERT, { input, ...extra });
  if (r.body.errors) throw new Error(JSON.stringify(r.body.errors));
  return r.body.data.upsertCloudResources;
}

export interface FindingView { id: string; title: string; ruleId: string; severity: string; priority: { score: number; level: string; factors: { key: string; contribution: number; detail: string | null }[] } }

/** The open findings of a repository, through the API. */
export async function findingsOf(app: TestApp, fullName: string): Promise<FindingView[]> {
  const r = await app.gql(`query($repo: [String!]) { findings(first: 100, filter: {repository: $repo}) { nodes { id title ruleId severity priority { score level factors { key contribution detail } } } } }`, { repo: [fullName] });
  if (r.body.errors) throw new Error(JSON.stringify(r.body.errors));
  return r.body.data.findings.nodes;
}

export async function scoreOf(app: TestApp, fullName: string, ruleId: string): Promise<FindingView> {
  const f = (await findingsOf(app, fullName)).find((x) => x.ruleId === ruleId);
  if (!f) throw new Error(`no finding ${ruleId} in ${fullName}`);
  return f;
}

export async function priorityEvents(app: TestApp, findingGlobalId: string): Promise<{ from: { level: string }; to: { level: string } }[]> {
  const id = Buffer.from(findingGlobalId, "base64url").toString("utf8").split(":")[1];
  const rows: { payload: any }[] = await app.db.dataSource.query(`SELECT payload FROM finding_event WHERE finding_id = $1 AND type = 'PRIORITY_CHANGED' ORDER BY seq`, [id]);
  return rows.map((r) => r.payload);
}

export function yor(org: string, repo: string, extra: Record<string, string> = {}): { key: string; value: string }[] {
  return Object.entries({ git_org: org, git_repo: repo, ...extra }).map(([key, value]) => ({ key, value }));
}
