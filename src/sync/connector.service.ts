import cron from "node-cron";
import type { DataSource } from "typeorm";
import type { SecretBox } from "../common/crypto";
import { ConflictError, NotFoundError, UserInputError } from "../common/errors";
import { Connector, SyncRun } from "../entities";
import type { ConnectorFields, ConnectorRegistry, PullRequestHost } from "../connectors/core";
import type { SyncService } from "./sync.service";

export type { ConnectorFields };
export const DEFAULT_SCHEDULE = "0 * * * *";

/**
 * Connector administration: validation (the provider's own, through the
 * registry), sealed credentials, schedules. Credentials never leave this service.
 */
export class ConnectorService {
  constructor(private readonly ds: DataSource, private readonly secrets: SecretBox, private readonly sync: SyncService, private readonly registry: ConnectorRegistry) {}

  async create(input: ConnectorFields): Promise<Connector> {
    const def = this.registry.get(input.provider);
    const organization = def.organization(input.organization ?? "");
    const url = normalizeUrl(input.url ?? def.defaultUrl(organization));
    const schedule = validSchedule(input.schedule ?? DEFAULT_SCHEDULE);
    const credentials = this.seal(def.credentials(input, true));
    const options = def.options(input, null);
    const repo = this.ds.getRepository(Connector);
    if (await repo.findOne({ where: { provider: def.provider, url, organization } })) throw new ConflictError("a connector for this organization and URL already exists");
    const saved = await repo.save(repo.create({ provider: def.provider, organization, url, credentials, schedule, enabled: input.enabled ?? true, state: {}, options }));
    this.sync.reschedule(saved);
    return saved;
  }

  async update(id: string, input: ConnectorFields): Promise<Connector> {
    const repo = this.ds.getRepository(Connector);
    const c = await repo.findOne({ where: { id } });
    if (!c) throw new NotFoundError("no connector with that ID");
    const def = this.registry.get(c.provider);
    if (input.url != null) c.url = normalizeUrl(input.url);
    if (input.schedule != null) c.schedule = validSchedule(input.schedule);
    if (input.enabled != null) c.enabled = input.enabled;
    const creds = def.credentials(input, false);
    if (creds) c.credentials = this.seal(creds);
    c.options = def.options(input, c.options);
    const saved = await repo.save(c);
    this.sync.reschedule(saved);
    return saved;
  }
  /** Removes the connector and its run history; what it synced stays (it is the organization's data). */
  async delete(id: string): Promise<boolean> {
    const repo = this.ds.getRepository(Connector);
    if (!(await repo.findOne({ where: { id } }))) throw new NotFoundError("no connector with that ID");
    await this.ds.transaction(async (em) => {
      await em.getRepository(SyncRun).delete({ connectorId: id });
      await em.getRepository(Connector).delete({ id });
    });
    this.sync.reschedule({ id, deleted: true });
    return true;
  }

  /**
   * The pull request host of the connector that syncs `organizationId`, with
   * its credentials (they stay inside the host); null when no connector syncs
   * it or its source has no pull request support.
   */
  async pullRequestHost(organizationId: string): Promise<PullRequestHost | null> {
    const c = await this.ds.getRepository(Connector).findOne({ where: { organizationId }, order: { createdAt: "ASC" } });
    if (!c?.credentials) return null;
    const def = this.registry.get(c.provider);
    if (!def.pullRequests) return null;
    return def.pullRequests({ ...c, options: c.options ?? {} }, JSON.parse(this.secrets.open(c.credentials)), this.tuning());
  }

  trigger(id: string): Promise<SyncRun> {
    return this.sync.trigger(id);
  }

  /** The SyncService's knobs (tests inject sleep and timeouts there), shared with pull request hosts. */
  private tuning(): Record<string, unknown> { return this.sync.options; }

  private seal(c: unknown): string {
    return this.secrets.seal(JSON.stringify(c));
  }
}

function normalizeUrl(raw: string): string {
  let u: URL;
  try { u = new URL(raw.trim()); } catch { throw new UserInputError("url: not a URL"); }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname);
  if (u.protocol !== "https:" && !(u.protocol === "http:" && loopback)) throw new UserInputError("url: must be https (credentials are sent to it)");
  if (u.username || u.password || u.search || u.hash) throw new UserInputError("url: no credentials, query or fragment");
  return u.toString().replace(/\/+$/, "");
}

function validSchedule(s: string): string {
  const t = s.trim();
  if (!cron.validate(t)) throw new UserInputError(`schedule: "${t.slice(0, 60)}" is not a valid cron expression`);
  return t;
}
