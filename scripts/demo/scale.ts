import crypto from "node:crypto";
import { DataSource } from "typeorm";
import { FindingCategory, FindingState, Severity, SEVERITY_RANK } from "../../src/common/types";
import { ResourceContext, slaDueAt } from "../../src/priority/index";
import { FindingStore } from "../../src/findings";
import { IntelRow, PriorityContext, PriorityService } from "../../src/priority";
import { INTEL, RULES } from "./catalog";
import { rng } from "./random";

export interface ScaleOptions {
  findings: number; repos: number; orgs: number; pipelines: number; resources: number;
  batch: number; seed: number; log?: (msg: string) => void;
}

export interface ScaleSummary { organizations: number; repositories: number; pipelines: number; environments: number; deployments: number; resources: number; findings: number; ms: Record<string, number>; findingRowsPerSecond: number }

const DAY = 86400000;

/**
 * A synthetic estate at scale, loaded set-based (unnest INSERT … SELECT in
 * batches, the style of finding-store.sql.ts). Sizes are skewed (Zipf: the
 * largest repository holds ~10% of all findings, most hold a few dozen);
 * every category, state and severity occurs; priorities come from the real
 * PriorityService with each repository's deployment and exposure context.
 * The finding event log is not filled (a million CREATED events would only
 * measure the seeder).
 */
export async function seedScale(ds: DataSource, store: FindingStore, priority: PriorityService, o: ScaleOptions): Promise<ScaleSummary> {
  const log = o.log ?? (() => undefined);
  const r = rng(o.seed);
  const ms: Record<string, number> = {};
  const t0 = Date.now();
  const q = (sql: string, params: unknown[] = []) => ds.query(sql, params);
  const now = new Date();

  // Organizations: half GitHub, half Azure DevOps.
  const orgs = Array.from({ length: o.orgs }, (_, i) => ({ id: crypto.randomUUID(), name: `scale-${i}`, provider: i % 2 ? "AZURE_DEVOPS" : "GITHUB" }));
  await q(`INSERT INTO devops_organization (id, name, provider, url) SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[])`,
    [orgs.map((x) => x.id), orgs.map((x) => x.name), orgs.map((x) => x.provider), orgs.map((x) => (x.provider === "GITHUB" ? `https://github.com/${x.name}` : `https://dev.azure.com/${x.name}`))]);

  // Repositories with Zipf-skewed finding counts.
  const weights = Array.from({ length: o.repos }, (_, i) => 1 / (i + 1));
  const wsum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((o.findings * w) / wsum));
  let rest = o.findings - counts.reduce((a, b) => a + b, 0);
  for (let i = o.repos - 1; rest > 0; i = (i - 1 + o.repos) % o.repos, rest--) counts[i]++;
  const repos = Array.from({ length: o.repos }, (_, i) => {
    const org = orgs[i % orgs.length];
    return { id: crypto.randomUUID(), org, name: `repo-${i}`, fullName: `${org.name}/repo-${i}`, findings: counts[i] };
  });
  for (let i = 0; i < repos.length; i += 20000) {
    const part = repos.slice(i, i + 20000);
    await q(`INSERT INTO repository (id, organization_id, name, full_name, visibility, default_branch, url, source, pushed_at, settings)
      SELECT id, org, name, full_name, vis, 'main', url, 'scale', now() - (days || ' days')::interval, '{"codeScanning": true}'::jsonb
        FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::int[]) AS u(id, org, name, full_name, vis, url, days)`,
    [part.map((x) => x.id), part.map((x) => x.org.id), part.map((x) => x.name), part.map((x) => x.fullName), part.map(() => (r.chance(0.15) ? "PUBLIC" : "PRIVATE")),
      part.map((x) => `https://example.invalid/${x.fullName}`), part.map(() => r.int(0, 200))]);
  }
  ms.inventory = Date.now() - t0;

  // Pipelines: spread over repositories (the first ones get more).
  const pipeRepo = Array.from({ length: o.pipelines }, (_, i) => repos[i < repos.length ? i : r.int(0, Math.min(99, repos.length - 1))]);
  const pipeIds = pipeRepo.map(() => crypto.randomUUID());
  for (let i = 0; i < pipeRepo.length; i += 20000) {
    const part = pipeRepo.slice(i, i + 20000);
    await q(`INSERT INTO pipeline (id, organization_id, repository_id, name, kind, definition_path, triggers, external_id, definition)
      SELECT id, org, repo, name, kind, path, '{push,pull_request}', ext, '{"permissions": {"contents": "read"}}'::jsonb
        FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[]) AS u(id, org, repo, name, kind, path, ext)`,
    [pipeIds.slice(i, i + 20000), part.map((x) => x.org.id), part.map((x) => x.id), part.map((_, k) => `ci-${i + k}`),
      part.map((x) => (x.org.provider === "GITHUB" ? "GITHUB_WORKFLOW" : "AZURE_BUILD")), part.map((x) => (x.org.provider === "GITHUB" ? ".github/workflows/ci.yml" : "azure-pipelines.yml")),
      part.map((x, k) => `${x.fullName}:ci-${i + k}`)]);
  }

  // Deployed repositories (the larger ones first, and every 7th): staging + production environment, a deployment
  // and a cloud resource each; a third of the production resources are internet-exposed.
  const deployed = repos.filter((_, i) => i < o.resources / 4 || i % 7 === 0).slice(0, Math.floor(o.resources / 2));
  const env: unknown[][] = [[], [], [], [], [], [], []];
  const dep: unknown[][] = [[], [], [], [], [], [], []];
  const res: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
  const link: unknown[][] = [[], [], [], [], []];
  const resources = new Map<string, ResourceContext[]>();
  const exposedRepos: string[] = [];
  deployed.forEach((repo, k) => {
    const pipeline = pipeIds[repos.indexOf(repo) < pipeIds.length ? repos.indexOf(repo) : 0];
    for (const envName of ["staging", "production"]) {
      const prod = envName === "production";
      const envId = crypto.randomUUID(), resId = crypto.randomUUID();
      const azure = repo.org.provider !== "GITHUB";
      const exposed = prod && k % 3 === 0;
      const sensitive = k % 4 === 0;
      const criticality = prod ? (k % 5 === 0 ? "CRITICAL" : "HIGH") : "LOW";
      const sha = crypto.createHash("sha1").update(repo.fullName + envName).digest("hex");
      [envId, repo.org.id, repo.id, envName, prod, `${repo.fullName}:${envName}`, prod ? '[{"type":"REQUIRED_REVIEWERS"}]' : "[]"].forEach((v, i) => env[i].push(v));
      [repo.org.id, envId, repo.id, pipeline, sha, new Date(now.getTime() - r.int(1, 400) * 3600000), `${repo.fullName}:${envName}:1`].forEach((v, i) => dep[i].push(v));
      [resId, repo.org.id, azure ? "AZURE" : "AWS", azure ? "Microsoft.Web/sites" : "AWS::ECS::Service",
        azure ? `/subscriptions/0000/resourceGroups/${envName}/providers/Microsoft.Web/sites/${repo.name}-${repo.org.name}` : `arn:aws:ecs:eu-west-1:123456789012:service/${envName}/${repo.org.name}-${repo.name}`,
        `${repo.name}-${envName}`, azure ? "westeurope" : "eu-west-1", exposed, sensitive, envName, criticality].forEach((v, i) => res[i].push(v));
      [resId, repo.id, envId, sha, `deployment of ${sha.slice(0, 7)} to ${envName}`].forEach((v, i) => link[i].push(v));
      const list = resources.get(repo.id) ?? [];
      list.push({ id: resId, name: `${repo.name}-${envName}`, internetExposed: exposed, sensitiveData: sensitive, production: prod, criticality: criticality as ResourceContext["criticality"], via: "deployment" });
      resources.set(repo.id, list);
      if (exposed) exposedRepos.push(repo.id);
    }
  });
  for (let i = 0; i < deployed.length * 2; i += 20000) {
    const s = <T>(a: T[]) => a.slice(i, i + 20000);
    await q(`INSERT INTO environment (id, organization_id, repository_id, name, production, external_id, protection_rules)
      SELECT id, org, repo, name, prod, ext, rules::jsonb FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::varchar[], $5::bool[], $6::varchar[], $7::text[]) AS u(id, org, repo, name, prod, ext, rules)`, env.map(s));
    await q(`INSERT INTO deployment (organization_id, environment_id, repository_id, pipeline_id, commit_sha, ref, state, deployed_at, external_id)
      SELECT org, envid, repo, pipe, sha, 'main', 'SUCCESS', at, ext FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::varchar[], $6::timestamptz[], $7::varchar[]) AS u(org, envid, repo, pipe, sha, at, ext)`, dep.map(s));
    await q(`INSERT INTO cloud_resource (id, organization_id, provider, type, external_id, name, region, internet_exposed, sensitive_data, environment, criticality, source, tags)
      SELECT id, org, prov, type, ext, name, region, exposed, sensitive, env, crit, 'scale', jsonb_build_object('env', env)
        FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], $8::bool[], $9::bool[], $10::varchar[], $11::varchar[])
          AS u(id, org, prov, type, ext, name, region, exposed, sensitive, env, crit)`, res.map(s));
    await q(`INSERT INTO resource_link (resource_id, kind, repository_id, environment_id, commit_sha, evidence, confidence)
      SELECT res, 'deployment', repo, envid, sha, ev, 1 FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::varchar[], $5::varchar[]) AS u(res, repo, envid, sha, ev)`, link.map(s));
  }
  for (const i of INTEL) {
    await q(`INSERT INTO vulnerability_intel (cve, kev_date_added, kev_ransomware, epss_score, epss_percentile) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cve) DO NOTHING`,
      [i.cve, i.kev?.dateAdded ?? null, i.kev?.ransomware ?? false, i.epss?.[0] ?? null, i.epss?.[1] ?? null]);
  }
  ms.inventoryAndDeployments = Date.now() - t0;

  const ruleIds = await store.upsertRules(ds.manager, RULES.map((t) => ({ tool: t.tool, ruleId: t.ruleId, name: t.title, shortDescription: t.title, fullDescription: null, helpText: null, helpUri: null, tags: ["security"], securitySeverity: t.cvss ?? null })));
  const intel = new Map<string, IntelRow>(INTEL.map((i) => [i.cve, { kev: i.kev ? { dateAdded: i.kev.dateAdded, knownRansomwareCampaignUse: i.kev.ransomware } : null, epss: i.epss ? { score: i.epss[0], percentile: i.epss[1] } : null }]));
  const ctx: PriorityContext = { resources, intel };
  const policy = await priority.policy(ds.manager);

  // Secondary finding indexes are rebuilt once after the load: far cheaper than maintaining them per row.
  // Their definitions wait in a table, so a killed run leaves them to the next run instead of losing them.
  await q(`CREATE TABLE IF NOT EXISTS seed_scale_index (name text PRIMARY KEY, def text NOT NULL)`);
  await q(`INSERT INTO seed_scale_index SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname
            JOIN pg_namespace ns ON ns.oid = c.relnamespace AND ns.nspname = i.schemaname JOIN pg_index x ON x.indexrelid = c.oid
           WHERE i.tablename IN ('finding', 'finding_rank') AND i.schemaname = current_schema() AND NOT x.indisunique AND NOT x.indisprimary ON CONFLICT DO NOTHING`);
  const indexes: { name: string; def: string }[] = await q(`SELECT name, def FROM seed_scale_index ORDER BY name`);
  for (const ix of indexes) await q(`DROP INDEX IF EXISTS "${ix.name}"`);
  const tLoad = Date.now();
  let written = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const cols = 33;
  let batch: unknown[][] = Array.from({ length: cols }, () => []);
  const flush = async () => {
    const b = batch;
    batch = Array.from({ length: cols }, () => []);
    await pending; // one batch in the database while the next is generated
    // Each finding's finding_rank row in the same statement (ids drawn once for both).
    pending = q(`WITH u AS MATERIALIZED (SELECT uuid_v7() AS id, u.*
        FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::varchar[], $5::text[], $6::varchar[], $7::varchar[], $8::smallint[], $9::varchar[], $10::varchar[], $11::uuid[], $12::varchar[], $13::varchar[], $14::int[], $15::int[], $16::varchar[], $17::text[], $18::real[], $19::varchar[], $20::varchar[], $21::varchar[], $22::text[], $23::timestamptz[], $24::timestamptz[], $25::timestamptz[], $26::timestamptz[], $27::varchar[], $28::varchar[], $29::varchar[], $30::timestamptz[], $31::smallint[], $32::varchar[], $33::varchar[])
          AS u(o, rp, fp, title, msg, cat, sev, rank, st, rid, rref, tool, path, sl, el, vid, cwe, cvss, pkg, pv, fv, det, fs, ls, fx, dm, dr, db, own, due, ps, pl, ac)),
      ins AS (INSERT INTO finding (id, organization_id, repository_id, analysis_category, fingerprint, source, title, message, category, severity, severity_rank, state,
          rule_id, rule_ref_id, tool, path, start_line, end_line, vulnerability_id, cwes, cvss_score, package_name, package_version, fixed_version, details,
          first_seen_at, last_seen_at, fixed_at, dismissed_at, dismiss_reason, dismissed_by, owner, due_at)
        SELECT id, o, rp, ac, fp, 'scale', title, msg, cat, sev, rank, st, rid, rref, tool, path, sl, el, vid,
               CASE WHEN cwe IS NULL THEN '{}'::text[] ELSE ARRAY[cwe] END, cvss, pkg, pv, fv, det::jsonb, fs, ls, fx, dm, dr, db, own, due FROM u)
      INSERT INTO finding_rank (finding_id, organization_id, repository_id, state, severity, category, priority_score, priority_level)
        SELECT id, o, rp, st, sev, cat, ps, pl FROM u`, b);
    written += b[0].length;
    if (written % (o.batch * 8) < o.batch) log(`findings: ${written.toLocaleString()} (${Math.round(written / ((Date.now() - tLoad) / 1000)).toLocaleString()} rows/s)`);
  };
  for (const repo of repos) {
    const teams = [`@${repo.org.name}/team-${r.int(0, 40)}`, `@${repo.org.name}/platform`];
    for (let k = 0; k < repo.findings; k++) {
      const t = RULES[Math.floor(r.next() * RULES.length)];
      const u = r.next();
      const state = u < 0.55 ? FindingState.OPEN : u < 0.88 ? FindingState.FIXED : FindingState.DISMISSED;
      const firstSeenAt = new Date(now.getTime() - r.int(0, 365) * DAY - r.int(0, DAY));
      const lastSeenAt = new Date(Math.max(firstSeenAt.getTime(), now.getTime() - r.int(0, 10) * DAY));
      const path = t.paths[k % t.paths.length];
      const image = path.startsWith("image:");
      const line = image ? null : 1 + ((k * 37) % 900);
      const details = t.category === FindingCategory.SECRET ? { secretValidity: r.pick(["active", "inactive", "unknown"]) }
        : t.category === FindingCategory.DEPENDENCY ? { dependencyScope: r.chance(0.75) ? "runtime" : "development" } : {};
      // The catalog has no LOW or INFO rules: some MEDIUM sightings are reported lower (as scanners configure it).
      const v = r.next();
      const sv = t.severity !== "MEDIUM" ? t.severity : v < 0.3 ? Severity.LOW : v > 0.9 ? Severity.INFO : t.severity;
      const row = { repositoryId: repo.id, category: t.category, severity: sv, state, cvssScore: t.cvss ?? null, vulnerabilityId: t.cve ?? null, fixedVersion: t.fixed ?? null, details, firstSeenAt, dueAt: slaDueAt(sv, firstSeenAt, policy) };
      const p = priority.compute(row, ctx, policy, now);
      const dismissed = state === FindingState.DISMISSED;
      const values = [repo.org.id, repo.id, `${t.ruleId}|${path}|${k}`, t.title, `${t.title} in ${image ? path.slice(6) : path}`, t.category, sv, SEVERITY_RANK[sv], state,
        t.ruleId, ruleIds.get(`${t.tool}\u0000${t.ruleId}`) ?? null, t.tool, image ? null : `${path.replace(/(\.\w+)$/, `${k % 50}$1`)}`, line, line == null ? null : line + (k % 4), t.cve ?? null, t.cwe ?? null, t.cvss ?? null,
        t.pkg ?? null, t.version ?? null, t.fixed ?? null, JSON.stringify(details), firstSeenAt, lastSeenAt,
        state === FindingState.FIXED ? lastSeenAt : null, dismissed ? lastSeenAt : null, dismissed ? (k % 2 ? "false positive: test fixture" : "accepted risk") : null,
        dismissed ? (k % 3 ? "source" : "admin") : null, r.chance(0.4) ? teams[k % 2] : null, row.dueAt, p.score, p.level, t.tool.toLowerCase().replace(/\s+/g, "-")];
      for (let c = 0; c < cols; c++) batch[c].push(values[c]);
      if (batch[0].length >= o.batch) await flush();
    }
  }
  if (batch[0].length) await flush();
  await pending;
  ms.findings = Date.now() - tLoad;
  log(`findings: ${written.toLocaleString()} in ${(ms.findings / 1000).toFixed(1)} s; rebuilding ${indexes.length} indexes`);
  const tIx = Date.now();
  await q("SET maintenance_work_mem = '256MB'").catch(() => undefined);
  for (const ix of indexes) await q(ix.def.replace(/^CREATE INDEX /, "CREATE INDEX IF NOT EXISTS "));
  await q(`DROP TABLE seed_scale_index`);
  ms.indexes = Date.now() - tIx;
  await q("SELECT finding_count_compact()");
  await q("ANALYZE");
  ms.total = Date.now() - t0;
  return {
    organizations: orgs.length, repositories: repos.length, pipelines: pipeRepo.length, environments: deployed.length * 2, deployments: deployed.length * 2,
    resources: deployed.length * 2, findings: written, ms, findingRowsPerSecond: Math.round(written / (ms.findings / 1000)),
  };
}
