import type { DataSource } from "typeorm";
import type { Logger } from "../../common/logger";
import type { FindingStore } from "../../findings/finding-store";
import type { GitHubClient } from "./client";
import { describe, stopsRun } from "./errors";
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

/** One run: the client, where it writes, what it counted and what it could not do. */
export class SyncContext {
  readonly counts: Record<string, number> = {};
  readonly errors: string[] = [];
  /** Why the run stopped asking GitHub (rate limit, shutdown); null while it goes on. */
  stopReason: string | null = null;

  constructor(
    readonly ds: DataSource,
    readonly client: GitHubClient,
    readonly findingStore: FindingStore,
    readonly log: Logger,
    readonly org: string,
    readonly runId: string,
    readonly state: GitHubState,
    readonly options: SyncOptions,
    readonly now: Date,
    readonly saveState: () => Promise<void>,
  ) {}

  orgId = "";

  add(key: string, n = 1): void { this.counts[key] = (this.counts[key] ?? 0) + n; }

  /** Records a scope that could not be fetched; its stored data stays as it was. Rethrows what ends the run. */
  skip(scope: string, err: unknown): void {
    if (stopsRun(err)) throw err;
    const line = `${scope}: ${describe(err)}`;
    this.errors.push(line.slice(0, 400));
    this.log.warn({ scope, error: describe(err) }, "github sync: scope skipped, its data left untouched");
  }

  due(at: string | undefined, everyMs = this.options.fullRefreshMs): boolean {
    return !at || this.now.getTime() - Date.parse(at) >= everyMs;
  }
}
