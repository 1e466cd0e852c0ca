import zlib from "node:zlib";
import { DataSource } from "typeorm";
import { Logger } from "../common/logger";
import { IntelInputError, parseEpss, parseKev } from "../formats";
import { PriorityService } from "../priority";

export interface KevSummary { kev: number; updated: number; findingsRescored: number }
export interface EpssSummary { epss: number; updated: number; findingsRescored: number }

const CHUNK = 50_000;

/**
 * KEV and EPSS imports: upsert vulnerability_intel set-based (only rows that
 * change are written), then rescore exactly the findings with the changed CVEs
 * in the same transaction.
 */
export class IntelService {
  constructor(private readonly ds: DataSource, private readonly priority: PriorityService, private readonly logger: Logger) {}

  async importKev(body: Buffer): Promise<KevSummary> {
    let doc: unknown;
    try { doc = JSON.parse(body.toString("utf8")); } catch (err) { throw new IntelInputError(`not valid JSON: ${(err as Error).message.slice(0, 120)}`); }
    const entries = parseKev(doc);
    return this.ds.transaction(async (em) => {
      const changed: string[] = [];
      for (let i = 0; i < entries.length; i += CHUNK) {
        const part = entries.slice(i, i + CHUNK);
        const rows: { cve: string }[] = await em.query(
          `INSERT INTO vulnerability_intel AS v (cve, kev_date_added, kev_ransomware, kev_entry)
           SELECT cve, d::date, r, e::jsonb FROM unnest($1::varchar[], $2::text[], $3::boolean[], $4::text[]) AS u(cve, d, r, e)
           ON CONFLICT (cve) DO UPDATE SET kev_date_added = EXCLUDED.kev_date_added, kev_ransomware = EXCLUDED.kev_ransomware,
             kev_entry = EXCLUDED.kev_entry, updated_at = now()
           WHERE (v.kev_date_added, v.kev_ransomware, v.kev_entry) IS DISTINCT FROM (EXCLUDED.kev_date_added, EXCLUDED.kev_ransomware, EXCLUDED.kev_entry)
           RETURNING cve`,
          [part.map((e) => e.cve), part.map((e) => e.dateAdded), part.map((e) => e.ransomware), part.map((e) => JSON.stringify(e.entry))]);
        changed.push(...rows.map((r) => r.cve));
      }
      const r = await this.priority.recompute(em, { cves: changed });
      return { kev: entries.length, updated: changed.length, findingsRescored: r.scanned };
    });
  }

  async importEpss(body: Buffer): Promise<EpssSummary> {
    const text = (body[0] === 0x1f && body[1] === 0x8b ? zlib.gunzipSync(body) : body).toString("utf8");
    const { scores } = parseEpss(text);
    return this.ds.transaction(async (em) => {
      const changed: string[] = [];
      for (let i = 0; i < scores.length; i += CHUNK) {
        const part = scores.slice(i, i + CHUNK);
        const rows: { cve: string }[] = await em.query(
          `INSERT INTO vulnerability_intel AS v (cve, epss_score, epss_percentile)
           SELECT * FROM unnest($1::varchar[], $2::real[], $3::real[])
           ON CONFLICT (cve) DO UPDATE SET epss_score = EXCLUDED.epss_score, epss_percentile = EXCLUDED.epss_percentile, updated_at = now()
           WHERE (v.epss_score, v.epss_percentile) IS DISTINCT FROM (EXCLUDED.epss_score, EXCLUDED.epss_percentile)
           RETURNING cve`,
          [part.map((s) => s.cve), part.map((s) => s.epss), part.map((s) => s.percentile)]);
        changed.push(...rows.map((r) => r.cve));
      }
      const r = await this.priority.recompute(em, { cves: changed });
      return { epss: scores.length, updated: changed.length, findingsRescored: r.scanned };
    });
  }

  /** Scheduled fetch of a feed URL (KEV_FEED_URL / EPSS_FEED_URL). */
  async fetchAndImport(kind: "kev" | "epss", url: string, timeoutMs = 120_000): Promise<KevSummary | EpssSummary> {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { "user-agent": "posturegraph" } });
    if (!res.ok) throw new Error(`${kind} feed ${url}: HTTP ${res.status}`);
    const body = Buffer.from(await res.arrayBuffer());
    const summary = kind === "kev" ? await this.importKev(body) : await this.importEpss(body);
    this.logger.info({ kind, url, ...summary }, "exploitation data imported");
    return summary;
  }
}
