import { DomainError } from "../../common/errors";
/**
 * Pure validation of cloud resource records, shared by upsertCloudResources
 * and POST /ingest/cloud (NDJSON): one record in, a normalized row out, or an
 * error naming the field (and the NDJSON line).
 */
import { CloudProvider, Criticality } from "../../common/types";
import { fromGlobalId } from "../../common/ids";

export interface CloudResourceRecord {
  provider: CloudProvider;
  type: string;
  externalId: string;
  name: string;
  region: string | null;
  tags: Record<string, string>;
  internetExposed: boolean;
  sensitiveData: boolean;
  environment: string | null;
  criticality: Criticality | null;
  imageDigests: string[];
  /** Database id of the DevOps organization, when given. */
  organizationId: string | null;
}

export class CloudInputError extends DomainError {
  constructor(message: string, readonly field: string, readonly line: number | null = null) {
    super("INVALID_REQUEST", line != null ? `line ${line}: ${field}: ${message}` : `${field}: ${message}`, "BAD_USER_INPUT", { field },
      { field, ...(line != null ? { line } : {}) });
  }
}

const PROVIDERS = Object.values(CloudProvider) as string[];
const CRITICALITIES = Object.values(Criticality) as string[];
const MAX = 2048;

function str(v: unknown, field: string, required: boolean, line: number | null): string | null {
  if (v === undefined || v === null || v === "") {
    if (required) throw new CloudInputError("is required", field, line);
    return null;
  }
  if (typeof v !== "string") throw new CloudInputError("must be a string", field, line);
  if (v.length > MAX || /\p{Cc}/u.test(v)) throw new CloudInputError(`must be at most ${MAX} characters without control characters`, field, line);
  return v;
}

function bool(v: unknown, field: string, line: number | null): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== "boolean") throw new CloudInputError("must be true or false", field, line);
  return v;
}

function tags(v: unknown, line: number | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (v === undefined || v === null) return out;
  // [{key, value}] as in the GraphQL input, or a plain {key: value} map as cloud CLIs print them.
  const pairs: [unknown, unknown][] = Array.isArray(v)
    ? v.map((t, i) => {
      if (!t || typeof t !== "object") throw new CloudInputError("must be an object {key, value}", `tags[${i}]`, line);
      return [(t as Record<string, unknown>).key, (t as Record<string, unknown>).value];
    })
    : typeof v === "object" ? Object.entries(v as Record<string, unknown>) : (() => { throw new CloudInputError("must be a list of {key, value} or an object", "tags", line); })();
  if (pairs.length > 500) throw new CloudInputError("at most 500 tags", "tags", line);
  for (const [k, val] of pairs) {
    const key = str(k, "tags.key", true, line)!;
    const value = val === null || val === undefined ? "" : typeof val === "number" || typeof val === "boolean" ? String(val) : str(val, `tags.${key}`, false, line) ?? "";
    out[key] = value;
  }
  return out;
}

/** Validates one record (from GraphQL or one NDJSON line). */
export function parseCloudResource(raw: unknown, line: number | null = null): CloudResourceRecord {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new CloudInputError("must be a JSON object", "record", line);
  const o = raw as Record<string, unknown>;
  const provider = str(o.provider, "provider", true, line)!.toUpperCase();
  if (!PROVIDERS.includes(provider)) throw new CloudInputError(`must be one of ${PROVIDERS.join(", ")}, got "${provider.slice(0, 40)}"`, "provider", line);
  let criticality = str(o.criticality, "criticality", false, line);
  if (criticality) {
    criticality = criticality.toUpperCase();
    if (!CRITICALITIES.includes(criticality)) throw new CloudInputError(`must be one of ${CRITICALITIES.join(", ")}`, "criticality", line);
  }
  const digests = o.imageDigests ?? [];
  if (!Array.isArray(digests)) throw new CloudInputError("must be a list of sha256:… digests", "imageDigests", line);
  const imageDigests = digests.map((d, i) => {
    const s = str(d, `imageDigests[${i}]`, true, line)!.toLowerCase();
    if (!/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-f0-9]{32,}$/.test(s)) throw new CloudInputError("must be a digest such as sha256:<hex>", `imageDigests[${i}]`, line);
    return s;
  });
  const org = str(o.organization, "organization", false, line);
  let organizationId: string | null = null;
  if (org) {
    const parsed = fromGlobalId(org);
    if (!parsed || parsed.type !== "DevOpsOrganization") throw new CloudInputError("must be a DevOpsOrganization ID", "organization", line);
    organizationId = parsed.id;
  }
  return {
    provider: provider as CloudProvider,
    type: str(o.type, "type", true, line)!,
    externalId: str(o.externalId, "externalId", true, line)!,
    name: str(o.name, "name", true, line)!,
    region: str(o.region, "region", false, line),
    tags: tags(o.tags, line),
    internetExposed: bool(o.internetExposed, "internetExposed", line),
    sensitiveData: bool(o.sensitiveData, "sensitiveData", line),
    environment: str(o.environment, "environment", false, line),
    criticality: criticality as Criticality | null,
    imageDigests: [...new Set(imageDigests)],
    organizationId,
  };
}

/** NDJSON: one JSON object per line; blank lines are skipped; the first bad line fails the whole upload. */
export function parseCloudNdjson(body: string): CloudResourceRecord[] {
  const out: CloudResourceRecord[] = [];
  const lines = body.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i].trim();
    if (!text) continue;
    let value: unknown;
    try { value = JSON.parse(text); } catch (err) {
      throw new CloudInputError(`malformed JSON (${(err as Error).message.slice(0, 120)})`, "record", i + 1);
    }
    out.push(parseCloudResource(value, i + 1));
  }
  return out;
}
