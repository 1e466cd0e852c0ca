import cron from "node-cron";
import type { DataSource } from "typeorm";
import type { SecretBox } from "../common/crypto";
import { ConflictError, NotFoundError, UserInputError } from "../common/errors";
import { ConnectorProvider } from "../common/types";
import { Connector, SyncRun } from "../entities/index";
import { GitHubCredentials, isRsaPrivateKey } from "../connectors/github/auth";
import type { SyncService } from "./sync.service";

export interface ConnectorFields {
  provider?: ConnectorProvider; organization?: string; url?: string; token?: string; appId?: string; installationId?: string;
  privateKey?: string; schedule?: string; enabled?: boolean;
}

export const DEFAULT_GITHUB_URL = "https://api.github.com";
export const DEFAULT_SCHEDULE = "0 * * * *";
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;

/** Connector administration: validation, sealed credentials, schedules. Credentials never leave this service. */
export class ConnectorService {
  constructor(private readonly ds: DataSource, private readonly secrets: SecretBox, private readonly sync: SyncService) {}

  async create(input: ConnectorFields): Promise<Connector> {
    if (input.provider !== ConnectorProvider.GITHUB) throw new UserInputError("provider: only GITHUB connectors are available so far");
    const organization = (input.organization ?? "").trim();
    if (!LOGIN.test(organization)) throw new UserInputError("organization: not a GitHub organization login");
    const url = normalizeUrl(input.url ?? DEFAULT_GITHUB_URL);
    const schedule = validSchedule(input.schedule ?? DEFAULT_SCHEDULE);
    const credentials = this.seal(credentialsOf(input, true)!);
    const repo = this.ds.getRepository(Connector);
    if (await repo.findOne({ where: { provider: input.provider, url, organization } })) throw new ConflictError("a connector for this organization and URL already exists");
    const saved = await repo.save(repo.create({ provider: input.provider, organization, url, credentials, schedule, enabled: input.enabled ?? true, state: {} }));
    this.sync.reschedule(saved);
    return saved;
  }

  async update(id: string, input: ConnectorFields): Promise<Connector> {
    const repo = this.ds.getRepository(Connector);
    const c = await repo.findOne({ where: { id } });
    if (!c) throw new NotFoundError("no connector with that ID");
    if (input.url != null) c.url = normalizeUrl(input.url);
    if (input.schedule != null) c.schedule = validSchedule(input.schedule);
    if (input.enabled != null) c.enabled = input.enabled;
    const creds = credentialsOf(input, false);
    if (creds) c.credentials = this.seal(creds);
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

  trigger(id: string): Promise<SyncRun> {
    return this.sync.trigger(id);
  }

  private seal(c: GitHubCredentials): string {
    return this.secrets.seal(JSON.stringify(c));
  }
}

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
