import type { DataSource } from "typeorm";
import type { Logger } from "../../common/logger";
import type { ConnectorProvider } from "../../common/types";
import type { FindingStore } from "../../findings";
import type { PullRequestHost } from "./pull-requests";

/** What createConnector/updateConnector hand a connector to validate (provider-specific fields among them). */
export interface ConnectorFields {
  provider?: ConnectorProvider;
  organization?: string;
  url?: string;
  token?: string;
  appId?: string;
  installationId?: string;
  privateKey?: string;
  /** Azure DevOps: the projects to sync (default all). */
  projects?: string[] | null;
  schedule?: string;
  enabled?: boolean;
}

/** The connector row as a run sees it. */
export interface ConnectorRecord {
  id: string;
  organization: string;
  url: string;
  state: Record<string, unknown>;
  /** Provider-specific settings validated at create/update (connector.options). */
  options: Record<string, unknown>;
}

export interface ConnectorRunInput<Credentials> {
  ds: DataSource;
  findingStore: FindingStore;
  log: Logger;
  connector: ConnectorRecord;
  credentials: Credentials;
  runId: string;
  /** Aborted when the server shuts down: waits and requests stop, the run records what it did. */
  signal: AbortSignal;
  /** The SyncService's knobs (tests inject sleep/now, batch sizes); each connector reads its own keys. */
  tuning: Record<string, unknown>;
  now?: Date;
  /** Persists connector.state (called after each chunk so a cut-off run resumes where it was). */
  saveState: (state: Record<string, unknown>) => Promise<void>;
}

export interface ConnectorRunResult {
  organizationId: string | null;
  status: "SUCCEEDED" | "PARTIAL" | "FAILED";
  counts: Record<string, number>;
  errors: string[];
  requests: number;
  /** Rate-limit units spent (GitHub points, REST requests; Azure DevOps requests). */
  pointsUsed: number;
  state: Record<string, unknown>;
  /** Requests by API, for the metrics (e.g. { graphql: 12, rest: 40 }). */
  requestsByApi: Record<string, number>;
}

/**
 * A source of inventory and findings. A connector declares what it needs
 * (scopes), validates its own settings and credentials, and runs as
 * get → transform → load → cleanup through the shared core (sync context,
 * HTTP client with retries and rate limits, scope completeness, neutral
 * inventory load). SyncService and ConnectorService dispatch through the
 * registry; neither knows a provider.
 */
export interface ConnectorDefinition<Credentials = unknown> {
  provider: ConnectorProvider;
  /** The permissions its credentials need, as the source names them (shown in docs and errors). */
  scopes: string[];
  /** The API URL when none is given. */
  defaultUrl(organization: string): string;
  /** The organization name, trimmed and checked; throws UserInputError. */
  organization(raw: string): string;
  /** Credentials from create/update input; null when none were given (an update that keeps them); throws UserInputError. */
  credentials(input: ConnectorFields, required: boolean): Credentials | null;
  /** Provider settings kept on the connector (connector.options); `current` on update. */
  options(input: ConnectorFields, current: Record<string, unknown> | null): Record<string, unknown>;
  run(input: ConnectorRunInput<Credentials>): Promise<ConnectorRunResult>;
  /** Pull request reads and annotation posting with this connector's credentials (absent: the source has none). */
  pullRequests?(connector: ConnectorRecord, credentials: Credentials, tuning: Record<string, unknown>): PullRequestHost;
}
