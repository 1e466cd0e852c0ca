import { blockLines, type AnnotationToPost, type PublishedState, type PublishResult, type PullRequestHost, type PullRequestInfo } from "../core";
import { AzureDevOpsClient, type AzureDevOpsClientOptions } from "./client";

const API = "api-version=7.1";
/** CommentThreadStatus: Active 1, Fixed 2 (the enums go as numbers). */
const ACTIVE = 1;
const FIXED = 2;
const CHANGES_PAGE = 1000;

interface PullRequestRaw { pullRequestId: number; lastMergeSourceCommit?: { commitId: string }; lastMergeTargetCommit?: { commitId: string } }
interface ChangeEntry { item?: { path?: string; isFolder?: boolean }; changeType?: string | number; originalPath?: string }
interface FileDiff { path: string; lineDiffBlocks?: { changeType: number | string; modifiedLineNumberStart: number; modifiedLinesCount: number }[] }

/**
 * Pull requests on Azure DevOps: changed lines from the last iteration's
 * changes and their file diffs (line blocks), annotations as pull request
 * comment threads on the file and line, and a pull request status
 * "Posturegraph". A second publish keeps the threads already posted, opens
 * threads for new findings and marks fixed those whose finding is gone.
 */
export class AzureDevOpsPullRequests implements PullRequestHost {
  private discovered: Promise<unknown> | null = null;

  constructor(private readonly client: AzureDevOpsClient) {}

  static create(options: AzureDevOpsClientOptions): AzureDevOpsPullRequests {
    return new AzureDevOpsPullRequests(new AzureDevOpsClient(options));
  }

  private base(fullName: string, number?: number): string {
    const [, project, repo] = fullName.split("/");
    const repoUrl = `${this.client.hosts.collection}/${encodeURIComponent(project)}/_apis/git/repositories/${encodeURIComponent(repo)}`;
    return number === undefined ? repoUrl : `${repoUrl}/pullRequests/${number}`;
  }

  async pullRequest(fullName: string, number: number): Promise<PullRequestInfo> {
    this.discovered ??= this.client.discover();
    await this.discovered;
    const pr = (await this.client.rest<PullRequestRaw>("pull-request", `${this.base(fullName, number)}?${API}`)).data;
    const head = pr.lastMergeSourceCommit?.commitId ?? "";
    const baseCommit = pr.lastMergeTargetCommit?.commitId ?? "";
    const iterations = await this.client.list<{ id: number }>("pull-request-iterations", `${this.base(fullName, number)}/iterations?${API}`);
    const last = Math.max(0, ...iterations.map((i) => i.id));
    const changes: ChangeEntry[] = [];
    for (let skip = 0; last > 0; skip += CHANGES_PAGE) {
      const page = (await this.client.rest<{ changeEntries?: ChangeEntry[]; nextSkip?: number }>("pull-request-changes",
        `${this.base(fullName, number)}/iterations/${last}/changes?$top=${CHANGES_PAGE}&$skip=${skip}&${API}`)).data;
      changes.push(...(page.changeEntries ?? []));
      if (!page.nextSkip || (page.changeEntries ?? []).length < CHANGES_PAGE) break;
    }
    const paths = changes.filter((c) => c.item?.path && !c.item.isFolder && !isDelete(c.changeType)).map((c) => ({ path: c.item!.path!, originalPath: c.originalPath ?? c.item!.path! }));
    const files: PullRequestInfo["files"] = [];
    // File diffs in batches: the line blocks of each changed file between the target and the source commit.
    for (let i = 0; i < paths.length; i += 100) {
      const diffs = (await this.client.send<FileDiff[]>("POST", "file-diffs", `${this.base(fullName)}/filediffs?${API}`,
        { baseVersionCommit: baseCommit, targetVersionCommit: head, fileDiffParams: paths.slice(i, i + 100) })).data ?? [];
      for (const d of diffs) files.push({ path: d.path.replace(/^\//, ""), added: blockLines(d.lineDiffBlocks ?? []) });
    }
    return { number, headSha: head, files };
  }

  async publish(fullName: string, pr: PullRequestInfo, annotations: AnnotationToPost[], conclusion: "success" | "failure", previous: PublishedState | null): Promise<PublishResult> {
    const threads: Record<string, number> = { ...(previous?.threads ?? {}) };
    const keys = new Set(annotations.map((a) => a.key));
    let posted = 0, updated = 0, resolved = 0;
    for (const a of annotations) {
      if (threads[a.key] != null) { updated++; continue; }
      const t = (await this.client.send<{ id: number }>("POST", "pull-request-thread", `${this.base(fullName, pr.number)}/threads?${API}`, {
        comments: [{ parentCommentId: 0, content: `**${a.title}**\n\n${a.message}`, commentType: 1 }],
        status: ACTIVE,
        threadContext: { filePath: `/${a.path}`, rightFileStart: { line: a.startLine, offset: 1 }, rightFileEnd: { line: a.endLine, offset: 1 } },
        properties: { "Posturegraph.Key": { $type: "System.String", $value: a.key } },
      })).data;
      threads[a.key] = t.id;
      posted++;
    }
    for (const [key, id] of Object.entries(threads)) {
      if (keys.has(key)) continue;
      await this.client.send("PATCH", "pull-request-thread", `${this.base(fullName, pr.number)}/threads/${id}?${API}`, { status: FIXED });
      delete threads[key];
      resolved++;
    }
    await this.client.send("POST", "pull-request-status", `${this.base(fullName, pr.number)}/statuses?${API}`, {
      state: conclusion === "failure" ? "failed" : "succeeded",
      description: annotations.length ? `${annotations.length} new finding${annotations.length === 1 ? "" : "s"} on changed lines` : "No new findings on changed lines",
      context: { name: "Posturegraph", genre: "security" },
    });
    return { state: { headSha: pr.headSha, threads, posted: [...keys] }, posted, updated, resolved, url: null };
  }
}

const isDelete = (t: string | number | undefined) => (typeof t === "number" ? (t & 16) !== 0 : /delete/i.test(String(t ?? "")));
