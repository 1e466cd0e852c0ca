import { DataSource } from "typeorm";
import { Logger } from "../common/logger";
import { ConnectionResult, PageArgs, paginate } from "../common/pagination";
import { AuditEntry } from "../entities/index";

export interface AuditRecord {
  tokenId: string | null;
  tokenName: string | null;
  kind: string;
  operation: string | null;
  fields: string[];
  variables: Record<string, unknown> | null;
  remoteAddress: string | null;
  result: string;
  requestId: string | null;
}

export interface AuditFilter { since?: Date; until?: Date; tokenId?: string; result?: string[]; field?: string[] }

const MAX_QUEUE = 10_000;

/**
 * The audit log. Writes never wait on the request: records queue in memory
 * and are inserted in one statement per flush (every flushMs, or at 100
 * records), so a burst of mutations costs one INSERT. stop() flushes.
 */
export class AuditService {
  private queue: (AuditRecord & { at: string })[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly ds: DataSource, private readonly logger: Logger, private readonly flushMs: number, private readonly maxPageSize: number) {}

  record(r: AuditRecord): void {
    if (this.queue.length >= MAX_QUEUE) {
      // The database is not keeping up: the log keeps the record rather than memory.
      this.logger.error({ audit: r }, "audit queue full: record written to the log only");
      return;
    }
    this.queue.push({ ...r, at: new Date().toISOString() });
    if (this.queue.length >= 100) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Writes what is queued; resolves once it is in the database (tests, shutdown). */
  flush(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.flushing.then(() => (batch.length ? this.insert(batch) : undefined));
    return this.flushing;
  }

  private async insert(batch: (AuditRecord & { at: string })[]): Promise<void> {
    try {
      await this.ds.query(
        `INSERT INTO audit_log (at, token_id, token_name, kind, operation, fields, variables, remote_address, result, request_id)
         SELECT x.at, x.token_id, x.token_name, x.kind, x.operation,
                ARRAY(SELECT jsonb_array_elements_text(x.fields)), x.variables, x.remote_address, x.result, x.request_id
         FROM jsonb_to_recordset($1::jsonb) AS x(at timestamptz, token_id uuid, token_name varchar, kind varchar, operation varchar,
              fields jsonb, variables jsonb, remote_address varchar, result varchar, request_id varchar)`,
        [JSON.stringify(batch.map((r) => ({
          at: r.at, token_id: r.tokenId, token_name: r.tokenName, kind: r.kind, operation: r.operation, fields: r.fields,
          variables: r.variables, remote_address: r.remoteAddress, result: r.result, request_id: r.requestId,
        })))],
      );
    } catch (err) {
      // Never lose an audit record silently: it goes to the log instead.
      this.logger.error({ err, audit: batch }, "audit log write failed");
    }
  }

  list(filter: AuditFilter, page: PageArgs): Promise<ConnectionResult<AuditEntry>> {
    const qb = this.ds.getRepository(AuditEntry).createQueryBuilder("a");
    if (filter.since) qb.andWhere("a.at >= :since", { since: filter.since });
    if (filter.until) qb.andWhere("a.at < :until", { until: filter.until });
    if (filter.tokenId) qb.andWhere("a.token_id = :tid", { tid: filter.tokenId });
    if (filter.result?.length) qb.andWhere("a.result = ANY(:results)", { results: filter.result });
    if (filter.field?.length) qb.andWhere("a.fields && :fields::text[]", { fields: filter.field });
    return paginate(qb, { name: "AT", column: "a.at", cast: "timestamptz", direction: "DESC", idColumn: "a.id", value: (a) => a.at.toISOString() }, page, this.maxPageSize);
  }

  /** Oldest first from `since`, in keyset batches: for the NDJSON export. */
  async *export(since: Date, batchSize = 1000): AsyncGenerator<AuditEntry[]> {
    let after: { at: Date; id: string } | null = null;
    for (;;) {
      const qb = this.ds.getRepository(AuditEntry).createQueryBuilder("a").where("a.at >= :since", { since });
      if (after) qb.andWhere("(a.at, a.id) > (:at, :id::uuid)", { at: after.at, id: after.id });
      const rows = await qb.orderBy("a.at", "ASC").addOrderBy("a.id", "ASC").limit(batchSize).getMany();
      if (rows.length) yield rows;
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1];
      after = { at: last.at, id: last.id };
    }
  }
}
