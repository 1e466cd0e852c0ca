import {
  bestRating, fixedFromRecommendation, inferFixedVersion, parsePurl, purlPackageName, VersionClaim, versionClaims,
} from "./cyclonedx.util";
import { hashParts, addCwes, findVulnerabilityId, checkLimits, FindingCategory, IngestInputError, MAX_MESSAGE_CHARS, ParsedFinding, parsedDetails, ParsedLog, ParseOptions, RuleRecord, Severity, arr, get, isObj, Obj, str, text, truncate, typeName, Warnings } from "../sarif";

const DEFAULT_TOOL = "cyclonedx";
const SUPPORTED_SPECS = new Set(["1.4", "1.5", "1.6"]);
const SUPPRESSING_STATES = new Set(["not_affected", "false_positive"]);
const RESOLVED_STATES = new Set(["resolved", "resolved_with_pedigree"]);

interface Statement { vuln: Obj; affect: Obj; state: string | null }
interface Pkg { name: string; version: string | null; purl: string | null }

const bad = (message: string) => new IngestInputError("INVALID_CYCLONEDX", message);

function collectComponents(list: unknown, into: Map<string, Obj>): void {
  for (const c of arr(list)) {
    if (!isObj(c)) continue;
    const ref = str(get(c, "bom-ref"));
    if (ref !== null && !into.has(ref)) into.set(ref, c);
    collectComponents(get(c, "components"), into);
  }
}

function componentPackage(c: Obj): Pkg {
  const purl = text(get(c, "purl"));
  const parsed = purl ? parsePurl(purl) : null;
  const name = str(get(c, "name")) ?? "";
  const group = text(get(c, "group"));
  const plain = group ? (group.startsWith("@") ? `${group}/${name}` : `${group}:${name}`) : name;
  return { name: parsed ? purlPackageName(parsed) : plain, version: text(get(c, "version")) ?? parsed?.version ?? null, purl };
}

/** 1.4: tools is an array; 1.5+: {components, services}. */
function toolOf(bom: Obj): { tool: string; version: string | null } {
  const tools = get(get(bom, "metadata"), "tools");
  const first = Array.isArray(tools) ? tools[0] : arr(get(tools, "components"))[0] ?? arr(get(tools, "services"))[0];
  return { tool: text(get(first, "name"))?.trim() ?? DEFAULT_TOOL, version: text(get(first, "version")) };
}

/** Parse a CycloneDX 1.4–1.6 JSON BOM/VEX: one DEPENDENCY finding per (vulnerability id, affected ref). */
export function parseCycloneDx(bom: unknown, options: ParseOptions = {}): ParsedLog {
  const { maxResults } = checkLimits(options);
  if (!isObj(bom)) throw bad(`CycloneDX BOM must be a JSON object, got ${typeName(bom)}`);
  if (get(bom, "bomFormat") !== "CycloneDX") throw bad(`bomFormat: must be "CycloneDX", got ${JSON.stringify(get(bom, "bomFormat") ?? null)}`);
  const spec = get(bom, "specVersion");
  if (typeof spec !== "string" || !SUPPORTED_SPECS.has(spec)) {
    throw new IngestInputError("UNSUPPORTED_VERSION", `only CycloneDX specVersion 1.4–1.6 is supported; found ${JSON.stringify(spec ?? null)}`);
  }
  const vulns = get(bom, "vulnerabilities");
  if (vulns !== undefined && !Array.isArray(vulns)) throw bad(`vulnerabilities: must be an array, got ${typeName(vulns)}`);

  const warnings = new Warnings();
  const components = new Map<string, Obj>();
  const subject = get(get(bom, "metadata"), "component");
  collectComponents([subject], components);
  collectComponents(get(bom, "components"), components);
  const serial = str(get(bom, "serialNumber"))?.replace(/^urn:uuid:/, "") ?? null;

  // Group statements by (id, ref): a VEX may state one vulnerability several times for different
  // version ranges of one product, and the repository holds one finding per (id, ref).
  const groups = new Map<string, { id: string; ref: string; statements: Statement[] }>();
  let pairs = 0;
  arr(vulns).forEach((v, vi) => {
    const where = `vulnerabilities[${vi}]`;
    if (!isObj(v)) throw bad(`${where}: must be an object, got ${typeName(v)}`);
    const id = text(get(v, "id"));
    if (id === null) throw bad(`${where}.id: must be a non-empty string`);
    const affects = get(v, "affects");
    if (affects !== undefined && !Array.isArray(affects)) throw bad(`${where}.affects: must be an array, got ${typeName(affects)}`);
    if (arr(affects).length === 0) {
      warnings.count("no-affects", (n, s) => `${n} vulnerabilit(ies) name no affected component and were skipped: ${s.join(", ")}`, id);
    }
    const state = str(get(get(v, "analysis"), "state"));
    arr(affects).forEach((a, ai) => {
      if (!isObj(a)) throw bad(`${where}.affects[${ai}]: must be an object, got ${typeName(a)}`);
      const ref = text(get(a, "ref"));
      if (ref === null) throw bad(`${where}.affects[${ai}].ref: must be a non-empty string`);
      if (++pairs > maxResults) throw new IngestInputError("TOO_LARGE", `vulnerabilities: more than ${maxResults} (vulnerability, component) pairs`, 413);
      const key = `${id}\u0000${ref}`;
      const g = groups.get(key) ?? { id, ref, statements: [] };
      g.statements.push({ vuln: v, affect: a, state });
      groups.set(key, g);
    });
  });

  const resolvePkg = (ref: string): Pkg => {
    const local = components.get(ref);
    if (local) return componentPackage(local);
    const link = /^urn:cdx:([^/]+)\/\d+#(.+)$/.exec(ref);
    const fragment = link ? decodeSafe(link[2]) : ref;
    if (link && serial !== null && link[1] === serial && components.has(fragment)) return componentPackage(components.get(fragment) as Obj);
    const purl = fragment.startsWith("pkg:") ? parsePurl(fragment) : null;
    warnings.count("unresolved-ref", (n, s) =>
      `${n} affected ref(s) do not resolve to a component in this BOM (e.g. ${s.join(", ")}); ${purl ? "package taken from the purl in the ref" : "the ref is kept as the package name"}`, ref);
    return purl ? { name: purlPackageName(purl), version: purl.version, purl: fragment } : { name: ref, version: null, purl: null };
  };

  const { tool, version } = toolOf(bom);
  const subjectName = text(get(subject, "name"));
  const category = options.category?.trim() || ["cyclonedx", tool === DEFAULT_TOOL ? null : tool, subjectName].filter(Boolean).join(":");
  const findings: ParsedFinding[] = [];
  const rules = new Map<string, RuleRecord>();
  let resolvedOnly = 0;
  let merged = 0;

  for (const g of groups.values()) {
    if (g.statements.length > 1) merged += g.statements.length;
    const live = g.statements.filter((s) => !RESOLVED_STATES.has(s.state ?? ""));
    if (live.length === 0) {
      resolvedOnly++;
      continue;
    }
    const open = live.filter((s) => !SUPPRESSING_STATES.has(s.state ?? ""));
    const suppressed = open.length === 0;
    const lead = suppressed ? live[0] : open[0];
    const analysis = get(lead.vuln, "analysis");
    const rating = bestRating(g.statements.flatMap((s) => arr(get(s.vuln, "ratings"))));
    if (!rating) warnings.count("no-rating", (n) => `${n} finding(s) have no usable rating; severity MEDIUM assumed`);
    const pkg = resolvePkg(g.ref);
    const affected: VersionClaim[] = open.flatMap((s) => versionClaims(s.affect)).filter((c) => c.status === null || c.status === "affected");
    const fixedCandidates = g.statements.flatMap((s) => versionClaims(s.affect)
      .filter((c) => c.version && (c.status === "unaffected" || (RESOLVED_STATES.has(s.state ?? "") && c.status !== "affected")))
      .map((c) => c.version as string));
    const recommendation = g.statements.map((s) => text(get(s.vuln, "recommendation"))).find(Boolean) ?? null;
    const cwes = new Set<string>();
    for (const s of g.statements) addCwes(cwes, arr(get(s.vuln, "cwes")));
    const description = g.statements.map((s) => text(get(s.vuln, "description"))).find(Boolean) ?? null;
    const label = pkg.version ? `${pkg.name}@${pkg.version}` : pkg.name;
    const message = truncate(description ?? text(get(analysis, "detail")) ?? `${g.id} affects ${label}`, MAX_MESSAGE_CHARS);
    if (message.truncated) warnings.once("message-truncated", `messages longer than ${MAX_MESSAGE_CHARS} characters were cut with an ellipsis`);
    const vulnId = findVulnerabilityId(g.id)
      ?? g.statements.flatMap((s) => arr(get(s.vuln, "references")).map((r) => findVulnerabilityId(str(get(r, "id"))))).find(Boolean) ?? null;
    const shortLabel = pkg.name.includes("#") ? pkg.name.slice(pkg.name.lastIndexOf("#") + 1) : label;
    const title = `${g.id} in ${shortLabel}`;

    const fixedVersion = fixedFromRecommendation(recommendation, pkg.version) ?? inferFixedVersion(affected, fixedCandidates);
    findings.push({
      fingerprint: "h:" + hashParts(["cyclonedx", g.id, g.ref]),
      tool,
      toolVersion: version,
      ruleId: g.id,
      title: title.length > 300 ? title.slice(0, 299) + "…" : title,
      message: message.value,
      category: options.findingCategory ?? FindingCategory.DEPENDENCY,
      severity: rating?.severity ?? Severity.MEDIUM,
      path: null, startLine: null, endLine: null, startColumn: null, endColumn: null, snippet: null,
      vulnerabilityId: vulnId,
      cwes: [...cwes].sort((a, b) => Number(a.slice(4)) - Number(b.slice(4))),
      packageName: pkg.name,
      packageVersion: pkg.version,
      fixedVersion,
      cvssScore: rating && /^cvss/i.test(rating.method ?? "") ? rating.score : null,
      cvssVector: rating && /^cvss/i.test(rating.method ?? "") ? rating.vector : null,
      suppressed,
      suppressionReason: suppressed ? [str(get(analysis, "justification")), text(get(analysis, "detail"))].filter(Boolean).join(": ") || null : null,
      details: parsedDetails({
        kind: "fail", securitySeverity: rating?.score ?? null, fixedVersion, purl: pkg.purl, analysisState: lead.state,
        affectedVersions: affected.map((c) => c.version ?? c.range).filter((x): x is string => x !== null),
      }),
    });
    if (!rules.has(g.id)) {
      const v = g.statements[0].vuln;
      rules.set(g.id, {
        tool, ruleId: g.id, name: g.id, shortDescription: null, fullDescription: description,
        helpText: text(get(v, "detail")) ?? recommendation, helpUri: text(get(get(v, "source"), "url")), tags: [],
        securitySeverity: rating?.score ?? null, defaultLevel: null,
      });
    }
  }
  if (merged) warnings.add(`${merged} vulnerability statements share a (vulnerability id, affected ref) with another and were merged; a pair is open if any statement is not not_affected/false_positive/resolved`);
  if (resolvedOnly) warnings.add(`${resolvedOnly} (vulnerability id, affected ref) pair(s) are only marked resolved and were not emitted`);

  return {
    runs: [{ tool, toolVersion: version, analysisCategory: category, rules: [...rules.values()], findings }],
    warnings: warnings.flush(),
    resultCount: arr(vulns).length,
  };
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
