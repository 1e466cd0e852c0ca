import { AccessScope } from "../common/auth";
import { UserInputError } from "../common/errors";
import { isUuid, tryId } from "../common/ids";
import type { FindingFilter } from "../findings";
import type { LogEvent } from "./event-source";

const MAX_FILTER_VALUES = 500;

export type EventPredicate = (e: LogEvent) => boolean;

/**
 * A FindingFilter (the same input as the findings query) compiled to an
 * in-memory test of an event's current finding row, plus the token's
 * organization limits, which always apply. Everything that needs the database
 * (repository full names, internet exposure) is already on the event, read
 * once per batch.
 */
export function compileEventFilter(access: AccessScope, filter: FindingFilter | null | undefined): EventPredicate {
  const f = filter ?? {};
  for (const [key, values] of Object.entries(f)) {
    if (Array.isArray(values) && values.length > MAX_FILTER_VALUES) throw new UserInputError(`filter.${key}: at most ${MAX_FILTER_VALUES} values`);
  }
  const tests: EventPredicate[] = [];
  if (access.organizationIds !== null) {
    const orgs = new Set(access.organizationIds);
    tests.push((e) => orgs.has(e.organizationId));
  }
  const inSet = <T>(values: T[] | null | undefined, get: (e: LogEvent) => T) => {
    if (!values?.length) return;
    const set = new Set(values);
    tests.push((e) => set.has(get(e)));
  };
  inSet(f.state, (e) => e.finding.state);
  inSet(f.severity, (e) => e.finding.severity);
  inSet(f.category, (e) => e.finding.category);
  inSet(f.priorityLevel, (e) => e.finding.priorityLevel);
  inSet(f.tool, (e) => e.finding.tool);
  inSet(f.ruleId, (e) => e.finding.ruleId);
  inSet(f.vulnerabilityId, (e) => e.finding.vulnerabilityId ?? "");
  inSet(f.analysisCategory, (e) => e.finding.analysisCategory);
  if (f.minScore != null) { const min = f.minScore; tests.push((e) => e.finding.priorityScore >= min); }
  if (f.organization) {
    // Unknown IDs match nothing rather than everything (as in the findings query).
    const ids = new Set(f.organization.map((g) => tryId(g, "DevOpsOrganization")).filter((x): x is string => !!x));
    tests.push((e) => ids.has(e.organizationId));
  }
  if (f.repository) {
    const ids = new Set<string>();
    const names = new Set<string>();
    for (const r of f.repository) {
      const id = tryId(r, "Repository");
      if (id) ids.add(id);
      else if (isUuid(r)) ids.add(r.toLowerCase());
      else names.add(r.toLowerCase());
    }
    tests.push((e) => ids.has(e.repositoryId) || names.has(e.repositoryFullName.toLowerCase()));
  }
  if (f.owner) {
    const named = new Set(f.owner.filter((o) => o !== ""));
    const none = f.owner.includes("");
    tests.push((e) => (e.finding.owner == null ? none : named.has(e.finding.owner)));
  }
  if (f.internetExposed != null) { const want = f.internetExposed; tests.push((e) => e.internetExposed === want); }
  return (e) => tests.every((t) => t(e));
}
