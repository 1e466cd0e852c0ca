import type { DataSource } from "typeorm";
import type { Logger } from "../../common/logger";
import type { FindingStore } from "../../findings";
import type { GitHubClient } from "./client";
import { SyncContext } from "../core";
import type { AlertCursor } from "./rest-alerts";

/** What a GitHub connector remembers between runs (connector.state.github). */
export interface GitHubState {
  /** Per repository node id: the change signals last synced completely (d: details, a: Dependabot alerts). */
  repos: Record<string, { d?: string; a?: string }>;
  detailsFullAt?: string;
  orgSettingsAt?: string;
  dependabotFullAt?: string;
  codeScanning?: AlertCursor;
  secretScanning?: AlertCursor;
  etags?: Record<string, string>;
  /** CWE ids per advisory (GHSA): an advisory's CWEs are fetched once. */
  advisoryCwes?: Record<string, string[]>;
}

export interface SyncOptions {
  detailBatchSize: number;
  dependabotBatchSize: number;
  /** Repositories whose details are fetched and loaded together (progress is saved after each). */
  chunkSize: number;
  /** Everything is re-read at least this often, whatever the change signals say. */
  fullRefreshMs: number;
  /** Organization settings are re-read this often (five REST calls; they change rarely). */
  orgSettingsRefreshMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = { detailBatchSize: 50, dependabotBatchSize: 25, chunkSize: 250, fullRefreshMs: 24 * 3600_000, orgSettingsRefreshMs: 3 * 3600_000 };

/** One GitHub run: the shared run context plus the client and GitHub's options. */
export class GitHubSyncContext extends SyncContext<GitHubState> {
  constructor(
    ds: DataSource,
    readonly client: GitHubClient,
    findingStore: FindingStore,
    log: Logger,
    org: string,
    runId: string,
    state: GitHubState,
    readonly options: SyncOptions,
    now: Date,
    saveState: () => Promise<void>,
  ) {
    super(ds, findingStore, log, org, runId, state, now, saveState, "github");
  }

  override due(at: string | undefined, everyMs = this.options.fullRefreshMs): boolean {
    return super.due(at, everyMs);
  }
}
