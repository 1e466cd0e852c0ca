export { azureDevOpsConnector } from "./connector";
export { AzureDevOpsClient } from "./client";
