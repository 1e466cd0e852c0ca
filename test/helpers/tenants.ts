import { DataSource } from "typeorm";
import {
  CloudResource, Connector, Deployment, DevOpsOrganization, Environment, Finding, FindingRank, ImportRun, Pipeline, Project, Repository, ResourceLink, Rule, SyncRun,
} from "../../src/entities";
import { FindingCategory, FindingState, PriorityLevel, Provider, Severity, SyncStatus, CloudProvider, ConnectorProvider } from "../../src/common/types";
import { toGlobalId } from "../../src/common/ids";

export interface Tenant {
  key: string;
  orgId: string;
  repoId: string;
  repoFullName: string;
  connectorId: string;
  /** Every global ID seeded for this tenant (for node/nodes probes). */
  globalIds: string[];
  /** Every raw uuid seeded for this tenant. */
  rawIds: string[];
  findingCount: number;
}

/**
 * One organization with a little of everything, written straight through the
 * DataSource. Every name contains `key`, so a response that mentions the
 * tenant in any field is easy to catch.
 */
export async function seedTenant(ds: DataSource, key: string): Promise<Tenant> {
  const em = ds.manager;
  const org = await em.save(em.create(DevOpsOrganization, { name: `${key}-org`, provider: Provider.GITHUB, url: `https://github.com/${key}-org`, externalId: `${key}-ext` }));
  const project = await em.save(em.create(Project, { organizationId: org.id, name: `${key}-project` }));
  const repo = await em.save(em.create(Repository, { organizationId: org.id, projectId: project.id, name: `${key}-api`, fullName: `${key}-org/${key}-api`, source: "github", url: `https://github.com/${key}-org/${key}-api` }));
  const pipeline = await em.save(em.create(Pipeline, { organizationId: org.id, repositoryId: repo.id, name: `${key}-pipeline`, kind: "GITHUB_WORKFLOW", externalId: `${key}-pipe` }));
  const env = await em.save(em.create(Environment, { organizationId: org.id, repositoryId: repo.id, name: `${key}-production`, externalId: `${key}-env` }));
  const deployment = await em.save(em.create(Deployment, { organizationId: org.id, environmentId: env.id, repositoryId: repo.id, pipelineId: pipeline.id, state: "SUCCESS", deployedAt: new Date(), externalId: `${key}-dep` }));
  const resource = await em.save(em.create(CloudResource, { organizationId: org.id, provider: CloudProvider.AZURE, type: "Microsoft.Web/sites", externalId: `/subscriptions/${key}/sites/${key}-app`, name: `${key}-app`, internetExposed: true }));
  await em.save(em.create(ResourceLink, { resourceId: resource.id, kind: "deployment", repositoryId: repo.id, evidence: `${key}-evidence` }));
  const rule = await em.save(em.create(Rule, { tool: `${key}-scanner`, ruleId: `${key}-rule`, name: `${key} rule` }));
  const findings: Finding[] = [];
  const severities = [Severity.CRITICAL, Severity.HIGH, Severity.LOW];
  for (const [i, severity] of severities.entries()) {
    const f = await em.save(em.create(Finding, {
      organizationId: org.id, repositoryId: repo.id, ruleRefId: rule.id, analysisCategory: `${key}-category`, fingerprint: `${key}-fp-${i}`,
      source: "sarif", title: `${key} finding ${i}`, category: FindingCategory.CODE, severity, severityRank: 4 - i, state: FindingState.OPEN,
      ruleId: `${key}-rule`, tool: `${key}-scanner`, path: `src/${key}.ts`, firstSeenAt: new Date(), storedLastSeenAt: new Date(),
    }));
    await em.save(em.create(FindingRank, {
      findingId: f.id, organizationId: org.id, repositoryId: repo.id, state: f.state, severity: f.severity, category: f.category, priorityScore: 50 + i, priorityLevel: PriorityLevel.P2,
    }));
    findings.push(f);
  }
  const connector = await em.save(em.create(Connector, { provider: ConnectorProvider.GITHUB, organization: `${key}-org`, url: `http://127.0.0.1:9/${key}`, organizationId: org.id }));
  const syncRun = await em.save(em.create(SyncRun, { connectorId: connector.id, status: SyncStatus.SUCCEEDED, startedAt: new Date() }));
  const importRun = await em.save(em.create(ImportRun, { organizationId: org.id, repositoryId: repo.id, format: "SARIF", status: "completed", startedAt: new Date() }));
  const typed: [string, string][] = [
    ["DevOpsOrganization", org.id], ["Project", project.id], ["Repository", repo.id], ["Pipeline", pipeline.id], ["Environment", env.id],
    ["Deployment", deployment.id], ["CloudResource", resource.id], ["Rule", rule.id], ["Connector", connector.id], ["SyncRun", syncRun.id],
    ["ImportRun", importRun.id], ...findings.map((f): [string, string] => ["Finding", f.id]),
  ];
  return {
    key, orgId: org.id, repoId: repo.id, repoFullName: repo.fullName, connectorId: connector.id, findingCount: findings.length,
    globalIds: typed.map(([t, id]) => toGlobalId(t, id)), rawIds: typed.map(([, id]) => id),
  };
}

/** Whether a response body mentions the tenant at all: its key, a raw ID or a global ID. */
export function mentions(body: unknown, t: Tenant): string | null {
  const text = JSON.stringify(body);
  if (text.toLowerCase().includes(t.key)) return t.key;
  return [...t.rawIds, ...t.globalIds].find((id) => text.includes(id)) ?? null;
}
