import { Cvss, extractCvss, extractPackage } from "./advisory";
import { inferCategory } from "./category";
import { computeFingerprint } from "./fingerprint";
import { cwesFromProperties, cwesFromTaxonRefs, vulnerabilityIdFrom } from "./ids";
import { resolveLocation, RunLocationContext } from "./location";
import { messageTitle, renderMessage, ruleTitle } from "./message";
import { RuleIndex } from "./rules";
import { parseSecuritySeverity, SecuritySeverity, severityFromLevel } from "./severity";
import {
  FindingCategory, IngestInputError, MAX_MESSAGE_CHARS, ParsedFinding, parsedDetails, ParseOptions,
} from "./types";
import { arr, get, isObj, msgText, str, stringArray, text, truncate, typeName } from "./values";
import { Warnings } from "./warnings";

export interface RunContext {
  tool: string;
  toolVersion: string | null;
  run: string;
  rules: RuleIndex;
  location: RunLocationContext;
  runProperties: unknown;
  taxonomies: unknown[];
  options: ParseOptions;
  warnings: Warnings;
  /** Keyed by rule descriptor (or by id for undeclared rules). */
  ruleCache: Map<unknown, RuleFacts>;
}

// Kinds that report success or a non-issue (SARIF §3.27.9); GitHub does not alert on them either.
const NON_FINDING_KINDS = new Set(["pass", "notApplicable", "informational"]);

/** Accepted suppressions hide a result; "underReview" and "rejected" ones do not (SARIF §3.35.3). */
function suppressionOf(result: unknown): { suppressed: boolean; reason: string | null } {
  for (const s of arr(get(result, "suppressions"))) {
    const status = str(get(s, "status"));
    if (status === null || status === "accepted") {
      return { suppressed: true, reason: text(get(s, "justification")) };
    }
  }
  return { suppressed: false, reason: null };
}

function renderOrFallback(result: unknown, rule: unknown, component: unknown, ruleId: string, ctx: RunContext): string {
  const rendered = renderMessage(get(result, "message"), rule, component);
  if (rendered !== null && rendered.trim() !== "") return rendered;
  ctx.warnings.count(`${ctx.run}:no-message`, (n) =>
    `${ctx.run}: ${n} result(s) have no renderable message (no text, unknown message id); the rule description was used`);
  return msgText(get(rule, "fullDescription")) ?? msgText(get(rule, "shortDescription")) ?? ruleId;
}

interface RuleFacts {
  props: unknown;
  title: string | null;
  tags: string[];
  security: SecuritySeverity | null;
  defaultLevel: string | null;
  vulnerabilityId: string | null;
  cwes: string[];
  cvss: Cvss;
}

const sortCwes = (set: Set<string>) => [...set].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));

/** Everything a rule contributes to its findings, computed once per rule rather than once per result. */
function ruleFacts(ctx: RunContext, rule: unknown, ruleId: string): RuleFacts {
  const key = rule ?? ruleId;
  const cached = ctx.ruleCache.get(key);
  if (cached) return cached;
  const props = get(rule, "properties");
  const cwes = new Set<string>();
  cwesFromProperties(props, cwes);
  cwesFromTaxonRefs(rule, ctx.taxonomies, cwes);
  const facts: RuleFacts = {
    props,
    title: ruleTitle(rule, ruleId),
    tags: stringArray(get(props, "tags")).map((t) => t.toLowerCase()),
    security: parseSecuritySeverity(get(props, "security-severity")),
    defaultLevel: str(get(get(rule, "defaultConfiguration"), "level")),
    vulnerabilityId: vulnerabilityIdFrom(ruleId, [props]),
    cwes: sortCwes(cwes),
    cvss: extractCvss([props]),
  };
  ctx.ruleCache.set(key, facts);
  return facts;
}

/** One SARIF result → one finding, or null for results that are not findings (pass, absent, …). */
export function normalizeResult(result: unknown, where: string, ctx: RunContext): ParsedFinding | null {
  if (!isObj(result)) throw new IngestInputError("INVALID_SARIF", `${where}: must be an object, got ${typeName(result)}`);
  const kind = str(get(result, "kind")) ?? "fail";
  if (NON_FINDING_KINDS.has(kind)) {
    ctx.warnings.count(`${ctx.run}:skipped-kind`, (n) =>
      `${ctx.run}: skipped ${n} result(s) of kind pass/notApplicable/informational (they report success, not findings)`);
    return null;
  }
  if (get(result, "baselineState") === "absent") {
    ctx.warnings.count(`${ctx.run}:absent`, (n) => `${ctx.run}: skipped ${n} result(s) with baselineState "absent" (no longer present)`);
    return null;
  }

  const { ruleId, rule, component } = ctx.rules.resolve(result, where);
  const facts = ruleFacts(ctx, rule, ruleId);
  const resultProps = get(result, "properties");
  // Most results carry no property bag of their own; then every rule-derived fact is reused as is.
  const ownProps = isObj(resultProps) && Object.keys(resultProps).length > 0 ? resultProps : null;
  const bags = [resultProps, facts.props];

  const fullMessage = renderOrFallback(result, rule, component, ruleId, ctx);
  const msg = truncate(fullMessage, MAX_MESSAGE_CHARS);
  if (msg.truncated) ctx.warnings.once("message-truncated", `messages longer than ${MAX_MESSAGE_CHARS} characters were cut with an ellipsis`);

  const loc = resolveLocation(result, ctx.location, where);
  if (loc.snippetTruncated) ctx.warnings.once("snippet-truncated", "snippets longer than 2000 characters were cut with an ellipsis");

  const security = (ownProps && parseSecuritySeverity(get(ownProps, "security-severity"))) || facts.security;
  const level = str(get(result, "level")) ?? facts.defaultLevel;
  const severity = security?.severity ?? severityFromLevel(level);

  const tags = ownProps ? [...facts.tags, ...stringArray(get(ownProps, "tags")).map((t) => t.toLowerCase())] : facts.tags;
  const vulnerabilityId = ownProps ? vulnerabilityIdFrom(ruleId, bags) : facts.vulnerabilityId;
  let cwes = facts.cwes;
  if (ownProps || get(result, "taxa") !== undefined) {
    const set = new Set(cwes);
    cwesFromProperties(ownProps, set);
    cwesFromTaxonRefs(result, ctx.taxonomies, set);
    cwes = sortCwes(set);
  }

  const category = inferCategory({
    tool: ctx.tool, ruleId, tags, path: loc.path, vulnerabilityId, runProperties: ctx.runProperties, override: ctx.options.findingCategory,
  });
  const isPackage = category === FindingCategory.DEPENDENCY || category === FindingCategory.CONTAINER;
  const pkg = isPackage ? extractPackage(result, fullMessage, bags) : { name: null, version: null, fixed: null };
  const cvss = ownProps ? extractCvss(bags) : facts.cvss;
  const suppression = suppressionOf(result);

  const fingerprint = computeFingerprint({
    ruleId,
    partialFingerprints: get(result, "partialFingerprints"),
    fingerprints: get(result, "fingerprints"),
    packageKey: isPackage && pkg.name ? { name: pkg.name, version: pkg.version, target: loc.path } : null,
    path: loc.path,
    snippet: loc.snippet,
    message: fullMessage,
  });

  return {
    fingerprint,
    tool: ctx.tool,
    toolVersion: ctx.toolVersion,
    ruleId,
    title: facts.title ?? messageTitle(fullMessage, ruleId),
    message: msg.value,
    category,
    severity,
    path: loc.path,
    startLine: loc.startLine,
    endLine: loc.endLine,
    startColumn: loc.startColumn,
    endColumn: loc.endColumn,
    snippet: loc.snippet,
    vulnerabilityId,
    cwes: [...cwes],
    packageName: pkg.name,
    packageVersion: pkg.version,
    fixedVersion: pkg.fixed,
    cvssScore: cvss.score,
    cvssVector: cvss.vector,
    suppressed: suppression.suppressed,
    suppressionReason: suppression.reason,
    details: parsedDetails({ kind, securitySeverity: security?.score ?? null, fixedVersion: pkg.fixed }),
  };
}
