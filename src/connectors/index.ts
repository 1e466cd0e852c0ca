import { ConnectorRegistry } from "./core";
import { githubConnector } from "./github";
import { azureDevOpsConnector } from "./azure-devops";

/** Every connector of this build. Adding a connector: its folder, then one register() here (docs/connectors.md). */
export function connectorRegistry(): ConnectorRegistry {
  return new ConnectorRegistry().register(githubConnector).register(azureDevOpsConnector);
}

export { ConnectorRegistry };
