import { isDeepStrictEqual } from "node:util";
import { EntityManager } from "typeorm";
import { FindingEventType, FindingState } from "../common/types";
import { slaDueAt, type PriorityContext, type PriorityPolicy, type PriorityRow, type PriorityService } from "../priority";
import { appendEvents, type EventRow } from "../events/outbox";
import { FindingInserter, FindingWrite, fixFindings, rehashFindings, rescoreFindings, touchFindings, updateFindings } from "./finding-store.sql";
import { Known, knownFindings, Stored, storedFindings } from "./finding-store.read";
import { contentHash, MATERIAL } from "./finding-hash";
import { markScopeSeen, scopeSeenAt, scopeKey } from "./finding-seen";
import { same, toWrite } from "./finding-lifecycle";
import type { FindingInput, LoadResult, LoadScope } from "./finding-store.types";
import { storable } from "../db/pg-array";

type Score = { score: number; level: string };
type Write = FindingWrite & { repositoryId: string };

/**
 * One load of one scope, step by step (FindingStore.load): what it read,
 * what it will write, and the events — all written set-based at the end,
 * inside the caller's transaction.
 */
export class FindingLoad {
  readonly result: LoadResult;
  private readonly inserter: FindingInserter;
  private readonly updates: (FindingWrite & { id: string })[] = [];
  private readonly rescored: { id: string; score: number; level: string }[] = [];
  private readonly rehashed: { id: string; hash: string }[] = [];
  private readonly touched: string[] = [];
  private readonly events: EventRow[] = [];
  private readonly differing: [Known, Write][] = [];
  private readonly memo = new Map<string, Score>();
  private toFix: string[] = [];

  private constructor(
    private readonly em: EntityManager,
    private readonly priority: PriorityService,
    private readonly scope: LoadScope,
    private readonly reported: Map<string, FindingInput>,
    private readonly ruleIds: Map<string, string>,
    /** Known findings of the scope by fingerprint; what remains after sorting was not reported. */
    private readonly existing: Map<string, Known>,
    /** The previous complete load's time: what "last seen" means for the OPEN findings it saw (finding-seen.ts). */
    private readonly prevSeen: Date | null,
    private readonly policy: PriorityPolicy,
    private readonly ctx: PriorityContext,
    private readonly now: Date,
    results: number,
  ) {
    this.result = { results, created: 0, updated: 0, unchanged: 0, fixed: 0, reopened: 0, dismissed: 0 };
    this.inserter = new FindingInserter(em, scope, now);
  }

  /** Reads what the scope already holds and the priority context of the reported findings. */
  static async start(em: EntityManager, priority: PriorityService, scope: LoadScope, inputs: FindingInput[], ruleIds: Map<string, string>, now: Date): Promise<FindingLoad> {
    const reported = new Map<string, FindingInput>();
    for (const f of inputs) reported.set(f.fingerprint, f);
    const existing = await knownFindings(em, scope);
    const key = scopeKey(scope.repositoryId, scope.analysisCategory);
    const prevSeen = scope.complete ? (await scopeSeenAt(em, [key])).get(key) ?? null : null;
    const policy = await priority.policy(em);
    const ctx = await priority.context(em, [scope.repositoryId], [...reported.values()].map((f) => f.vulnerabilityId ?? ""));
    return new FindingLoad(em, priority, scope, reported, ruleIds, existing, prevSeen, policy, ctx, now, inputs.length);
  }

  /**
   * New findings go to the inserter (in fingerprint order: new rows reach the
   * identity index in its order); known ones whose digest and state match are
   * unchanged; the rest are compared field by field next.
   */
  async sortReported(): Promise<void> {
    for (const fingerprint of [...this.reported.keys()].sort()) {
      const input = this.reported.get(fingerprint)!;
      const prev = this.existing.get(input.fingerprint);
      const next = toWrite(input, prev, this.ruleIds.get(`${storable(input.tool)}\u0000${storable(input.ruleId)}`) ?? null, this.scope.repositoryId, this.now);
      next.contentHash = contentHash(next);
      if (!prev) { await this.insert(next); continue; }
      this.existing.delete(input.fingerprint);
      // Same digest, same state: what is stored is what was reported (next carries prev's lifecycle times).
      if (prev.contentHash === next.contentHash && next.state === prev.state) this.unchanged(prev, this.score(next));
      else this.differing.push([prev, next]);
    }
  }

  /** The known findings that differ, against their whole stored rows (read only for them): updates, transitions, events. */
  async compareDiffering(): Promise<void> {
    const { result, scope } = this;
    const stored = await storedFindings(this.em, scope.repositoryId, this.differing.map(([k]) => k));
    for (const [known, next] of this.differing) {
      const prev: Stored = stored.get(known.id)!;
      const changes = MATERIAL.filter((k) => !same(prev[k], next[k]));
      const detailsChanged = !isDeepStrictEqual(prev.details ?? {}, next.details ?? {}); // key order ignored, as jsonb stores them
      const transition = next.state !== prev.state ? next.state : null;
      if (!changes.length && !transition && !detailsChanged && same(prev.ruleRefId, next.ruleRefId) && prev.toolVersion === next.toolVersion && prev.category === next.category) {
        // Equal field by field: a row stored before its digest (or under another digest function) gets the current one.
        this.rehashed.push({ id: prev.id, hash: next.contentHash! });
        this.unchanged(known, this.score(prev));
        continue;
      }
      if (changes.includes("severity")) next.dueAt = slaDueAt(next.severity, prev.firstSeenAt, this.policy);
      const p = this.score(next); // next.firstSeenAt is prev's
      next.priorityScore = p.score; next.priorityLevel = p.level;
      this.updates.push({ ...next, id: prev.id });
      const diff = Object.fromEntries(changes.map((k) => [k, { from: prev[k], to: next[k] }]));
      if (transition === FindingState.OPEN) { result.reopened++; this.ev(prev.id, FindingEventType.REOPENED, { from: prev.state, changes: diff }); }
      else if (transition === FindingState.FIXED) { result.fixed++; this.ev(prev.id, FindingEventType.FIXED, { by: scope.source, changes: diff }); }
      else if (transition === FindingState.DISMISSED) { result.dismissed++; this.ev(prev.id, FindingEventType.DISMISSED, { by: "source", reason: next.dismissReason, comment: next.dismissComment }); }
      else if (changes.length) { result.updated++; this.ev(prev.id, FindingEventType.UPDATED, { changes: diff }); }
      else result.unchanged++; // rule metadata, category or details moved: stored, but not an event
    }
  }

  /** "Fixed" is decided here: an OPEN finding a complete load of its scope no longer reports. A partial load fixes nothing. */
  fixUnreported(): void {
    this.toFix = this.scope.complete ? [...this.existing.values()].filter((e) => e.state === FindingState.OPEN).map((e) => e.id) : [];
    this.result.fixed += this.toFix.length;
    for (const id of this.toFix) this.ev(id, FindingEventType.FIXED, { by: this.scope.source, reason: "no longer reported" });
  }

  /** Everything at once, set-based, with the events in the same transaction. */
  async write(): Promise<void> {
    const { em, now, scope } = this;
    await this.inserter.done();
    await updateFindings(em, this.updates, now);
    await rescoreFindings(em, this.rescored);
    await rehashFindings(em, this.rehashed);
    await touchFindings(em, this.touched, now);
    await fixFindings(em, this.toFix, now, this.prevSeen);
    if (scope.complete) await markScopeSeen(em, scope.repositoryId, scope.analysisCategory, now);
    await appendEvents(em, this.events, now);
  }

  private async insert(next: Write): Promise<void> {
    Object.assign(next, { dueAt: slaDueAt(next.severity, next.firstSeenAt, this.policy) });
    const p = this.score(next);
    next.priorityScore = p.score; next.priorityLevel = p.level;
    const sent = this.inserter.add(next);
    this.ev(next.id!, FindingEventType.CREATED, { state: next.state, severity: next.severity, category: next.category });
    if (sent) await sent;
    this.result.created++;
    if (next.state === FindingState.DISMISSED) this.result.dismissed++;
  }

  /** One computation per distinct priority input: an upload's findings share a repository context and mostly a few rules. */
  private score(row: PriorityRow): Score {
    const d = row.details ?? {};
    const key = `${row.category}|${row.severity}|${row.state}|${row.cvssScore}|${row.vulnerabilityId}|${row.fixedVersion}|${String(d.secretValidity)}|${String(d.dependencyScope)}|${String(d.fixAvailable)}|${row.firstSeenAt.getTime()}|${row.dueAt?.getTime()}`;
    let p = this.memo.get(key);
    if (!p) { const r = this.priority.compute(row, this.ctx, this.policy, this.now); p = { score: r.score, level: r.level }; this.memo.set(key, p); }
    return p;
  }

  /** A re-sighting that changes nothing: no finding row is written (finding-seen.ts); a score the clock or the context moved is. */
  private unchanged(prev: Known, p: Score): void {
    this.result.unchanged++;
    if (p.score === prev.priorityScore && p.level === prev.priorityLevel) {
      // Still OPEN after a complete load: the scope's seen time says it was seen; no row write.
      if (!(this.scope.complete && prev.state === FindingState.OPEN)) this.touched.push(prev.id);
      return;
    }
    this.rescored.push({ id: prev.id, score: p.score, level: p.level });
    if (p.level !== prev.priorityLevel) this.ev(prev.id, FindingEventType.PRIORITY_CHANGED, { from: { score: prev.priorityScore, level: prev.priorityLevel }, to: { score: p.score, level: p.level } });
  }

  private ev(findingId: string, type: FindingEventType, payload: Record<string, unknown>): void {
    this.events.push({ findingId, organizationId: this.scope.organizationId, repositoryId: this.scope.repositoryId, type, payload });
  }
}
