export { IngestFormat, IngestService, IngestSummary } from "./ingest.service";
export { ensureRepository, resolveRepository } from "./repository-resolver";
