import { isDeepStrictEqual } from "node:util";
import { EntityManager } from "typeorm";
import { FindingEventType, FindingState, SEVERITY_RANK } from "../common/types";
import { slaDueAt } from "../priority/index";
import { appendEvents, type EventRow } from "../events/outbox";
import { FindingInserter, FindingWrite, fixFindings, rehashFindings, rescoreFindings, touchFindings, updateFindings } from "./finding-store.sql";
import { Known, knownFindings, Stored, storedFindings } from "./finding-store.read";
import { contentHash, MATERIAL } from "./finding-hash";
import { markScopeSeen, scopeSeenAt, scopeKey } from "./finding-seen";
import { FindingInput, LoadResult, LoadScope, RuleInput } from "./finding-store.types";
import { PriorityRow, PriorityService } from "../priority";
import { numberArray, storable, textArray } from "../db/pg-array";

export type { FindingInput, LoadResult, LoadScope, RuleInput } from "./finding-store.types";


/**
 * The one load path for findings, shared by SARIF/CycloneDX uploads and
 * connectors: identity by fingerprint within (repository, analysis category),
 * lifecycle (created, updated, fixed, reopened, dismissed), stored priority,
 * and the event log — all set-based, inside the caller's transaction.
 */
export class FindingStore {
  constructor(private readonly priority: PriorityService) {}

  /** Serializes loads of one scope across transactions and server instances. */
  async lockScope(em: EntityManager, repositoryId: string, analysisCategory: string): Promise<void> {
    await em.query("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))", [repositoryId, analysisCategory]);
  }

  async upsertRules(em: EntityManager, rules: RuleInput[]): Promise<Map<string, string>> {
    const uniq = new Map(rules.map((r) => [`${r.tool}\u0000${r.ruleId}`, r]));
    if (!uniq.size) return new Map();
    const list = [...uniq.values()];
    const rows: { id: string; tool: string; rule_id: string }[] = await em.query(
      `WITH u AS (SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::text[], $5::text[], $6::text[], $7::varchar[], $8::text[], $9::real[])
                  AS u(tool, rule_id, name, short_description, full_description, help_text, help_uri, tags, security_severity)),
            ins AS (
              INSERT INTO rule (tool, rule_id, name, short_description, full_description, help_text, help_uri, tags, security_severity)
              SELECT tool, rule_id, name, short_description, full_description, help_text, help_uri,
                     CASE WHEN tags = '' THEN '{}'::text[] ELSE string_to_array(tags, chr(31)) END, security_severity FROM u
              ON CONFLICT (tool, rule_id) DO UPDATE SET name = EXCLUDED.name, short_description = EXCLUDED.short_description,
                 full_description = EXCLUDED.full_description, help_text = EXCLUDED.help_text, help_uri = EXCLUDED.help_uri,
                 tags = EXCLUDED.tags, security_severity = EXCLUDED.security_severity, updated_at = now()
              WHERE (rule.name, rule.short_description, rule.full_description, rule.help_text, rule.help_uri, rule.tags, rule.security_severity)
                    IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.short_description, EXCLUDED.full_description, EXCLUDED.help_text, EXCLUDED.help_uri, EXCLUDED.tags, EXCLUDED.security_severity)
              RETURNING id, tool, rule_id)
       SELECT id, tool, rule_id FROM ins
       UNION ALL SELECT r.id, r.tool, r.rule_id FROM rule r JOIN u ON u.tool = r.tool AND u.rule_id = r.rule_id`,
      [textArray(list.map((r) => r.tool)), textArray(list.map((r) => r.ruleId)), textArray(list.map((r) => r.name)), textArray(list.map((r) => r.shortDescription)),
        textArray(list.map((r) => r.fullDescription)), textArray(list.map((r) => r.helpText)), textArray(list.map((r) => r.helpUri)),
        textArray(list.map((r) => r.tags.join("\u001f"))), numberArray(list.map((r) => r.securitySeverity))]);
    return new Map(rows.map((r) => [`${r.tool}\u0000${r.rule_id}`, r.id]));
  }

  /** Brings every stored score up to date (after a bulk load or a policy change). */
  async refreshPriorities(em: EntityManager, now = new Date()): Promise<void> {
    await this.priority.recompute(em, { all: true }, now);
  }

  async load(em: EntityManager, scope: LoadScope, inputs: FindingInput[], rules: RuleInput[] = []): Promise<LoadResult> {
    const now = scope.now ?? new Date();
    await this.lockScope(em, scope.repositoryId, scope.analysisCategory);
    const ruleIds = await this.upsertRules(em, rules);
    const byFingerprint = new Map<string, FindingInput>();
    for (const f of inputs) byFingerprint.set(f.fingerprint, f);
    const existing = await knownFindings(em, scope);
    // The previous complete load's time: what "last seen" means for the OPEN findings it saw (finding-seen.ts).
    const key = scopeKey(scope.repositoryId, scope.analysisCategory);
    const prevSeen = scope.complete ? (await scopeSeenAt(em, [key])).get(key) ?? null : null;
    const policy = await this.priority.policy(em);
    const ctx = await this.priority.context(em, [scope.repositoryId], [...byFingerprint.values()].map((f) => f.vulnerabilityId ?? ""));

    // One computation per distinct priority input: an upload's findings share a repository context and mostly a few rules.
    const memo = new Map<string, { score: number; level: string }>();
    const score = (row: PriorityRow): { score: number; level: string } => {
      const d = row.details ?? {};
      const key = `${row.category}|${row.severity}|${row.state}|${row.cvssScore}|${row.vulnerabilityId}|${row.fixedVersion}|${String(d.secretValidity)}|${String(d.dependencyScope)}|${String(d.fixAvailable)}|${row.firstSeenAt.getTime()}|${row.dueAt?.getTime()}`;
      let p = memo.get(key);
      if (!p) { const r = this.priority.compute(row, ctx, policy, now); p = { score: r.score, level: r.level }; memo.set(key, p); }
      return p;
    };
    const result: LoadResult = { results: inputs.length, created: 0, updated: 0, unchanged: 0, fixed: 0, reopened: 0, dismissed: 0 };
    const inserter = new FindingInserter(em, scope, now);
    const updates: (FindingWrite & { id: string })[] = [];
    const rescored: { id: string; score: number; level: string }[] = [];
    const rehashed: { id: string; hash: string }[] = [];
    const touched: string[] = [];
    const events: EventRow[] = [];
    const differing: [Known, FindingWrite & { repositoryId: string }][] = [];
    const ev = (findingId: string, type: FindingEventType, payload: Record<string, unknown>) =>
      events.push({ findingId, organizationId: scope.organizationId, repositoryId: scope.repositoryId, type, payload });
    // A re-sighting that changes nothing: no finding row is written (finding-seen.ts); a score the clock or the context moved is.
    const unchanged = (prev: Known, p: { score: number; level: string }) => {
      result.unchanged++;
      if (p.score === prev.priorityScore && p.level === prev.priorityLevel) {
        // Still OPEN after a complete load: the scope's seen time says it was seen; no row write.
        if (!(scope.complete && prev.state === FindingState.OPEN)) touched.push(prev.id);
        return;
      }
      rescored.push({ id: prev.id, score: p.score, level: p.level });
      if (p.level !== prev.priorityLevel) ev(prev.id, FindingEventType.PRIORITY_CHANGED, { from: { score: prev.priorityScore, level: prev.priorityLevel }, to: { score: p.score, level: p.level } });
    };

    // In fingerprint order: new rows reach the identity index in its order (FindingInserter).
    for (const fingerprint of [...byFingerprint.keys()].sort()) {
      const input = byFingerprint.get(fingerprint)!;
      const prev = existing.get(input.fingerprint);
      const next = this.toWrite(input, prev, ruleIds.get(`${storable(input.tool)}\u0000${storable(input.ruleId)}`) ?? null, scope.repositoryId, now);
      next.contentHash = contentHash(next);
      if (!prev) {
        Object.assign(next, { dueAt: slaDueAt(next.severity, next.firstSeenAt, policy) });
        const p = score(next);
        next.priorityScore = p.score; next.priorityLevel = p.level;
        const sent = inserter.add(next);
        ev(next.id!, FindingEventType.CREATED, { state: next.state, severity: next.severity, category: next.category });
        if (sent) await sent;
        result.created++;
        if (next.state === FindingState.DISMISSED) result.dismissed++;
        continue;
      }
      existing.delete(input.fingerprint);
      // Same digest, same state: what is stored is what was reported (next carries prev's lifecycle times).
      if (prev.contentHash === next.contentHash && next.state === prev.state) unchanged(prev, score(next));
      else differing.push([prev, next]);
    }

    // The rest, field by field against the whole stored rows (read only for them).
    const stored = await storedFindings(em, scope.repositoryId, differing.map(([k]) => k));
    for (const [known, next] of differing) {
      const prev: Stored = stored.get(known.id)!;
      const changes = MATERIAL.filter((k) => !same(prev[k], next[k]));
      const detailsChanged = !isDeepStrictEqual(prev.details ?? {}, next.details ?? {}); // key order ignored, as jsonb stores them
      const transition = next.state !== prev.state ? next.state : null;
      if (!changes.length && !transition && !detailsChanged && same(prev.ruleRefId, next.ruleRefId) && prev.toolVersion === next.toolVersion && prev.category === next.category) {
        // Equal field by field: a row stored before its digest (or under another digest function) gets the current one.
        rehashed.push({ id: prev.id, hash: next.contentHash! });
        unchanged(known, score(prev));
        continue;
      }
      if (changes.includes("severity")) next.dueAt = slaDueAt(next.severity, prev.firstSeenAt, policy);
      const p = score(next); // next.firstSeenAt is prev's
      next.priorityScore = p.score; next.priorityLevel = p.level;
      updates.push({ ...next, id: prev.id });
      const diff = Object.fromEntries(changes.map((k) => [k, { from: prev[k], to: next[k] }]));
      if (transition === FindingState.OPEN) { result.reopened++; ev(prev.id, FindingEventType.REOPENED, { from: prev.state, changes: diff }); }
      else if (transition === FindingState.FIXED) { result.fixed++; ev(prev.id, FindingEventType.FIXED, { by: scope.source, changes: diff }); }
      else if (transition === FindingState.DISMISSED) { result.dismissed++; ev(prev.id, FindingEventType.DISMISSED, { by: "source", reason: next.dismissReason, comment: next.dismissComment }); }
      else if (changes.length) { result.updated++; ev(prev.id, FindingEventType.UPDATED, { changes: diff }); }
      else result.unchanged++; // rule metadata, category or details moved: stored, but not an event
    }

    const toFix = scope.complete ? [...existing.values()].filter((e) => e.state === FindingState.OPEN).map((e) => e.id) : [];
    result.fixed += toFix.length;
    for (const id of toFix) ev(id, FindingEventType.FIXED, { by: scope.source, reason: "no longer reported" });

    await inserter.done();
    await updateFindings(em, updates, now);
    await rescoreFindings(em, rescored);
    await rehashFindings(em, rehashed);
    await touchFindings(em, touched, now);
    await fixFindings(em, toFix, now, prevSeen);
    if (scope.complete) await markScopeSeen(em, scope.repositoryId, scope.analysisCategory, now);
    await appendEvents(em, events, now);
    return result;
  }

  private toWrite(input: FindingInput, prev: Known | undefined, ruleRefId: string | null, repositoryId: string, now: Date): FindingWrite & { repositoryId: string } {
    let state = FindingState.OPEN;
    let dismissReason: string | null = null, dismissComment: string | null = null, dismissedBy: string | null = null;
    let dismissedAt: Date | null = null, fixedAt: Date | null = null;
    if (input.sourceState) {
      state = input.sourceState.state;
      if (state === FindingState.DISMISSED) {
        dismissReason = input.sourceState.dismissReason ?? null; dismissComment = input.sourceState.dismissComment ?? null;
        dismissedBy = "source"; dismissedAt = input.sourceState.at ?? now;
      } else if (state === FindingState.FIXED) fixedAt = input.sourceState.at ?? now;
    } else if (input.suppressed) {
      state = FindingState.DISMISSED; dismissReason = input.suppressionReason ?? "suppressed in source"; dismissedBy = "source"; dismissedAt = now;
    }
    // A dismissal made here by a person outlives re-sightings; the source cannot undo it.
    if (prev && prev.state === FindingState.DISMISSED && prev.dismissedBy !== "source" && state === FindingState.OPEN) {
      state = prev.state; dismissReason = prev.dismissReason; dismissComment = prev.dismissComment; dismissedBy = prev.dismissedBy; dismissedAt = prev.dismissedAt;
    }
    if (prev && state === prev.state) {
      dismissedAt = prev.dismissedAt ?? dismissedAt;
      fixedAt = prev.fixedAt ?? fixedAt;
    }
    return {
      repositoryId,
      // Strings as PostgreSQL stores them (NUL, lone surrogates -> U+FFFD), so a re-upload compares equal to what was stored.
      fingerprint: input.fingerprint, category: input.category, severity: input.severity, severityRank: SEVERITY_RANK[input.severity], state,
      title: storable(input.title.slice(0, 500)), message: st(input.message), ruleId: storable(input.ruleId), ruleRefId, tool: storable(input.tool), toolVersion: st(input.toolVersion),
      path: st(input.path), startLine: input.startLine, endLine: input.endLine, startColumn: input.startColumn, endColumn: input.endColumn,
      snippet: st(input.snippet), vulnerabilityId: st(input.vulnerabilityId), cwes: input.cwes.map(storable), cvssScore: input.cvssScore, cvssVector: st(input.cvssVector),
      packageName: st(input.packageName), packageVersion: st(input.packageVersion), fixedVersion: st(input.fixedVersion), details: input.details ?? {},
      firstSeenAt: prev?.firstSeenAt ?? now, fixedAt: state === FindingState.FIXED ? fixedAt : null,
      dismissedAt: state === FindingState.DISMISSED ? dismissedAt : null, dismissReason, dismissComment, dismissedBy,
      dueAt: prev?.dueAt ?? null, priorityScore: prev?.priorityScore ?? 0, priorityLevel: prev?.priorityLevel ?? "P4", contentHash: null,
    };
  }
}

const st = (s: string | null): string | null => (s === null ? null : storable(s));

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null && b == null) return true;
  if (typeof a === "number" && typeof b === "number") return Math.abs(a - b) < 1e-6;
  return false;
}
