import { disambiguate } from "./fingerprint";
import { buildUriBases } from "./location";
import { RuleIndex } from "./rules";
import { normalizeResult, RunContext } from "./sarif.result";
import { checkLimits } from "./limits";
import { IngestInputError, ParsedFinding, ParsedLog, ParsedRun, ParseOptions, RuleRecord } from "./types";
import { arr, get, isObj, str, text, typeName } from "./values";
import { Warnings } from "./warnings";

/**
 * automationDetails.id is "category/run-id" (SARIF §3.17.4): the category is everything before
 * the last '/', so "my-cat/" (what upload-sarif writes) and "my-cat/2024-05-01" are both "my-cat".
 * An id without '/' is, per the spec, only a run instance id: using it as category would give every
 * upload its own category (and never close anything), so the tool name is used instead.
 */
export function categoryFromAutomationId(id: string): string | null {
  const slash = id.lastIndexOf("/");
  if (slash <= 0) return null;
  const category = id.slice(0, slash).replace(/\/+$/, "");
  return category === "" ? null : category;
}

// Tools known to drop the (required) tool object, recognised by their rule id scheme.
const TOOL_BY_RULE_PREFIX: [RegExp, string][] = [[/^CKV2?_/, "checkov"]];

function inferToolName(results: unknown[]): string | null {
  const ids = results.map((r) => str(get(r, "ruleId"))).filter((x): x is string => x !== null);
  if (ids.length === 0) return null;
  for (const [re, name] of TOOL_BY_RULE_PREFIX) if (ids.every((id) => re.test(id))) return name;
  return null;
}

function toolIdentity(run: Record<string, unknown>, results: unknown[], label: string, warnings: Warnings): { tool: string; version: string | null } {
  const driver = get(get(run, "tool"), "driver");
  const name = text(get(driver, "name"));
  if (name) return { tool: name.trim(), version: text(get(driver, "semanticVersion")) ?? text(get(driver, "version")) };
  const inferred = inferToolName(results);
  warnings.add(inferred
    ? `${label}: no tool.driver.name (schema-invalid); tool inferred as "${inferred}" from its rule ids`
    : `${label}: no tool.driver.name (schema-invalid); tool recorded as "unknown"`);
  return { tool: inferred ?? "unknown", version: null };
}

function analysisCategory(run: Record<string, unknown>, tool: string, options: ParseOptions, label: string, warnings: Warnings): string {
  if (options.category !== undefined && options.category.trim() !== "") return options.category.trim();
  const id = text(get(get(run, "automationDetails"), "id"));
  if (id) {
    const category = categoryFromAutomationId(id.trim());
    if (category) return category;
    warnings.add(`${label}: automationDetails.id "${id}" has no "category/" part; using the tool name "${tool}" as the analysis category`);
  }
  return tool;
}

function mergeRules(into: RuleRecord[], more: RuleRecord[]): void {
  const have = new Set(into.map((r) => r.ruleId));
  for (const r of more) if (!have.has(r.ruleId)) into.push(r);
}

/** Parse a SARIF 2.1.0 log into normalized findings grouped by (tool, analysis category). Throws IngestInputError. */
export function parseSarif(log: unknown, options: ParseOptions = {}): ParsedLog {
  const { maxRuns, maxResults } = checkLimits(options);
  if (!isObj(log)) throw new IngestInputError("INVALID_SARIF", `SARIF log must be a JSON object, got ${typeName(log)}`);
  const version = get(log, "version");
  if (version !== "2.1.0") {
    const found = version === undefined ? "no version" : `version ${JSON.stringify(version)}`;
    throw new IngestInputError("UNSUPPORTED_VERSION", `only SARIF version "2.1.0" is supported; found ${found}`);
  }
  const runs = get(log, "runs");
  if (!Array.isArray(runs)) throw new IngestInputError("INVALID_SARIF", `runs: must be an array, got ${typeName(runs)}`);
  if (runs.length > maxRuns) {
    throw new IngestInputError("TOO_LARGE", `runs: ${runs.length} runs exceed the limit of ${maxRuns} per upload`, 413);
  }

  const warnings = new Warnings();
  const groups = new Map<string, ParsedRun>();
  let resultCount = 0;

  runs.forEach((run, ri) => {
    const label = `runs[${ri}]`;
    if (!isObj(run)) throw new IngestInputError("INVALID_SARIF", `${label}: must be an object, got ${typeName(run)}`);
    const rawResults = get(run, "results");
    if (rawResults !== undefined && rawResults !== null && !Array.isArray(rawResults)) {
      throw new IngestInputError("INVALID_SARIF", `${label}.results: must be an array, got ${typeName(rawResults)}`);
    }
    if (!Array.isArray(rawResults)) {
      // SARIF §3.14.23: absent/null results mean the analysis did not complete, unlike [] (nothing
      // found). Emitting an empty run would let the loader close every open finding of the category.
      warnings.add(`${label}: results is absent (the tool did not complete); run skipped, its findings are left unchanged`);
      return;
    }
    const results = rawResults;
    if (results.length > maxResults) {
      throw new IngestInputError("TOO_LARGE", `${label}.results: ${results.length} results exceed the limit of ${maxResults} per run`, 413);
    }
    resultCount += results.length;

    const { tool, version } = toolIdentity(run, results, label, warnings);
    const category = analysisCategory(run, tool, options, label, warnings);
    const rules = new RuleIndex(get(run, "tool"), warnings, label);
    const ctx: RunContext = {
      tool,
      toolVersion: version,
      run: label,
      rules,
      location: {
        artifacts: arr(get(run, "artifacts")), bases: buildUriBases(get(run, "originalUriBaseIds")), pathCache: new Map(), warnings, run: label,
      },
      runProperties: get(run, "properties"),
      taxonomies: arr(get(run, "taxonomies")),
      options,
      warnings,
      ruleCache: new Map(),
    };

    const findings: ParsedFinding[] = [];
    for (let i = 0; i < results.length; i++) {
      const f = normalizeResult(results[i], `${label}.results[${i}]`, ctx);
      if (f) findings.push(f);
    }

    // Runs of the same tool and category are one analysis (e.g. one run per language from one upload).
    const key = `${tool}\u0000${category}`;
    const group = groups.get(key);
    if (group) {
      group.findings.push(...findings);
      mergeRules(group.rules, rules.records(tool));
      group.toolVersion = group.toolVersion ?? version;
    } else {
      groups.set(key, { tool, toolVersion: version, analysisCategory: category, rules: rules.records(tool), findings });
    }
  });

  for (const g of groups.values()) disambiguate(g.findings);
  return { runs: [...groups.values()], warnings: warnings.flush(), resultCount };
}
