// The GitHub connector's public face: its definition for the registry (everything else is internal to it).
export { githubConnector, DEFAULT_GITHUB_URL } from "./connector";
