import { UserInputError } from "../../common/errors";
import { ConnectorProvider } from "../../common/types";
import type { ConnectorDefinition, ConnectorFields } from "../core";
import { runAzureDevOpsSync, type AzureDevOpsCredentials } from "./sync";
import type { AzureDevOpsClientOptions } from "./client";
import { AzureDevOpsPullRequests } from "./pull-requests";

/** Azure DevOps organization names: letters, digits and hyphens, starting and ending with a letter or digit (Server collections: also `_` and `.`). */
const ORG = /^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,48}[A-Za-z0-9])?$/;
/** Project names: no control characters or the characters Azure DevOps forbids (\/:*?"<>|;#$*{},+=[]), at most 64. */
const PROJECT = /^[^\\/:*?"<>|;#${},+=[\]\p{Cc}]{1,64}$/u;

/** The Azure DevOps connector: a PAT, on dev.azure.com/{organization} or an Azure DevOps Server collection URL. */
export const azureDevOpsConnector: ConnectorDefinition<AzureDevOpsCredentials> = {
  provider: ConnectorProvider.AZURE_DEVOPS,
  scopes: ["Code (read)", "Build (read)", "Release (read)", "Service Connections (read)", "Variable Groups (read)", "Secure Files (read)", "Environment (read)", "Advanced Security (read)"],
  defaultUrl: (organization) => `https://dev.azure.com/${encodeURIComponent(organization)}`,
  organization(raw) {
    const organization = raw.trim();
    if (!ORG.test(organization)) throw new UserInputError("organization: not an Azure DevOps organization name");
    return organization;
  },
  credentials(input: ConnectorFields, required: boolean): AzureDevOpsCredentials | null {
    if (input.appId || input.installationId || input.privateKey) throw new UserInputError("Azure DevOps takes a personal access token (token), not GitHub App fields");
    if (input.token != null) {
      const token = input.token.trim();
      if (!token || token.length > 1000 || /\s/.test(token)) throw new UserInputError("token: not an Azure DevOps personal access token");
      return { type: "pat", token };
    }
    if (required) throw new UserInputError("token: an Azure DevOps personal access token is required");
    return null;
  },
  options(input, current) {
    if (input.projects === undefined) return current ?? { projects: null };
    if (input.projects === null || input.projects.length === 0) return { ...current, projects: null };
    const names = [...new Set(input.projects.map((p) => p.trim()))];
    const bad = names.find((p) => !PROJECT.test(p));
    if (bad !== undefined) throw new UserInputError(`projects: "${bad.slice(0, 70)}" is not an Azure DevOps project name`);
    return { ...current, projects: names };
  },
  run: (input) => runAzureDevOpsSync(input),
  pullRequests(connector, credentials, tuning) {
    const client = (tuning.azureDevOps ?? {}) as Partial<AzureDevOpsClientOptions>;
    return AzureDevOpsPullRequests.create({ maxConcurrency: 4, ...client, collectionUrl: connector.url, pat: credentials.token });
  },
};
