import crypto from "node:crypto";
import { DataSource } from "typeorm";
import { CloudProvider, Criticality, FindingCategory, Provider } from "../../src/common/types";
import { BuildArtifact, CloudResource, Deployment, DevOpsOrganization, Environment, EnvironmentResource, Pipeline, Project, Repository } from "../../src/entities/index";
import { relinkResources } from "../../src/cloud";
import { FindingStore, FindingInput } from "../../src/findings";
import { RULES, INTEL } from "./catalog";
import { rng, Rng } from "./random";
import {
  POLICY_TYPES, secureFile, serviceConnection, transformBuildDefinition, transformRepository, variableGroup, withPolicies,
  type BuildDefinitionRaw, type PolicyRaw, type ProjectRaw, type RepositoryRaw,
} from "../../src/connectors/azure-devops/transforms";

const GH_REPOS = ["api", "web", "payments-service", "checkout", "identity", "notifications", "search", "recommendations", "mobile-backend",
  "admin-portal", "data-pipeline", "ml-models", "terraform-infra", "helm-charts", "docs", "design-system", "analytics", "billing",
  "inventory", "shipping", "legacy-monolith", "internal-tools", "status-page", "chatops-bot", "feature-flags", "gateway", "auth-proxy", "cdn-config"];
const ADO = { payments: ["payments-api", "ledger", "fraud-detection", "settlement", "card-vault", "reconciliation", "payouts", "risk-engine", "statements", "fx-rates"], platform: ["aks-cluster", "shared-pipelines", "observability", "service-mesh", "key-rotation", "backup-jobs", "network", "dns", "identity-broker", "cost-reports", "landing-zone", "policy-as-code"] };

export interface SeedSummary { organizations: number; repositories: number; pipelines: number; deployments: number; resources: number; findings: number }

/**
 * A realistic demo estate: a GitHub organization and an Azure DevOps
 * organization with projects, ~50 repositories, workflows and pipelines,
 * environments and deployments, cloud resources (some internet-exposed, some
 * production), and findings of every category and state — loaded through the
 * product's own load path, so priorities and events are real.
 */
export async function seedDemo(ds: DataSource, store: FindingStore, seed = 42): Promise<SeedSummary> {
  const r = rng(seed);
  const em = ds.manager;
  const acme = await em.save(em.create(DevOpsOrganization, { name: "acme", provider: Provider.GITHUB, url: "https://github.com/acme" }));
  const fabrikam = await em.save(em.create(DevOpsOrganization, { name: "fabrikam", provider: Provider.AZURE_DEVOPS, url: "https://dev.azure.com/fabrikam" }));
  const repos: Repository[] = [];
  for (const name of GH_REPOS) {
    repos.push(em.create(Repository, { organizationId: acme.id, name, fullName: `acme/${name}`, visibility: r.chance(0.2) ? "PUBLIC" : "PRIVATE", defaultBranch: "main", archived: name === "legacy-monolith", url: `https://github.com/acme/${name}`, source: "demo", pushedAt: new Date(Date.now() - r.int(1, 90) * 86400000), settings: { secretScanning: r.chance(0.7), codeScanning: r.chance(0.6), dependabot: r.chance(0.8) } }));
  }
  // Azure DevOps in the shape its connector produces: raw REST objects through the connector's own transforms.
  const adoBuilds: { projectId: string; def: BuildDefinitionRaw; repoExternalId: string }[] = [];
  const adoProjects: Record<string, unknown> = {};
  for (const [pi, [projectName, names]] of Object.entries(ADO).entries()) {
    const project = await em.save(em.create(Project, { organizationId: fabrikam.id, name: projectName, url: `https://dev.azure.com/fabrikam/${projectName}`, externalId: `demo-project-${pi}` }));
    const raw: ProjectRaw = { id: `demo-project-${pi}`, name: projectName, visibility: "private" };
    const repoRaws: RepositoryRaw[] = names.map((name, i) => ({ id: `00000000-0000-4000-8000-${String(pi * 100 + i).padStart(12, "0")}`, name, defaultBranch: "refs/heads/main",
      webUrl: `https://dev.azure.com/fabrikam/${projectName}/_git/${name}`, size: 1000 + i, isDisabled: false, isFork: false }));
    // payments: two approvals on main, creator vote not counted, votes reset on push, build validation on payments-api;
    // platform: reviewers on release branches only, which protects nothing on main.
    const policies: PolicyRaw[] = pi === 0 ? [
      { id: 1, type: { id: POLICY_TYPES.minimumReviewers }, isEnabled: true, isBlocking: true, settings: { minimumApproverCount: 2, creatorVoteCounts: false, resetOnSourcePush: true, scope: [{ refName: "refs/heads/main", matchKind: "Exact", repositoryId: null }] } },
      { id: 2, type: { id: POLICY_TYPES.build }, isEnabled: true, isBlocking: true, settings: { buildDefinitionId: 1, scope: [{ refName: "refs/heads/main", matchKind: "Exact", repositoryId: repoRaws[0].id }] } },
    ] : [
      { id: 3, type: { id: POLICY_TYPES.minimumReviewers }, isEnabled: true, isBlocking: true, settings: { minimumApproverCount: 1, creatorVoteCounts: true, resetOnSourcePush: false, scope: [{ refName: "refs/heads/release", matchKind: "Prefix", repositoryId: null }] } },
    ];
    for (const repoRaw of repoRaws) {
      const row = withPolicies(transformRepository("fabrikam", raw, repoRaw, project.id), repoRaw, policies);
      (row.settings.azureDevOps as Record<string, unknown>).advancedSecurity = r.chance(0.5);
      repos.push(em.create(Repository, { organizationId: fabrikam.id, projectId: project.id, name: row.name, fullName: row.fullName, visibility: row.visibility, defaultBranch: row.defaultBranch,
        url: row.url, externalId: row.externalId, archived: row.archived, fork: row.fork, source: "demo", settings: row.settings }));
      const i = repoRaws.indexOf(repoRaw);
      adoBuilds.push({ projectId: project.id, repoExternalId: repoRaw.id, def: {
        id: i + 1, name: `${repoRaw.name}-ci`, process: { type: 2, yamlFilename: "azure-pipelines.yml" }, repository: { id: repoRaw.id, type: "TfsGit", name: repoRaw.name },
        triggers: [{ triggerType: "continuousIntegration" }, ...(i % 4 === 0 ? [{ triggerType: "pullRequest", forks: { enabled: true, allowSecrets: i % 8 === 0 } }] : [])],
      } });
    }
    adoProjects[projectName] = {
      readAt: new Date().toISOString(),
      serviceConnections: [serviceConnection({ id: `demo-sc-${pi}-1`, name: `${projectName}-azure`, type: pi === 0 ? "azurerm" : "azure", authorization: { scheme: pi === 0 ? "WorkloadIdentityFederation" : "Certificate" } }, pi === 0)],
      variableGroups: [variableGroup({ id: pi * 10 + 1, name: "deploy-secrets", variables: { region: { value: "westeurope" }, apiKey: { isSecret: true } } }, pi === 1)],
      secureFiles: [secureFile({ id: `demo-sf-${pi}`, name: "signing.pfx" }, false)],
    };
  }
  await em.save(repos);
  await em.query(`UPDATE devops_organization SET settings = settings || $2::jsonb WHERE id = $1`, [fabrikam.id, JSON.stringify({ azureDevOps: { projects: adoProjects } })]);

  // Deployed services: their pipelines deploy to staging and production; resources sit behind the environments.
  const deployedNames = new Set(["api", "web", "payments-service", "checkout", "identity", "gateway", "payments-api", "card-vault", "fraud-detection", "search", "admin-portal", "data-pipeline", "ledger"]);
  const exposedNames = new Set(["api", "web", "checkout", "gateway", "payments-api", "identity"]);
  let pipelines = 0, deployments = 0, resources = 0;
  for (const repo of repos) {
    const gh = repo.organizationId === acme.id;
    const build = gh ? null : adoBuilds.find((b) => b.repoExternalId === repo.externalId)!;
    const ado = build ? transformBuildDefinition(build.projectId, build.def, new Map([[build.repoExternalId, repo.id]])) : null;
    const pipeline = await em.save(em.create(Pipeline, {
      organizationId: repo.organizationId, repositoryId: repo.id, projectId: repo.projectId, name: ado?.name ?? "CI",
      kind: gh ? "GITHUB_WORKFLOW" : "AZURE_BUILD", definitionPath: ado?.path ?? ".github/workflows/ci.yml",
      triggers: ado?.triggers ?? ["push", "pull_request"], externalId: ado?.externalId ?? `${repo.fullName}:ci`, url: ado?.url ?? null,
      definition: ado?.definition ?? { permissions: r.chance(0.4) ? "write-all" : { contents: "read" }, runsOn: ["ubuntu-latest"], actions: [{ uses: "actions/checkout", ref: "v4", pinned: false }] },
    }));
    pipelines++;
    if (!deployedNames.has(repo.name)) continue;
    for (const envName of ["staging", "production"]) {
      const env = await em.save(em.create(Environment, { organizationId: repo.organizationId, repositoryId: repo.id, projectId: repo.projectId, name: envName, production: envName === "production", externalId: `${repo.fullName}:${envName}`, protectionRules: envName === "production" ? [{ type: "REQUIRED_REVIEWERS" }] : [] }));
      const sha = crypto.createHash("sha1").update(repo.fullName + envName).digest("hex");
      await em.save(em.create(Deployment, { organizationId: repo.organizationId, environmentId: env.id, repositoryId: repo.id, pipelineId: pipeline.id, commitSha: sha, ref: "main", state: "SUCCESS", deployedAt: new Date(Date.now() - r.int(1, 20) * 3600000), externalId: `${repo.fullName}:${envName}:1` }));
      deployments++;
      const azure = !gh;
      const resource = await em.save(em.create(CloudResource, {
        organizationId: repo.organizationId, provider: azure ? CloudProvider.AZURE : CloudProvider.AWS,
        type: azure ? "Microsoft.Web/sites" : "AWS::ECS::Service",
        externalId: azure ? `/subscriptions/0000/resourceGroups/${envName}/providers/Microsoft.Web/sites/${repo.name}-${envName}` : `arn:aws:ecs:eu-west-1:123456789012:service/${envName}/${repo.name}`,
        name: `${repo.name}-${envName}`, region: azure ? "westeurope" : "eu-west-1",
        tags: { git_org: repo.fullName.split("/")[0], git_repo: repo.name, git_file: `infra/${envName}/main.tf`, git_commit: sha.slice(0, 12), yor_trace: crypto.randomUUID(), env: envName },
        internetExposed: envName === "production" && exposedNames.has(repo.name), sensitiveData: /payment|card|ledger|identity|checkout/.test(repo.name),
        environment: envName, criticality: envName === "production" ? (/payment|card|checkout/.test(repo.name) ? Criticality.CRITICAL : Criticality.HIGH) : Criticality.LOW,
        imageDigests: [`sha256:${crypto.createHash("sha256").update(repo.name + envName).digest("hex")}`], source: "demo",
      }));
      resources++;
      // The environment names its resource (as an admin's setEnvironmentResources would); links are derived below.
      await em.save(em.create(EnvironmentResource, { environmentId: env.id, resourceId: resource.id }));
      if (envName === "production") {
        await em.save(em.create(BuildArtifact, { organizationId: repo.organizationId, repositoryId: repo.id, pipelineId: pipeline.id, commitSha: sha, imageName: gh ? `ghcr.io/acme/${repo.name}` : `fabrikam.azurecr.io/${repo.name}`, imageDigest: resource.imageDigests[0] }));
      }
    }
  }

  await ds.transaction((tx) => relinkResources(tx, null));

  for (const i of INTEL) {
    await em.query(`INSERT INTO vulnerability_intel (cve, kev_date_added, kev_ransomware, epss_score, epss_percentile) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cve) DO NOTHING`,
      [i.cve, i.kev?.dateAdded ?? null, i.kev?.ransomware ?? false, i.epss?.[0] ?? null, i.epss?.[1] ?? null]);
  }

  let findings = 0;
  const start = Date.now() - 120 * 86400000;
  for (const repo of repos) {
    const weight = repo.name === "legacy-monolith" || repo.name === "api" ? 6 : r.int(1, 3);
    const byCategory = new Map<string, FindingInput[]>();
    for (let k = 0; k < weight * 8; k++) {
      const t = r.pick(RULES);
      const f = finding(t, r, k);
      const key = `${t.tool}`;
      byCategory.set(key, [...(byCategory.get(key) ?? []), f]);
    }
    for (const [tool, list] of byCategory) {
      // First scan 120-30 days ago: everything; the latest scan drops some (fixed) and suppresses a few (dismissed).
      const scope = { organizationId: repo.organizationId, repositoryId: repo.id, analysisCategory: tool.toLowerCase().replace(/\s+/g, "-"), source: "demo", complete: true };
      await ds.transaction((tx) => store.load(tx, { ...scope, now: new Date(start + r.int(0, 60) * 86400000) }, list));
      const latest = list.filter(() => !r.chance(0.15)).map((f) => (r.chance(0.06) ? { ...f, suppressed: true, suppressionReason: "false positive: test fixture" } : f));
      await ds.transaction((tx) => store.load(tx, { ...scope, now: new Date(Date.now() - r.int(0, 5) * 86400000) }, latest));
      findings += list.length;
    }
  }
  await ds.transaction((tx) => store.refreshPriorities(tx));
  return { organizations: 2, repositories: repos.length, pipelines, deployments, resources, findings };
}

function finding(t: (typeof RULES)[number], r: Rng, k: number): FindingInput {
  const path = r.pick(t.paths);
  const line = r.int(5, 400);
  return {
    fingerprint: crypto.createHash("sha256").update(`${t.ruleId}|${path}|${k}`).digest("hex").slice(0, 40),
    category: t.category, severity: t.severity, title: t.title, message: `${t.title} in ${path}`, ruleId: t.ruleId, tool: t.tool, toolVersion: null,
    path: path.startsWith("image:") ? null : path, startLine: path.startsWith("image:") ? null : line, endLine: path.startsWith("image:") ? null : line + r.int(0, 3),
    startColumn: null, endColumn: null, snippet: null, vulnerabilityId: t.cve ?? null, cwes: t.cwe ? [t.cwe] : [], cvssScore: t.cvss ?? null, cvssVector: null,
    packageName: t.pkg ?? null, packageVersion: t.version ?? null, fixedVersion: t.fixed ?? null,
    details: t.category === FindingCategory.SECRET ? { secretValidity: r.pick(["active", "inactive", "unknown"]) }
      : t.category === FindingCategory.DEPENDENCY ? { dependencyScope: r.chance(0.75) ? "runtime" : "development" } : {},
    sourceState: null,
  };
}

