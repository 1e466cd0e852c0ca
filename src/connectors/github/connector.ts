import { UserInputError } from "../../common/errors";
import { ConnectorProvider } from "../../common/types";
import type { ConnectorDefinition, ConnectorFields } from "../core";
import { authFor, GitHubCredentials, isRsaPrivateKey } from "./auth";
import { GitHubPullRequests } from "./pull-requests";
import type { GitHubClientOptions } from "./client";
import type { SyncOptions } from "./sync-context";
import { runGitHubSync } from "./sync";

export const DEFAULT_GITHUB_URL = "https://api.github.com";
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/** The GitHub connector: a token or a GitHub App installation, on github.com or a GHES /api/v3. */
export const githubConnector: ConnectorDefinition<GitHubCredentials> = {
  provider: ConnectorProvider.GITHUB,
  scopes: ["repo (or fine-grained: metadata, contents, administration: read)", "security_events", "read:org", "admin:org (read) for organization settings"],
  defaultUrl: () => DEFAULT_GITHUB_URL,
  organization(raw) {
    const organization = raw.trim();
    if (!LOGIN.test(organization)) throw new UserInputError("organization: not a GitHub organization login");
    return organization;
  },
  credentials: credentialsOf,
  options: () => ({}),
  async run(input) {
    // SyncService tuning: `github` holds client knobs, `githubSync` the run's batch sizes and refresh intervals.
    const client = { ...(input.tuning.github as Partial<GitHubClientOptions> | undefined), signal: input.signal };
    const r = await runGitHubSync({ ...input, client, options: input.tuning.githubSync as Partial<SyncOptions> | undefined });
    return { ...r, requestsByApi: { graphql: r.counts["requests.graphql"] ?? 0, rest: r.counts["requests.rest"] ?? 0 } };
  },
  pullRequests(connector, credentials, tuning) {
    const client = tuning.github as Partial<GitHubClientOptions> | undefined;
    return GitHubPullRequests.create({ ...client, baseUrl: connector.url, auth: authFor(connector.url, credentials, client?.now) });
  },
};

function credentialsOf(input: ConnectorFields, required: boolean): GitHubCredentials | null {
  const app = input.appId || input.installationId || input.privateKey;
  if (input.token && app) throw new UserInputError("give either token or the GitHub App fields (appId, installationId, privateKey), not both");
  if (input.token) {
    if (input.token.length > 1000 || /\s/.test(input.token.trim())) throw new UserInputError("token: not a GitHub token");
    return { type: "token", token: input.token.trim() };
  }
  if (app) {
    if (!input.appId || !/^\d+$|^Iv[\w.]+$/.test(input.appId)) throw new UserInputError("appId: a GitHub App ID (or client ID) is required");
    if (!input.installationId || !/^\d+$/.test(input.installationId)) throw new UserInputError("installationId: a numeric installation ID is required");
    if (!input.privateKey || !isRsaPrivateKey(input.privateKey)) throw new UserInputError("privateKey: not an RSA private key in PEM form");
    return { type: "app", appId: input.appId, installationId: input.installationId, privateKey: input.privateKey };
  }
  if (required) throw new UserInputError("credentials: give token, or appId + installationId + privateKey");
  return null;
}
