import { parse } from "yaml";

/**
 * GitHub Actions workflow files → pipeline facts for posture checks: what
 * starts it, what the token may do, where jobs run, which actions and
 * reusable workflows it pulls (and whether pinned to a commit SHA), and which
 * `run:` steps interpolate github.event fields (script injection). Pure.
 */
export interface ActionRef {
  uses: string;
  kind: "action" | "reusable-workflow" | "docker" | "local";
  /** owner/repo[/path] or image. */
  name: string;
  ref: string | null;
  /** Pinned to a full commit SHA (or an image digest). */
  pinned: boolean;
  job: string;
  step: number | null;
}

export interface Interpolation { job: string; step: number; expression: string; untrusted: boolean }

export interface WorkflowFacts {
  name: string;
  triggers: string[];
  definition: {
    /** Top-level `permissions` as written; null when absent (the organization default applies). */
    permissions: unknown;
    jobs: { id: string; runsOn: string[]; selfHosted: boolean; permissions: unknown; environment: string | null; uses: string | null }[];
    actions: ActionRef[];
    unpinnedActions: number;
    runInterpolations: Interpolation[];
    selfHostedRunners: boolean;
    parseError: string | null;
  };
}

// Fields of github.event an outside contributor controls (GitHub Security Lab's list).
const UNTRUSTED = [
  /github\.event\.issue\.(title|body)/, /github\.event\.pull_request\.(title|body)/, /github\.event\.pull_request\.head\.(ref|label)/,
  /github\.event\.pull_request\.head\.repo\.default_branch/, /github\.event\.comment\.body/, /github\.event\.review\.body/,
  /github\.event\.review_comment\.body/, /github\.event\.pages\.[^}]*\.page_name/, /github\.event\.commits\.[^}]*\.(message|author\.(email|name))/,
  /github\.event\.head_commit\.(message|author\.(email|name))/, /github\.event\.workflow_run\.(head_branch|head_commit\.(message|author\.(email|name)))/,
  /github\.event\.discussion\.(title|body)/, /github\.head_ref/,
];
const EXPRESSION = /\$\{\{([^}]*)\}\}/g;
const SHA = /^[0-9a-f]{40}$/i;

export function parseUses(uses: string, job: string, step: number | null): ActionRef {
  const u = uses.trim();
  if (u.startsWith("./") || u.startsWith(".\\")) return { uses: u, kind: "local", name: u, ref: null, pinned: true, job, step };
  if (u.startsWith("docker://")) {
    const image = u.slice("docker://".length);
    return { uses: u, kind: "docker", name: image.replace(/[@:][^/]*$/, ""), ref: image.includes("@") ? image.split("@")[1] : image.split(":")[1] ?? null, pinned: /@sha256:[0-9a-f]{64}$/.test(image), job, step };
  }
  const at = u.lastIndexOf("@");
  const name = at > 0 ? u.slice(0, at) : u;
  const ref = at > 0 ? u.slice(at + 1) : null;
  const kind = /\.github\/workflows\/[^/]+\.ya?ml$/.test(name) ? "reusable-workflow" : "action";
  return { uses: u, kind, name, ref, pinned: !!ref && SHA.test(ref), job, step };
}

function triggersOf(on: unknown): string[] {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.filter((x): x is string => typeof x === "string");
  if (on && typeof on === "object") return Object.keys(on);
  return [];
}

function runnerLabels(runsOn: unknown): string[] {
  if (typeof runsOn === "string") return [runsOn];
  if (Array.isArray(runsOn)) return runsOn.map(String);
  if (runsOn && typeof runsOn === "object") {
    const o = runsOn as { group?: unknown; labels?: unknown };
    return [...(o.group ? [`group:${String(o.group)}`] : []), ...runnerLabels(o.labels)];
  }
  return [];
}

const HOSTED = /^(ubuntu|windows|macos)-[\w.-]+$|^\$\{\{/;
function isSelfHosted(labels: string[]): boolean {
  return labels.some((l) => l === "self-hosted" || l.startsWith("group:")) || (labels.length > 0 && !labels.every((l) => HOSTED.test(l)));
}

export function parseWorkflow(path: string, text: string): WorkflowFacts {
  const fileName = path.split("/").pop() ?? path;
  const empty: WorkflowFacts = {
    name: fileName, triggers: [],
    definition: { permissions: null, jobs: [], actions: [], unpinnedActions: 0, runInterpolations: [], selfHostedRunners: false, parseError: null },
  };
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (err) {
    empty.definition.parseError = (err as Error).message.split("\n")[0].slice(0, 200);
    return empty;
  }
  if (!doc || typeof doc !== "object") { empty.definition.parseError = "not a mapping"; return empty; }
  const wf = doc as Record<string, unknown>;
  const facts = empty;
  facts.name = typeof wf.name === "string" ? wf.name : fileName;
  facts.triggers = triggersOf(wf.on ?? wf.true);
  facts.definition.permissions = wf.permissions ?? null;
  const jobs = wf.jobs && typeof wf.jobs === "object" ? (wf.jobs as Record<string, Record<string, unknown>>) : {};
  for (const [id, job] of Object.entries(jobs)) {
    if (!job || typeof job !== "object") continue;
    const labels = runnerLabels(job["runs-on"]);
    const env = job.environment;
    const jobUses = typeof job.uses === "string" ? job.uses : null;
    facts.definition.jobs.push({
      id, runsOn: labels, selfHosted: isSelfHosted(labels), permissions: job.permissions ?? null,
      environment: typeof env === "string" ? env : env && typeof env === "object" ? String((env as { name?: unknown }).name ?? "") || null : null,
      uses: jobUses,
    });
    if (jobUses) facts.definition.actions.push(parseUses(jobUses, id, null));
    const steps = Array.isArray(job.steps) ? (job.steps as Record<string, unknown>[]) : [];
    steps.forEach((step, i) => {
      if (!step || typeof step !== "object") return;
      if (typeof step.uses === "string") facts.definition.actions.push(parseUses(step.uses, id, i));
      const scripts = [step.run, (step.with as Record<string, unknown> | undefined)?.script].filter((x): x is string => typeof x === "string");
      for (const script of scripts) {
        for (const m of script.matchAll(EXPRESSION)) {
          const expression = m[1].trim();
          if (!/github\.(event\.|head_ref)/.test(expression)) continue;
          facts.definition.runInterpolations.push({ job: id, step: i, expression, untrusted: UNTRUSTED.some((r) => r.test(expression)) });
        }
      }
    });
  }
  facts.definition.unpinnedActions = facts.definition.actions.filter((a) => !a.pinned).length;
  facts.definition.selfHostedRunners = facts.definition.jobs.some((j) => j.selfHosted);
  return facts;
}

export const isWorkflowFile = (name: string) => /\.ya?ml$/i.test(name);
