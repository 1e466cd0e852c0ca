import { LineCounter, parseDocument, isScalar } from "yaml";

/**
 * GitHub Actions workflow files → pipeline facts for posture checks: what
 * starts it, what the token may do, where jobs run, which actions and
 * reusable workflows it pulls (and whether pinned to a commit SHA), and which
 * `run:` steps interpolate github.event fields (script injection), and which
 * steps check out a pull request's head (dangerous on pull_request_target /
 * workflow_run, where the run holds secrets and a write token). Pure.
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

export interface Interpolation {
  job: string; step: number; expression: string; untrusted: boolean;
  /** 1-based line of the interpolation in the file; absent on definitions parsed before lines were recorded. */
  line?: number | null;
}

/** A step that runs code from the working tree after an untrusted checkout. */
export interface CodeRun { step: number; line: number | null; kind: "run" | "local-action" }

/** An actions/checkout step whose ref (or repository) is the pull request's head, i.e. code an outside contributor wrote. */
export interface UntrustedCheckout {
  job: string; step: number; line: number | null;
  /** The `ref:` (or `repository:`) value as written. */
  ref: string;
  /** The first later step of the same job that runs code from the checkout; null when none does. */
  runsAfter: CodeRun | null;
}

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
    /** Absent on definitions parsed before checkouts were recorded (unknown, not "none"). */
    checkoutsOfUntrustedRef?: UntrustedCheckout[];
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
// Refs (and repositories) that name the pull request's head rather than the base.
const UNTRUSTED_REF = [
  /github\.event\.pull_request\.head\.(sha|ref|repo\.full_name)/, /github\.event\.pull_request\.merge_commit_sha/, /github\.head_ref/,
  /github\.event\.workflow_run\.(head_sha|head_branch|head_commit\.id|head_repository\.full_name)/, /refs\/pull\//,
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
    definition: { permissions: null, jobs: [], actions: [], unpinnedActions: 0, runInterpolations: [], selfHostedRunners: false, parseError: null, checkoutsOfUntrustedRef: [] },
  };
  let doc: unknown;
  // A Document (not plain parse) so steps and interpolations can say which line they are on.
  const lines = new LineCounter();
  let tree: ReturnType<typeof parseDocument>;
  try {
    tree = parseDocument(text, { lineCounter: lines });
    if (tree.errors.length) throw tree.errors[0];
    doc = tree.toJS({ maxAliasCount: 100 });
  } catch (err) {
    empty.definition.parseError = (err as Error).message.split("\n")[0].slice(0, 200);
    return empty;
  }
  const lineOf = (path: (string | number)[]): number | null => {
    const node = tree.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lines.linePos(node.range[0]).line : null;
  };
  // Block literals (`run: |`) keep their lines, so the line of a match is exact; other scalars give the line they start on.
  const lineIn = (path: (string | number)[], index: number, script: string): number | null => {
    const node = tree.getIn(path, true);
    const start = lineOf(path);
    if (start === null) return null;
    if (isScalar(node) && node.type === "BLOCK_LITERAL") return start + 1 + (script.slice(0, index).match(/\n/g)?.length ?? 0);
    return start;
  };
  if (!doc || typeof doc !== "object") { empty.definition.parseError = "not a mapping"; return empty; }
  const wf = doc as Record<string, unknown>;
  const facts = empty;
  facts.name = typeof wf.name === "string" ? wf.name : fileName;
  facts.triggers = triggersOf(wf.on ?? wf.true);
  facts.definition.permissions = wf.permissions ?? null;
  const jobs = wf.jobs && typeof wf.jobs === "object" ? (wf.jobs as Record<string, Record<string, unknown>>) : {};
  const untrustedCheckouts: UntrustedCheckout[] = [];
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
    const checkouts: UntrustedCheckout[] = [];
    steps.forEach((step, i) => {
      if (!step || typeof step !== "object") return;
      const at = ["jobs", id, "steps", i];
      const withs = step.with && typeof step.with === "object" ? (step.with as Record<string, unknown>) : {};
      if (typeof step.uses === "string") {
        const ref = parseUses(step.uses, id, i);
        facts.definition.actions.push(ref);
        const untrusted = [withs.ref, withs.repository].find((v): v is string => typeof v === "string" && UNTRUSTED_REF.some((r) => r.test(v)));
        if (ref.kind === "action" && ref.name.toLowerCase() === "actions/checkout" && untrusted) checkouts.push({ job: id, step: i, line: lineOf(at), ref: untrusted, runsAfter: null });
      }
      // Code from the working tree runs in a run: step or a local action; the first one after each open checkout is recorded.
      const runs: CodeRun["kind"] | null = typeof step.run === "string" ? "run" : typeof step.uses === "string" && /^\.[/\\]/.test(step.uses.trim()) ? "local-action" : null;
      if (runs) for (const c of checkouts) if (c.step < i && !c.runsAfter) c.runsAfter = { step: i, line: lineOf(at), kind: runs };
      const scripts: { path: (string | number)[]; text: string }[] = [];
      if (typeof step.run === "string") scripts.push({ path: [...at, "run"], text: step.run });
      if (typeof withs.script === "string") scripts.push({ path: [...at, "with", "script"], text: withs.script });
      for (const script of scripts) {
        for (const m of script.text.matchAll(EXPRESSION)) {
          const expression = m[1].trim();
          if (!/github\.(event\.|head_ref)/.test(expression)) continue;
          facts.definition.runInterpolations.push({ job: id, step: i, expression, untrusted: UNTRUSTED.some((r) => r.test(expression)), line: lineIn(script.path, m.index ?? 0, script.text) });
        }
      }
    });
    untrustedCheckouts.push(...checkouts);
  }
  facts.definition.checkoutsOfUntrustedRef = untrustedCheckouts;
  facts.definition.unpinnedActions = facts.definition.actions.filter((a) => !a.pinned).length;
  facts.definition.selfHostedRunners = facts.definition.jobs.some((j) => j.selfHosted);
  return facts;
}

export const isWorkflowFile = (name: string) => /\.ya?ml$/i.test(name);
