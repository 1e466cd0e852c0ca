/** An inclusive range of new-side line numbers. */
export type LineRange = [start: number, end: number];

/** A pull request as the annotation service needs it: its head commit and the new-side lines each file changed. */
export interface PullRequestInfo {
  number: number;
  headSha: string;
  files: { path: string; added: LineRange[] }[];
}

export interface AnnotationToPost {
  /** Stable per finding (analysis category + fingerprint): what a second call compares against. */
  key: string;
  path: string;
  startLine: number;
  endLine: number;
  level: "failure" | "warning" | "notice";
  title: string;
  message: string;
}

/** What was posted last time (kept per pull request): the check run or the threads, and which findings they show. */
export interface PublishedState {
  headSha?: string;
  checkRunId?: number;
  /** Azure DevOps: thread id per annotation key. */
  threads?: Record<string, number>;
  posted: string[];
}

export interface PublishResult { state: PublishedState; posted: number; updated: number; resolved: number; url: string | null }

/**
 * A source's pull requests, for annotations: read the changed lines, post
 * the findings. Offered by a connector (ConnectorDefinition.pullRequests) with
 * the connector's own credentials; a second publish updates what the first posted.
 */
export interface PullRequestHost {
  pullRequest(repositoryFullName: string, number: number): Promise<PullRequestInfo>;
  publish(repositoryFullName: string, pr: PullRequestInfo, annotations: AnnotationToPost[], conclusion: "success" | "failure", previous: PublishedState | null): Promise<PublishResult>;
}
