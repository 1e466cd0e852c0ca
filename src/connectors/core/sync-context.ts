import type { DataSource } from "typeorm";
import type { Logger } from "../../common/logger";
import type { FindingStore } from "../../findings";
import { describe, stopsRun } from "./errors";

/**
 * One connector run, whatever the source: where it writes, what it counted,
 * what it could not do (`errors`: the run ends PARTIAL), why it stopped early,
 * and which scopes were read completely (only those may mark things gone or
 * fixed — scope completeness). Each connector extends it with its client,
 * options and remembered state.
 */
export class SyncContext<State extends object = Record<string, unknown>> {
  readonly counts: Record<string, number> = {};
  readonly errors: string[] = [];
  /** Why the run stopped asking the source (rate limit, shutdown); null while it goes on. */
  stopReason: string | null = null;
  orgId = "";
  private readonly incomplete = new Map<string, string>();

  constructor(
    readonly ds: DataSource,
    readonly findingStore: FindingStore,
    readonly log: Logger,
    /** The organization name at the source (GitHub login, Azure DevOps organization). */
    readonly org: string,
    readonly runId: string,
    readonly state: State,
    readonly now: Date,
    readonly saveState: () => Promise<void>,
    private readonly provider: string,
  ) {}

  add(key: string, n = 1): void { this.counts[key] = (this.counts[key] ?? 0) + n; }

  /** Records a scope that could not be fetched; its stored data stays as it was. Rethrows what ends the run. */
  skip(scope: string, err: unknown): void {
    if (stopsRun(err)) throw err;
    const line = `${scope}: ${describe(err)}`;
    this.errors.push(line.slice(0, 400));
    this.incomplete.set(scope, describe(err));
    this.log.warn({ scope, error: describe(err) }, `${this.provider} sync: scope skipped, its data left untouched`);
  }

  /** Marks a scope as not completely read (without an error line of its own, e.g. a page cut short). */
  markIncomplete(scope: string, reason: string): void { this.incomplete.set(scope, reason); }

  /** Whether `scope` was read to its end in this run: cleanup of that scope is allowed only then. */
  isComplete(scope: string): boolean { return !this.stopReason && !this.incomplete.has(scope); }

  /** Whether something last done at `at` is due again. */
  due(at: string | undefined, everyMs: number): boolean {
    return !at || this.now.getTime() - Date.parse(at) >= everyMs;
  }

  get status(): "SUCCEEDED" | "PARTIAL" { return this.errors.length ? "PARTIAL" : "SUCCEEDED"; }
}

export type Phase = [name: string, run: () => Promise<void>];

/**
 * Runs a connector's phases in order. A phase that fails is recorded and the
 * next one runs; one that hits a stop (rate limit, shutdown) ends the loop and
 * names what was skipped, so the next run can continue.
 */
export async function runPhases(ctx: SyncContext<object>, phases: Phase[]): Promise<void> {
  for (let i = 0; i < phases.length && !ctx.stopReason; i++) {
    const [name, phase] = phases[i];
    const started = Date.now();
    try {
      await phase();
      ctx.add(`ms.${name.replace(/ /g, "-")}`, Date.now() - started);
    } catch (err) {
      if (!stopsRun(err)) { ctx.errors.push(`${name}: ${describe(err)}`); continue; }
      ctx.stopReason = describe(err);
      ctx.errors.push(`stopped during ${name}: ${ctx.stopReason}; skipped: ${[name, ...phases.slice(i + 1).map((p) => p[0])].join(", ")} (the next run continues)`);
      break;
    }
  }
}
