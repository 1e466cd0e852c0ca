import { EntityManager } from "typeorm";
import type { PriorityService } from "../priority";
import { FindingInput, LoadResult, LoadScope, RuleInput } from "./finding-store.types";
import { FindingLoad } from "./finding-load";
import { numberArray, textArray } from "../db/pg-array";

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

  /**
   * Loads one scope's findings: read what is known, sort the reported into new
   * and known, compare the known that differ, fix what a complete load no longer
   * reports, then write it all set-based with its events (finding-load.ts).
   */
  async load(em: EntityManager, scope: LoadScope, inputs: FindingInput[], rules: RuleInput[] = []): Promise<LoadResult> {
    const now = scope.now ?? new Date();
    await this.lockScope(em, scope.repositoryId, scope.analysisCategory);
    const ruleIds = await this.upsertRules(em, rules);
    const run = await FindingLoad.start(em, this.priority, scope, inputs, ruleIds, now);
    await run.sortReported();
    await run.compareDiffering();
    run.fixUnreported();
    await run.write();
    return run.result;
  }
}
