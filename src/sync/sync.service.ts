import crypto from "node:crypto";
import os from "node:os";
import type { DataSource } from "typeorm";
import type { Logger } from "../common/logger";
import type { SecretBox } from "../common/crypto";
import { ConflictError, NotFoundError } from "../common/errors";
import { SyncStatus } from "../common/types";
import { Connector, SyncRun } from "../entities";
import type { FindingStore } from "../findings";
import { syncDuration, syncRequests, syncRuns } from "../common/metrics";
import type { ConnectorRegistry } from "../connectors/core";
import { SyncLease } from "./lease";
import type { Scheduler } from "./scheduler";
import { connectorJob, connectorJobId, connectorJobs, ConnectorScheduleSource, reconcileJob } from "./schedules";

export interface SyncServiceOptions {
  leaseMs: number;
  /**
   * Per-connector knobs, read by each connector under its own keys (GitHub:
   * `github` client options, `githubSync` batch sizes; Azure DevOps:
   * `azureDevOps`, `azureDevOpsSync`); tests inject `sleep`/`now` there so
   * rate-limit waits do not really wait.
   */
  [key: string]: any;
}

/**
 * Connector runs: lease (no overlap across instances), a SyncRun row that
 * says RUNNING at once, the run in the background, its outcome recorded
 * (counts, requests, points, errors), metrics, and the cron schedules.
 */
export class SyncService implements ConnectorScheduleSource {
  readonly options: SyncServiceOptions;
  private readonly instance = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString("hex")}`;
  private readonly lease: SyncLease;
  private readonly inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private scheduler: Scheduler | null = null;
  private scheduled = new Map<string, string>();

  constructor(private readonly ds: DataSource, private readonly secrets: SecretBox, private readonly findingStore: FindingStore,
    private readonly log: Logger, private readonly registry: ConnectorRegistry, options: Partial<SyncServiceOptions> = {}) {
    this.options = { github: { reserveFraction: 0.1, maxConcurrency: 4 }, githubSync: {}, leaseMs: 120_000, ...options };
    this.lease = new SyncLease(ds, this.instance, this.options.leaseMs);
  }

  /** Starts a run now; returns it RUNNING. When one is already running (here or elsewhere), returns that one. */
  async trigger(connectorId: string): Promise<SyncRun> {
    const started = await this.start(connectorId);
    return started.run;
  }

  /** For the scheduler: a run, awaited; a connector already running elsewhere is skipped. */
  async runScheduled(connectorId: string): Promise<unknown> {
    try {
      const { run, done } = await this.start(connectorId);
      await done;
      return { connectorId, run: run.id };
    } catch (err) {
      if (err instanceof ConflictError || err instanceof NotFoundError) return { connectorId, skipped: err.message };
      throw err;
    }
  }

  private async start(connectorId: string): Promise<{ run: SyncRun; done: Promise<void> }> {
    const connector = await this.ds.getRepository(Connector).findOne({ where: { id: connectorId } });
    if (!connector) throw new NotFoundError("no connector with that ID");
    if (!(await this.lease.acquire(connectorId))) {
      const running = await this.ds.getRepository(SyncRun).findOne({ where: { connectorId, status: SyncStatus.RUNNING }, order: { startedAt: "DESC" } });
      if (running) return { run: running, done: this.inFlight.get(connectorId)?.done ?? Promise.resolve() };
      throw new ConflictError("a sync of this connector is already starting");
    }
    const runs = this.ds.getRepository(SyncRun);
    // A run left RUNNING by a crashed instance: its lease expired, so it is over.
    await runs.update({ connectorId, status: SyncStatus.RUNNING }, { status: SyncStatus.FAILED, finishedAt: new Date(), errors: ["interrupted: the instance running it stopped"] });
    const run = await runs.save(runs.create({ connectorId, status: SyncStatus.RUNNING, startedAt: new Date(), counts: {}, requests: 0, pointsUsed: 0, errors: [] }));
    const abort = new AbortController();
    const done = this.execute(connector, run, abort.signal).finally(() => this.inFlight.delete(connectorId));
    this.inFlight.set(connectorId, { abort, done });
    return { run, done };
  }

  private async execute(connector: Connector, run: SyncRun, signal: AbortSignal): Promise<void> {
    const log = this.log.child({ connectorId: connector.id, syncRunId: run.id, provider: connector.provider });
    const heartbeat = setInterval(() => void this.lease.renew(connector.id).catch(() => undefined), Math.max(1000, this.options.leaseMs / 3));
    heartbeat.unref();
    const startedAt = Date.now();
    let outcome: { status: SyncStatus; counts: Record<string, number>; errors: string[]; requests: number; pointsUsed: number; organizationId?: string | null; state?: Record<string, unknown> };
    try {
      const def = this.registry.get(connector.provider);
      if (!connector.credentials) throw new Error("the connector has no credentials");
      const credentials: unknown = JSON.parse(this.secrets.open(connector.credentials));
      const saveState = (state: Record<string, unknown>) => this.ds.query(`UPDATE connector SET state = $2::jsonb WHERE id = $1`, [connector.id, JSON.stringify(state)]).then(() => undefined);
      const r = await def.run({
        ds: this.ds, findingStore: this.findingStore, log, connector: { ...connector, options: connector.options ?? {} }, credentials, runId: run.id,
        signal, tuning: this.options, saveState,
      });
      outcome = { ...r, status: SyncStatus[r.status] };
      for (const [api, n] of Object.entries(r.requestsByApi)) syncRequests.inc({ provider: connector.provider, api }, n);
    } catch (err) {
      log.error({ error: (err as Error).message }, "sync run failed");
      outcome = { status: SyncStatus.FAILED, counts: {}, errors: [(err as Error).message.slice(0, 400)], requests: 0, pointsUsed: 0 };
    } finally {
      clearInterval(heartbeat);
    }
    try {
      await this.ds.getRepository(SyncRun).update({ id: run.id }, {
        status: outcome.status, finishedAt: new Date(), counts: outcome.counts, errors: outcome.errors, requests: outcome.requests, pointsUsed: outcome.pointsUsed,
      });
      await this.ds.query(`UPDATE connector SET last_sync_at = now(), organization_id = COALESCE($2, organization_id), state = COALESCE($3::jsonb, state) WHERE id = $1`,
        [connector.id, outcome.organizationId ?? null, outcome.state ? JSON.stringify(outcome.state) : null]);
      syncRuns.inc({ provider: connector.provider, status: outcome.status });
      syncDuration.observe({ provider: connector.provider }, (Date.now() - startedAt) / 1000);
      log.info({ status: outcome.status, requests: outcome.requests, pointsUsed: outcome.pointsUsed, errors: outcome.errors.length }, "sync run finished");
    } finally {
      await this.lease.release(connector.id).catch(() => undefined);
    }
  }

  /** Aborts running syncs (they record what they did) and waits for them. */
  async stop(): Promise<void> {
    this.scheduler = null;
    for (const f of this.inFlight.values()) f.abort.abort();
    await Promise.allSettled([...this.inFlight.values()].map((f) => f.done));
  }

  /** Waits for the runs in flight (tests, benchmarks). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()].map((f) => f.done));
  }

  async enabledConnectors(): Promise<{ id: string; schedule: string }[]> {
    return this.ds.getRepository(Connector).find({ where: { enabled: true }, select: { id: true, schedule: true } });
  }

  /** Schedules every enabled connector on `scheduler` and keeps it in step with changes. */
  async attachScheduler(scheduler: Scheduler): Promise<void> {
    this.scheduler = scheduler;
    scheduler.add(reconcileJob(() => this.reconcile()));
    await this.reconcile();
  }

  async reconcile(): Promise<void> {
    const scheduler = this.scheduler;
    if (!scheduler) return;
    const jobs = await connectorJobs(this);
    const wanted = new Map(jobs.map((j) => [j.id, j]));
    for (const id of this.scheduled.keys()) if (!wanted.has(id)) { scheduler.remove(id); this.scheduled.delete(id); }
    for (const job of jobs) {
      if (this.scheduled.get(job.id) === job.schedule) continue;
      scheduler.add(job);
      this.scheduled.set(job.id, job.schedule);
    }
  }

  /** After a create/update/delete through this instance. */
  reschedule(c: { id: string; schedule: string; enabled: boolean } | { id: string; deleted: true }): void {
    if (!this.scheduler) return;
    const id = connectorJobId(c.id);
    if ("deleted" in c || !c.enabled) { this.scheduler.remove(id); this.scheduled.delete(id); return; }
    this.scheduler.add(connectorJob(this, c));
    this.scheduled.set(id, c.schedule);
  }
}
