import { extractCvss, extractPackage } from "./advisory";
import { inferCategory } from "./category";
import { computeFingerprint } from "./fingerprint";
import { cwesFromProperties, cwesFromTaxonRefs, vulnerabilityIdFrom } from "./ids";
import { resolveLocation, RunLocationContext } from "./location";
import { buildTitle, renderMessage } from "./message";
import { RuleIndex } from "./rules";
import { parseSecuritySeverity, severityFromLevel } from "./severity";
import {
  FindingCategory, IngestInputError, MAX_MESSAGE_CHARS, NormalizedFinding, ParseOptions,
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

/** One SARIF result → one finding, or null for results that are not findings (pass, absent, …). */
export function normalizeResult(result: unknown, where: string, ctx: RunContext): NormalizedFinding | null {
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
  const ruleProps = get(rule, "properties");
  const resultProps = get(result, "properties");
  const bags = [resultProps, ruleProps];

  const fullMessage = renderOrFallback(result, rule, component, ruleId, ctx);
  const msg = truncate(fullMessage, MAX_MESSAGE_CHARS);
  if (msg.truncated) ctx.warnings.once("message-truncated", `messages longer than ${MAX_MESSAGE_CHARS} characters were cut with an ellipsis`);

  const loc = resolveLocation(result, ctx.location, where);
  if (loc.snippetTruncated) ctx.warnings.once("snippet-truncated", "snippets longer than 2000 characters were cut with an ellipsis");

  const security = parseSecuritySeverity(get(resultProps, "security-severity")) ?? parseSecuritySeverity(get(ruleProps, "security-severity"));
  const level = str(get(result, "level")) ?? str(get(get(rule, "defaultConfiguration"), "level"));
  const severity = security?.severity ?? severityFromLevel(level);

  const tags = [...stringArray(get(ruleProps, "tags")), ...stringArray(get(resultProps, "tags"))].map((t) => t.toLowerCase());
  const vulnerabilityId = vulnerabilityIdFrom(ruleId, bags);
  const cwes = new Set<string>();
  cwesFromProperties(ruleProps, cwes);
  cwesFromProperties(resultProps, cwes);
  cwesFromTaxonRefs(rule, ctx.taxonomies, cwes);
  cwesFromTaxonRefs(result, ctx.taxonomies, cwes);

  const category = inferCategory({
    tool: ctx.tool, ruleId, tags, path: loc.path, vulnerabilityId, runProperties: ctx.runProperties, override: ctx.options.findingCategory,
  });
  const isPackage = category === FindingCategory.DEPENDENCY || category === FindingCategory.CONTAINER;
  const pkg = isPackage ? extractPackage(result, fullMessage, bags) : { name: null, version: null, fixed: null };
  const cvss = extractCvss(bags);
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
    title: buildTitle(rule, ruleId, fullMessage),
    message: msg.value,
    category,
    severity,
    securitySeverity: security?.score ?? null,
    path: loc.path,
    startLine: loc.startLine,
    endLine: loc.endLine,
    startColumn: loc.startColumn,
    endColumn: loc.endColumn,
    snippet: loc.snippet,
    vulnerabilityId,
    cwes: [...cwes].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))),
    packageName: pkg.name,
    packageVersion: pkg.version,
    fixedVersion: pkg.fixed,
    cvssScore: cvss.score,
    cvssVector: cvss.vector,
    suppressed: suppression.suppressed,
    suppressionReason: suppression.reason,
    kind,
  };
}
