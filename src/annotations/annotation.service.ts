import type { DataSource } from "typeorm";
import { canSee, type AccessScope } from "../common/auth";
import { DomainError, NotFoundError, UserInputError } from "../common/errors";
import { tryId } from "../common/ids";
import { FindingCategory, FindingState, PriorityLevel, Severity } from "../common/types";
import { Repository } from "../entities";
import { describe, SourceHttpError, touches, type AnnotationToPost, type PublishedState, type PullRequestHost, type PullRequestInfo } from "../connectors/core";
import type { PriorityService } from "../priority";

/** One finding of a pull request on a line it changed, new relative to the default branch. */
export interface PullRequestAnnotationRow {
  /** The default branch's finding with the same identity (FIXED there: a regression), else null (new). */
  findingId: string | null;
  fingerprint: string;
  analysisCategory: string;
  ruleId: string;
  tool: string;
  title: string;
  path: string;
  startLine: number;
  endLine: number;
  severity: Severity;
  category: FindingCategory;
  priorityScore: number;
  priorityLevel: PriorityLevel;
  message: string;
}

export interface AnnotateResult { posted: number; updated: number; resolved: number; conclusion: "success" | "failure"; url: string | null }

/** Where annotation hosts come from: the connector that syncs the organization (its credentials stay inside). */
export interface PullRequestHosts { pullRequestHost(organizationId: string): Promise<PullRequestHost | null> }

const LEVEL_RANK: Record<string, number> = { P0: 0, P1: 1, P2: 2, P3: 3, P4: 4 };
const ANNOTATION_LEVEL: Record<Severity, AnnotationToPost["level"]> = {
  CRITICAL: "failure", HIGH: "failure", MEDIUM: "warning", LOW: "notice", INFO: "notice",
};

/**
 * Pull request annotations: the findings observed on a pull request's ref
 * (uploads with ref=refs/pull/<n>/head or …/merge) on lines it changed and
 * not open (or dismissed) on the default branch, scored by the priority
 * engine with the repository's context; and their posting through the
 * source's own pull request API, updated in place on a second call.
 */
export class AnnotationService {
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(private readonly ds: DataSource, private readonly priority: PriorityService, private readonly hosts: PullRequestHosts) {}

  async list(access: AccessScope, repository: string, number: number): Promise<PullRequestAnnotationRow[]> {
    const repo = await this.repository(access, repository, number);
    const host = await this.host(repo);
    return this.rows(repo, await host.pullRequest(repo.fullName, number));
  }

  async annotate(access: AccessScope, repository: string, number: number, failOn: PriorityLevel = PriorityLevel.P1): Promise<AnnotateResult> {
    const repo = await this.repository(access, repository, number);
    const key = `${repo.id}#${number}`;
    // One publish per pull request at a time in this process: a second waits, then updates what the first posted.
    while (this.running.has(key)) await this.running.get(key)!.catch(() => undefined);
    const run = this.publish(repo, number, failOn);
    this.running.set(key, run);
    try { return await run; } finally { this.running.delete(key); }
  }

  private async publish(repo: Repository, number: number, failOn: PriorityLevel): Promise<AnnotateResult> {
    const host = await this.host(repo);
    const pr = await host.pullRequest(repo.fullName, number);
    const rows = await this.rows(repo, pr);
    const conclusion = rows.some((r) => LEVEL_RANK[r.priorityLevel] <= LEVEL_RANK[failOn]) ? "failure" : "success";
    const prev: { state: PublishedState }[] = await this.ds.query(
      `SELECT state FROM pull_request_annotation WHERE repository_id = $1 AND pull_request = $2`, [repo.id, number]);
    const annotations: AnnotationToPost[] = rows.map((r) => ({
      key: `${r.analysisCategory}\u001f${r.fingerprint}`, path: r.path, startLine: r.startLine, endLine: r.endLine,
      level: ANNOTATION_LEVEL[r.severity], title: `${r.severity} ${r.priorityLevel}: ${r.title}`, message: r.message,
    }));
    const out = await host.publish(repo.fullName, pr, annotations, conclusion, prev[0]?.state ?? null);
    await this.ds.query(
      `INSERT INTO pull_request_annotation (repository_id, pull_request, state, conclusion, updated_at) VALUES ($1, $2, $3::jsonb, $4, now())
       ON CONFLICT (repository_id, pull_request) DO UPDATE SET state = EXCLUDED.state, conclusion = EXCLUDED.conclusion, updated_at = now()`,
      [repo.id, number, JSON.stringify(out.state), conclusion]);
    return { posted: out.posted, updated: out.updated, resolved: out.resolved, conclusion, url: out.url };
  }

  private async rows(repo: Repository, pr: PullRequestInfo): Promise<PullRequestAnnotationRow[]> {
    const refs = [`refs/pull/${pr.number}/head`, `refs/pull/${pr.number}/merge`];
    const observed: { fingerprint: string; analysis_category: string; rule_id: string; tool: string; title: string; path: string | null; start_line: number | null;
      end_line: number | null; severity: Severity; category: FindingCategory; finding_id: string | null }[] = await this.ds.query(
      `SELECT DISTINCT ON (o.analysis_category, o.fingerprint) o.fingerprint, o.analysis_category, o.rule_id, o.tool, o.title, o.path,
              o.start_line, o.end_line, o.severity, o.category, f.id AS finding_id
         FROM finding_observation o
         LEFT JOIN finding f ON f.repository_id = o.repository_id AND f.analysis_category = o.analysis_category AND f.fingerprint = o.fingerprint
        WHERE o.repository_id = $1 AND o.ref = ANY($2::text[]) AND (f.id IS NULL OR f.state NOT IN ('OPEN', 'DISMISSED'))
        ORDER BY o.analysis_category, o.fingerprint, o.created_at DESC`, [repo.id, refs]);
    const changed = new Map(pr.files.map((f) => [f.path, f.added]));
    const onChanged = observed.filter((o) => o.path && touches(changed.get(o.path) ?? [], o.start_line, o.end_line));
    if (!onChanged.length) return [];
    const now = new Date();
    const [policy, ctx] = await Promise.all([this.priority.policy(), this.priority.context(this.ds.manager, [repo.id], [])]);
    return onChanged.map((o) => {
      const p = this.priority.compute({
        repositoryId: repo.id, category: o.category, severity: o.severity, state: FindingState.OPEN, cvssScore: null, vulnerabilityId: null,
        fixedVersion: null, details: {}, firstSeenAt: now, dueAt: null,
      }, ctx, policy, now);
      return {
        findingId: o.finding_id, fingerprint: o.fingerprint, analysisCategory: o.analysis_category, ruleId: o.rule_id, tool: o.tool, title: o.title,
        path: o.path!, startLine: o.start_line!, endLine: o.end_line ?? o.start_line!, severity: o.severity, category: o.category,
        priorityScore: p.score, priorityLevel: p.level as PriorityLevel,
        message: `${o.title}\n\n${o.tool} rule ${o.rule_id} · ${o.severity} · priority ${p.level} (${p.score})${o.finding_id ? " · fixed on the default branch before: a regression" : ""}`,
      };
    }).sort((a, b) => b.priorityScore - a.priorityScore || a.path.localeCompare(b.path) || a.startLine - b.startLine);
  }

  private async repository(access: AccessScope, ref: string, number: number): Promise<Repository> {
    if (!Number.isInteger(number) || number < 1) throw new UserInputError("pullRequest: a positive pull request number");
    const id = tryId(ref, "Repository");
    const repo = id
      ? await this.ds.getRepository(Repository).findOneBy({ id })
      : await this.ds.getRepository(Repository).createQueryBuilder("r").where("lower(r.full_name) = lower(:ref)", { ref }).getOne();
    if (!repo || !canSee(access, repo.organizationId)) throw new NotFoundError(`repository: no repository ${ref.slice(0, 100)}`);
    return repo;
  }

  private async host(repo: Repository): Promise<PullRequestHost> {
    const host = await this.hosts.pullRequestHost(repo.organizationId);
    if (!host) throw new UserInputError(`repository ${repo.fullName}: no connector syncs its organization, so its pull requests cannot be read`);
    // The source's refusals (no such pull request, a token that may not write checks) are the caller's to fix: say what it answered.
    const said = async <T>(call: () => Promise<T>): Promise<T> => {
      try { return await call(); } catch (err) {
        if (err instanceof SourceHttpError) throw new DomainError("SOURCE_REFUSED", `the source answered ${describe(err)}`, err.status === 404 ? "NOT_FOUND" : "BAD_USER_INPUT");
        throw err;
      }
    };
    return {
      pullRequest: (name, n) => said(() => host.pullRequest(name, n)),
      publish: (name, pr, a, c, prev) => said(() => host.publish(name, pr, a, c, prev)),
    };
  }
}
