import { randomUUID } from "node:crypto";
import { DataSource, EntityManager } from "typeorm";
import { AccessScope } from "../common/auth";
import { toGlobalId } from "../common/ids";
import { Logger } from "../common/logger";
import { FindingCategory } from "../common/types";
import { IngestInputError, ParsedLog, ParsedRun, parseCycloneDx, parseJsonSafely, parseSarif } from "../formats";
import { ImportRun, Repository } from "../entities/index";
import { ingestedResults } from "../common/metrics";
import { FindingStore, LoadResult } from "../findings";
import { addResults, emptyResult } from "./load-result";
import { ensureRepository, isDefaultRef, resolveRepository } from "./repository-resolver";

export type IngestFormat = "SARIF" | "CYCLONEDX";

export interface IngestRequest {
  /** A full name (`acme/api`, `org/project/repo`) or a Repository ID. */
  repository: string;
  commit?: string | null;
  ref?: string | null;
  /** Analysis category override. */
  category?: string | null;
  findingCategory?: FindingCategory;
  format: IngestFormat;
  /** The decoded (decompressed) upload. */
  body: Buffer;
}

export interface IngestSummary extends LoadResult {
  id: string;
  status: "completed";
  warnings: string[];
  /** Whether the upload was for the default branch (findings) or another ref (observations). */
  defaultBranch: boolean;
  categories: string[];
}

const MAX_PARAM = 500;

function param(name: string, v: string | null | undefined): string | null {
  if (v == null || v === "") return null;
  if (typeof v !== "string" || v.length > MAX_PARAM || /\p{Cc}/u.test(v)) {
    throw new IngestInputError("INVALID_REQUEST", `${name}: must be a string of at most ${MAX_PARAM} characters without control characters`);
  }
  return v;
}

/**
 * SARIF / CycloneDX uploads: parse (pure, nothing written on bad input), find or
 * create the repository, then load every run through the FindingStore in one
 * transaction (default branch) or store observations (any other ref).
 */
export class IngestService {
  constructor(private readonly ds: DataSource, private readonly store: FindingStore, private readonly logger: Logger) {}

  async ingest(access: AccessScope, req: IngestRequest): Promise<IngestSummary> {
    const started = Date.now();
    const startedAt = new Date(started);
    const commit = param("commit", req.commit);
    const ref = param("ref", req.ref);
    const category = param("category", req.category);
    const target = await resolveRepository(this.ds, access, req.repository);
    const parsed = this.parse(req, category);

    const repository = await this.ds.transaction((em) => this.prepareRepository(em, target, ref));
    const { isDefault } = isDefaultRef(repository, ref);
    const runs = byCategory(parsed.runs);
    const categories = runs.map((r) => r.analysisCategory);
    const base = {
      organizationId: repository.organizationId, repositoryId: repository.id, format: req.format, categories,
      commitSha: commit, ref, startedAt, warnings: parsed.warnings,
    };
    try {
      const id = randomUUID();
      const totals = await this.ds.transaction(async (em) => {
        const totals = isDefault
          ? await this.loadFindings(em, repository, runs, req.format, startedAt)
          : await this.storeObservations(em, repository, runs, ref!, commit, id);
        await em.getRepository(ImportRun).insert({ id, ...base, status: "completed", ...totals, error: null, durationMs: Date.now() - started });
        return totals;
      });
      ingestedResults.inc({ format: req.format.toLowerCase() }, totals.results);
      return { id: toGlobalId("ImportRun", id), status: "completed", ...totals, warnings: parsed.warnings, defaultBranch: isDefault, categories };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.logger.error({ err, repository: repository.fullName }, "ingest failed");
      await this.ds.getRepository(ImportRun).insert({ ...base, status: "failed", ...emptyResult(), error: message.slice(0, 2000), durationMs: Date.now() - started })
        .catch((e) => this.logger.error({ err: e }, "could not record the failed import run"));
      throw err;
    }
  }

  private parse(req: IngestRequest, category: string | null): ParsedLog {
    const doc = parseJsonSafely(req.body);
    const options = { category: category ?? undefined, findingCategory: req.findingCategory };
    return req.format === "CYCLONEDX" ? parseCycloneDx(doc, options) : parseSarif(doc, options);
  }

  private async prepareRepository(em: EntityManager, target: Parameters<typeof ensureRepository>[1], ref: string | null): Promise<Repository> {
    const repository = await ensureRepository(em, target);
    const { learn } = isDefaultRef(repository, ref);
    if (learn) {
      // First default-branch ref seen for a repository created by upload: remember it (only if still unknown).
      await em.query(`UPDATE repository SET default_branch = $1 WHERE id = $2 AND default_branch IS NULL`, [learn, repository.id]);
      const [row] = await em.query(`SELECT default_branch FROM repository WHERE id = $1`, [repository.id]);
      repository.defaultBranch = row.default_branch;
    }
    return repository;
  }

  private async loadFindings(em: EntityManager, repository: Repository, runs: ParsedRun[], format: IngestFormat, now: Date): Promise<LoadResult> {
    const totals = emptyResult();
    const source = format === "CYCLONEDX" ? "cyclonedx" : "sarif";
    for (const run of runs) {
      const r = await this.store.load(em, {
        organizationId: repository.organizationId, repositoryId: repository.id, analysisCategory: run.analysisCategory,
        source, complete: true, now,
      }, run.findings, run.rules);
      addResults(totals, r);
    }
    return totals;
  }

  private async storeObservations(em: EntityManager, repository: Repository, runs: ParsedRun[], ref: string, commit: string | null, importRunId: string): Promise<LoadResult> {
    const totals = emptyResult();
    for (const run of runs) {
      await em.query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [repository.id, `obs:${ref}:${run.analysisCategory}`]);
      await em.query(`DELETE FROM finding_observation WHERE repository_id = $1 AND ref = $2 AND analysis_category = $3`,
        [repository.id, ref, run.analysisCategory]);
      const f = run.findings;
      if (f.length) {
        await em.query(
          `INSERT INTO finding_observation (repository_id, organization_id, ref, commit_sha, analysis_category, import_run_id,
                                            fingerprint, rule_id, tool, severity, category, title, path, start_line, end_line)
           SELECT $1, $2, $3, $4, $5, $6, u.* FROM unnest($7::varchar[], $8::varchar[], $9::varchar[], $10::varchar[], $11::varchar[],
                                                     $12::text[], $13::text[], $14::int[], $15::int[])
                AS u(fingerprint, rule_id, tool, severity, category, title, path, start_line, end_line)`,
          [repository.id, repository.organizationId, ref, commit, run.analysisCategory, importRunId,
            f.map((x) => x.fingerprint), f.map((x) => x.ruleId), f.map((x) => x.tool), f.map((x) => x.severity), f.map((x) => x.category),
            f.map((x) => x.title), f.map((x) => x.path), f.map((x) => x.startLine), f.map((x) => x.endLine)]);
      }
      totals.results += f.length;
      totals.created += f.length;
    }
    return totals;
  }
}

/**
 * One load per analysis category, in a fixed order (so concurrent uploads take the
 * scope locks in the same order): runs of different tools that share a category are
 * merged, since a complete load of a category fixes whatever that load did not see.
 */
function byCategory(runs: ParsedRun[]): ParsedRun[] {
  const merged = new Map<string, ParsedRun>();
  for (const run of runs) {
    const prev = merged.get(run.analysisCategory);
    if (!prev) merged.set(run.analysisCategory, { ...run, findings: [...run.findings], rules: [...run.rules] });
    else { prev.findings.push(...run.findings); prev.rules.push(...run.rules); }
  }
  return [...merged.values()].sort((a, b) => (a.analysisCategory < b.analysisCategory ? -1 : a.analysisCategory > b.analysisCategory ? 1 : 0));
}
