import { parseSecuritySeverity } from "./severity";
import { IngestInputError, RuleRecord } from "./types";
import { arr, get, isObj, msgText, nonNegInt, str, stringArray, text, typeName } from "./values";
import { Warnings } from "./warnings";

interface Component {
  component: unknown;
  rules: unknown[];
  byId: Map<string, unknown>;
}

export interface RuleMatch {
  ruleId: string;
  /** The reportingDescriptor, or null when the result names a rule the tool never declared. */
  rule: unknown;
  /** The tool component holding the rule (for globalMessageStrings). */
  component: unknown;
}

function indexComponent(component: unknown): Component {
  const rules = arr(get(component, "rules"));
  const byId = new Map<string, unknown>();
  for (const r of rules) {
    const id = str(get(r, "id"));
    if (id !== null && !byId.has(id)) byId.set(id, r);
  }
  return { component, rules, byId };
}

/** Rule lookup for one run: by index (driver or tool.extensions[]) first, then by id. */
export class RuleIndex {
  private readonly driver: Component;
  private readonly extensions: Component[];
  /** ruleId → the descriptor results actually resolved to, so duplicate ids keep the referenced one. */
  private readonly referenced = new Map<string, unknown>();

  constructor(tool: unknown, private readonly warnings: Warnings, private readonly run: string) {
    this.driver = indexComponent(get(tool, "driver"));
    this.extensions = arr(get(tool, "extensions")).map(indexComponent);
  }

  private componentFor(ref: unknown): Component {
    const tc = get(ref, "toolComponent");
    if (tc === undefined) return this.driver;
    const idx = nonNegInt(get(tc, "index"));
    if (idx !== null && this.extensions[idx]) return this.extensions[idx];
    const name = str(get(tc, "name")), guid = str(get(tc, "guid"));
    const found = this.extensions.find((e) =>
      (name !== null && str(get(e.component, "name")) === name) || (guid !== null && str(get(e.component, "guid")) === guid));
    return found ?? this.driver;
  }

  resolve(result: unknown, where: string): RuleMatch {
    const rawId = get(result, "ruleId");
    if (rawId !== undefined && rawId !== null && typeof rawId !== "string") {
      throw new IngestInputError("INVALID_SARIF", `${where}.ruleId: must be a string, got ${typeName(rawId)}`);
    }
    const ref = get(result, "rule");
    const refId = get(ref, "id");
    if (refId !== undefined && typeof refId !== "string") {
      throw new IngestInputError("INVALID_SARIF", `${where}.rule.id: must be a string, got ${typeName(refId)}`);
    }
    const component = this.componentFor(ref);
    // SARIF uses -1 for "no index"; anything that is not a usable index is ignored.
    const index = nonNegInt(get(result, "ruleIndex")) ?? nonNegInt(get(ref, "index"));
    let id = (rawId as string | undefined) ?? (refId as string | undefined) ?? null;
    let rule: unknown = null;
    let holder: Component = component;

    if (index !== null) {
      const candidate = component.rules[index];
      if (isObj(candidate)) rule = candidate;
      else this.warnings.count(`${this.run}:dangling-rule-index`, (n) =>
        `${this.run}: ${n} result(s) use a ruleIndex with no matching rule in the tool's rules[]; matched by ruleId instead`);
    }
    const indexedId = rule === null ? null : str(get(rule, "id"));
    if (rule !== null && id !== null && indexedId !== null && indexedId !== id && !id.startsWith(indexedId + "/")) {
      this.warnings.count(`${this.run}:rule-mismatch`, (n, s) =>
        `${this.run}: ${n} result(s) have a ruleId that disagrees with their ruleIndex (${s.join(", ")}); the ruleId wins`, `${id} vs ${indexedId}`);
      rule = null;
    }
    if (rule === null && id !== null) {
      for (const c of [component, this.driver, ...this.extensions]) {
        const r = c.byId.get(id);
        if (r !== undefined) {
          rule = r;
          holder = c;
          break;
        }
      }
    }
    id = id ?? indexedId;
    if (id === null) {
      this.warnings.count(`${this.run}:no-rule`, (n) => `${this.run}: ${n} result(s) name no rule (no ruleId, no resolvable ruleIndex); ingested as rule "unknown"`);
      id = "unknown";
    } else if (rule === null) {
      this.warnings.count(`${this.run}:undeclared-rule`, (n, s) =>
        `${this.run}: ${n} result(s) reference rule ids the tool does not declare: ${s.join(", ")}`, id);
    }
    if (!this.referenced.has(id)) this.referenced.set(id, rule);
    return { ruleId: id, rule, component: holder.component };
  }

  /** One record per rule id: every declared rule, plus stubs for ids results used without declaring. */
  records(tool: string): RuleRecord[] {
    const out = new Map<string, RuleRecord>();
    for (const c of [this.driver, ...this.extensions]) {
      for (const [id, r] of c.byId) {
        if (out.has(id)) continue;
        const chosen = this.referenced.get(id);
        out.set(id, toRecord(tool, id, isObj(chosen) ? chosen : r));
      }
    }
    for (const [id, r] of this.referenced) {
      if (!out.has(id)) out.set(id, toRecord(tool, id, r));
    }
    return [...out.values()];
  }
}

function toRecord(tool: string, ruleId: string, rule: unknown): RuleRecord {
  const props = get(rule, "properties");
  const help = get(rule, "help");
  return {
    tool,
    ruleId,
    name: text(get(rule, "name")),
    shortDescription: msgText(get(rule, "shortDescription")),
    fullDescription: msgText(get(rule, "fullDescription")),
    helpText: msgText(help) ?? text(get(help, "markdown")),
    helpUri: text(get(rule, "helpUri")),
    tags: stringArray(get(props, "tags")),
    securitySeverity: parseSecuritySeverity(get(props, "security-severity"))?.score ?? null,
    defaultLevel: str(get(get(rule, "defaultConfiguration"), "level")),
  };
}
