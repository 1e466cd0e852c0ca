import { DataSource } from "typeorm";
import { FindingEventType, FindingState } from "../common/types";
import { effectiveLastSeen, scopeKey, scopeSeenAt, RANK_EXTRAS, withRank } from "../findings";
import { Finding } from "../entities";
import { manyOf } from "../common/pagination";
import type { PriorityService } from "../priority";
import { encodeEventCursor } from "./cursor";
import { OcsfFinding, toOcsf } from "./ocsf";

/** One event of the log with what filters and payloads need: the finding's CURRENT row and its names. */
export interface LogEvent {
  seq: bigint;
  cursor: string;
  type: FindingEventType;
  occurredAt: Date;
  findingId: string;
  organizationId: string;
  repositoryId: string;
  finding: Finding;
  repositoryFullName: string;
  organizationName: string;
  /** Whether the finding's repository reaches an internet-exposed cloud resource (for the internetExposed filter). */
  internetExposed: boolean;
  /** The OCSF 1.3.0 event, built on first use and shared by every subscriber of the batch. */
  ocsf(): Record<string, unknown>;
}

export interface EventBatch {
  events: LogEvent[];
  /** How many log rows were read (events whose finding vanished are dropped from `events`). */
  count: number;
  /** Highest sequence read, null when nothing was. */
  lastSeq: bigint | null;
}

interface RawEvent { seq: string; type: FindingEventType; occurred_at: Date; finding_id: string; organization_id: string; repository_id: string }
type ResourceRow = OcsfFinding["resources"][number];

/**
 * Reads the event log in sequence order and enriches a batch with a fixed
 * number of queries, whatever its size or the number of subscribers: the
 * findings, their repository/organization names and exposure, KEV/EPSS, and
 * the cloud resources for OCSF.
 */
export class EventSource {
  constructor(private readonly ds: DataSource, private readonly priority: PriorityService) {}

  async maxSeq(): Promise<bigint> {
    const [row] = await this.ds.query(`SELECT max(seq)::text AS max FROM finding_event`);
    return row?.max ? BigInt(row.max) : 0n;
  }

  async minSeq(): Promise<bigint | null> {
    const [row] = await this.ds.query(`SELECT min(seq)::text AS min FROM finding_event`);
    return row?.min ? BigInt(row.min) : null;
  }

  /** Events after `after`, oldest first; `organizationIds` narrows to a token's organizations; `enrich` false reads sequences only. */
  async read(after: bigint, limit: number, organizationIds: string[] | null, enrich = true): Promise<EventBatch> {
    const params: unknown[] = [after.toString(), limit];
    let where = "e.seq > $1";
    if (organizationIds !== null) { params.push(organizationIds); where += " AND e.organization_id = ANY($3::uuid[])"; }
    const raw: RawEvent[] = await this.ds.query(
      `SELECT e.seq::text AS seq, e.type, e.occurred_at, e.finding_id, e.organization_id, e.repository_id
         FROM finding_event e WHERE ${where} ORDER BY e.seq LIMIT $2`, params);
    const lastSeq = raw.length ? BigInt(raw[raw.length - 1].seq) : null;
    if (!enrich || !raw.length) return { events: [], count: raw.length, lastSeq };
    return { events: await this.enrich(raw), count: raw.length, lastSeq };
  }

  /** The given events (those still in the log and whose finding still exists), enriched, in sequence order. */
  async readSeqs(seqs: bigint[]): Promise<LogEvent[]> {
    if (!seqs.length) return [];
    const raw: RawEvent[] = await this.ds.query(
      `SELECT e.seq::text AS seq, e.type, e.occurred_at, e.finding_id, e.organization_id, e.repository_id
         FROM finding_event e WHERE e.seq = ANY($1::bigint[]) ORDER BY e.seq`, [seqs.map(String)]);
    return raw.length ? this.enrich(raw) : [];
  }

  private async enrich(raw: RawEvent[]): Promise<LogEvent[]> {
    const findingIds = [...new Set(raw.map((r) => r.finding_id))];
    const repoIds = [...new Set(raw.map((r) => r.repository_id))];
    const [findings, repos, resources] = await Promise.all([
      manyOf(withRank(this.ds.getRepository(Finding).createQueryBuilder("f").where("f.id = ANY(:ids::uuid[])", { ids: findingIds })), RANK_EXTRAS),
      this.ds.query(
        `SELECT r.id, r.full_name, o.name AS org_name FROM repository r JOIN devops_organization o ON o.id = r.organization_id
          WHERE r.id = ANY($1::uuid[])`, [repoIds]) as Promise<{ id: string; full_name: string; org_name: string }[]>,
      this.ds.query(
        `SELECT DISTINCT rl.repository_id, cr.id, cr.name, cr.type, cr.provider, cr.region, cr.internet_exposed, cr.organization_id
           FROM resource_link rl JOIN cloud_resource cr ON cr.id = rl.resource_id
          WHERE rl.repository_id = ANY($1::uuid[]) AND cr.gone_at IS NULL ORDER BY cr.name, cr.id`, [repoIds]) as Promise<(ResourceRow & { repository_id: string; internet_exposed: boolean; organization_id: string | null })[]>,
    ]);
    const byId = new Map(findings.map((f) => [f.id, f]));
    const seen = await scopeSeenAt(this.ds, findings.filter((f) => f.state === FindingState.OPEN).map((f) => scopeKey(f.repositoryId, f.analysisCategory)));
    const cves = [...new Set(findings.map((f) => f.vulnerabilityId).filter((v): v is string => !!v))];
    const intel = cves.length ? (await this.priority.context(this.ds.manager, [], cves)).intel : new Map();
    const names = new Map(repos.map((r) => [r.id, r]));
    const exposed = new Set<string>();
    const resourcesByRepo = new Map<string, (ResourceRow & { organization_id: string | null })[]>();
    for (const r of resources) {
      if (r.internet_exposed) exposed.add(r.repository_id);
      const list = resourcesByRepo.get(r.repository_id) ?? [];
      list.push(r);
      resourcesByRepo.set(r.repository_id, list);
    }
    const out: LogEvent[] = [];
    for (const r of raw) {
      const f = byId.get(r.finding_id);
      const names_ = names.get(r.repository_id);
      if (!f || !names_) continue;
      let ocsf: Record<string, unknown> | undefined;
      const cursor = encodeEventCursor(r.seq);
      const occurredAt = new Date(r.occurred_at);
      const type = r.type;
      out.push({
        seq: BigInt(r.seq), cursor, type, occurredAt, findingId: r.finding_id, organizationId: r.organization_id, repositoryId: r.repository_id,
        finding: f, repositoryFullName: names_.full_name, organizationName: names_.org_name, internetExposed: exposed.has(r.repository_id),
        ocsf() {
          ocsf ??= toOcsf({
            eventType: type, occurredAt, cursor,
            finding: ocsfFinding(f, effectiveLastSeen(f, seen.get(scopeKey(f.repositoryId, f.analysisCategory))), names_.full_name, names_.org_name, f.vulnerabilityId ? intel.get(f.vulnerabilityId) ?? null : null,
              // Only resources of the finding's own organization (or of none): a payload never names another tenant's.
              (resourcesByRepo.get(r.repository_id) ?? []).filter((x) => x.organization_id === null || x.organization_id === f.organizationId)),
          });
          return ocsf;
        },
      });
    }
    return out;
  }
}

function ocsfFinding(f: Finding, lastSeenAt: Date, repositoryFullName: string, organizationName: string,
  intel: { kev: unknown; epss: { score: number; percentile: number } | null } | null, resources: ResourceRow[]): OcsfFinding {
  const fixAvailable = typeof f.details?.fixAvailable === "boolean" ? f.details.fixAvailable : f.fixedVersion ? true : null;
  return {
    id: f.id, title: f.title, message: f.message, category: f.category, severity: f.severity, state: f.state,
    ruleId: f.ruleId, tool: f.tool, toolVersion: f.toolVersion, repositoryFullName, organizationName,
    path: f.path, startLine: f.startLine, endLine: f.endLine, firstSeenAt: f.firstSeenAt, lastSeenAt, fixedAt: f.fixedAt,
    dismissReason: f.dismissReason, owner: f.owner, priorityScore: f.priorityScore, priorityLevel: f.priorityLevel,
    vulnerabilityId: f.vulnerabilityId, cwes: f.cwes ?? [], cvssScore: f.cvssScore, cvssVector: f.cvssVector,
    epss: intel?.epss ?? null, kev: !!intel?.kev, fixAvailable,
    packageName: f.packageName, packageVersion: f.packageVersion, fixedVersion: f.fixedVersion,
    resources: resources.map((r) => ({ id: r.id, name: r.name, type: r.type, provider: r.provider, region: r.region })),
  };
}
