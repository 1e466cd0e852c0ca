import { addedLines, type AnnotationToPost, type PublishedState, type PublishResult, type PullRequestHost, type PullRequestInfo } from "../core";
import { GitHubClient, type GitHubClientOptions } from "./client";

/** GitHub allows at most 50 annotations per check-run request; further PATCHes append. */
const PER_REQUEST = 50;
export const CHECK_RUN_NAME = "Posturegraph";

interface PullFile { filename: string; status: string; patch?: string }
interface CheckRun { id: number; html_url: string | null }

/**
 * Pull requests on GitHub: changed lines from the files' patch hunks (paged,
 * at most 3,000 files), annotations as a check run named "Posturegraph" on
 * the head commit. A second publish on the same head commit appends only the
 * annotations not yet posted; when a posted finding is gone (or the head
 * moved) a new check run replaces the old one, since GitHub cannot remove an
 * annotation from a check run.
 */
export class GitHubPullRequests implements PullRequestHost {
  constructor(private readonly client: GitHubClient) {}

  static create(options: GitHubClientOptions): GitHubPullRequests {
    return new GitHubPullRequests(new GitHubClient(options));
  }

  get requests(): number { return this.client.stats.requests; }

  async pullRequest(fullName: string, number: number): Promise<PullRequestInfo> {
    const [owner, repo] = fullName.split("/");
    const pr = await this.client.rest<{ head: { sha: string } }>("pull-request", "GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner, repo, pull_number: number });
    const files: PullRequestInfo["files"] = [];
    for await (const page of this.client.paginate<PullFile>("pull-request-files", "GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner, repo, pull_number: number, per_page: 100 })) {
      for (const f of page.data) if (f.status !== "removed") files.push({ path: f.filename, added: addedLines(f.patch) });
    }
    return { number, headSha: pr.data.head.sha, files };
  }

  async publish(fullName: string, pr: PullRequestInfo, annotations: AnnotationToPost[], conclusion: "success" | "failure", previous: PublishedState | null): Promise<PublishResult> {
    const [owner, repo] = fullName.split("/");
    const keys = annotations.map((a) => a.key);
    const before = new Set(previous?.posted ?? []);
    const resolved = [...before].filter((k) => !keys.includes(k)).length;
    const kept = annotations.filter((a) => before.has(a.key)).length;
    const output = (list: AnnotationToPost[]) => ({
      title: annotations.length ? `${annotations.length} new finding${annotations.length === 1 ? "" : "s"} on changed lines` : "No new findings on changed lines",
      summary: summary(annotations),
      annotations: list.map((a) => ({
        path: a.path, start_line: a.startLine, end_line: a.endLine, annotation_level: a.level, title: a.title.slice(0, 255), message: a.message.slice(0, 60_000),
      })),
    });
    const reuse = previous?.checkRunId != null && previous.headSha === pr.headSha && resolved === 0;
    const toSend = reuse ? annotations.filter((a) => !before.has(a.key)) : annotations;
    const chunks = chunk(toSend, PER_REQUEST);
    let run: CheckRun;
    if (reuse) {
      run = (await this.client.rest<CheckRun>("check-run", "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
        { owner, repo, check_run_id: previous!.checkRunId, conclusion, status: "completed", output: output(chunks[0] ?? []) })).data;
    } else {
      run = (await this.client.rest<CheckRun>("check-run", "POST /repos/{owner}/{repo}/check-runs",
        { owner, repo, name: CHECK_RUN_NAME, head_sha: pr.headSha, status: "completed", conclusion, output: output(chunks[0] ?? []) })).data;
    }
    for (const rest of chunks.slice(1)) {
      await this.client.rest("check-run", "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", { owner, repo, check_run_id: run.id, output: output(rest) });
    }
    return {
      state: { headSha: pr.headSha, checkRunId: run.id, posted: keys },
      posted: annotations.length - kept, updated: kept, resolved, url: run.html_url ?? null,
    };
  }
}

function summary(list: AnnotationToPost[]): string {
  if (!list.length) return "Posturegraph found no finding on the lines this pull request changed that is not already open on the default branch.";
  const by = new Map<string, number>();
  for (const a of list) by.set(a.level, (by.get(a.level) ?? 0) + 1);
  return `New findings on changed lines: ${[...by].map(([l, n]) => `${n} ${l}`).join(", ")}.`;
}

function chunk<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
