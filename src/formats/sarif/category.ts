import { FindingCategory } from "./types";
import { get } from "./values";

export interface CategoryInput {
  tool: string;
  ruleId: string;
  /** Rule and result tags, lower-cased. */
  tags: string[];
  path: string | null;
  vulnerabilityId: string | null;
  /** run.properties: Trivy image scans record imageID/imageName/repoTags there. */
  runProperties: unknown;
  override?: FindingCategory;
}

const SECRET_TOOLS = /gitleaks|trufflehog|detect-secrets|secretlint|ggshield|gitguardian|credscan|whispers|noseyparker|nosey parker|talisman|secret/i;
const IAC_TOOLS = /checkov|tfsec|kics|terrascan|template-?analyzer|cfn[-_ ]?(lint|nag)|kube-?(score|sec|linter)|tflint|snyk iac|\biac\b/i;
const DEPENDENCY_TOOLS = /dependency-check|osv-scanner|npm[- ]audit|yarn[- ]audit|pnpm[- ]audit|pip-audit|safety|bundler-audit|retire|govulncheck|cargo-audit|snyk open source|dependabot|owasp dependency/i;
const IMAGE_SCANNERS = /trivy|grype|clair|anchore|docker scout|snyk container|prisma|twistlock/i;

const SECRET_TAGS = new Set(["secret", "secrets", "secret-detection", "secret detection", "credential", "credentials"]);
const IAC_TAGS = new Set(["misconfiguration", "misconfig", "iac", "infrastructure-as-code", "terraform", "cloudformation", "kubernetes-misconfiguration"]);
const IAC_RULE_IDS = /^(CKV2?_|AVD-|KSV\d|DS\d{3}$|TFSEC|AWS-\d{4}$|AZU-\d{4}$|GCP-\d{4}$)/i;
const IAC_FILES = /\.(tf|tfvars|hcl|bicep|bicepparam)$|(^|\/)(azuredeploy[^/]*\.json|[^/]*\.template\.json|template\.json)$/i;
const MANIFEST_FILES = /(^|\/)(package-lock\.json|package\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|requirements[^/]*\.txt|pipfile(\.lock)?|poetry\.lock|pyproject\.toml|setup\.py|uv\.lock|go\.mod|go\.sum|cargo\.(lock|toml)|gemfile(\.lock)?|composer\.(json|lock)|pom\.xml|build\.gradle(\.kts)?|gradle\.lockfile|packages\.lock\.json|[^/]*\.csproj|packages\.config|paket\.lock|mix\.lock|pubspec\.lock|podfile\.lock|package\.resolved|conan\.lock|[^/]*\.jar|[^/]*\.war)$/i;
const IMAGE_PATHS = /\.(tar|tar\.gz|tgz|oci)$|@sha256:[0-9a-f]{12,}|^[a-z0-9.-]+(:\d+)?\/[a-z0-9._/-]+:[\w.-]+$/i;

function hasImageMetadata(runProps: unknown): boolean {
  return ["imageID", "imageName", "repoTags", "repoDigests", "image", "imageDigest"].some((k) => {
    const v = get(runProps, k);
    return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
  });
}

/**
 * Order matters: secrets first (a secret found inside an image or a .tf file is still a leaked
 * secret), then IaC, container, dependency; anything else is code.
 */
export function inferCategory(input: CategoryInput): FindingCategory {
  if (input.override) return input.override;
  const tags = input.tags;
  const path = input.path ?? "";

  if (SECRET_TOOLS.test(input.tool) || tags.some((t) => SECRET_TAGS.has(t))) return FindingCategory.SECRET;

  if (IAC_TOOLS.test(input.tool) || tags.some((t) => IAC_TAGS.has(t)) || IAC_RULE_IDS.test(input.ruleId) || IAC_FILES.test(path)) {
    return FindingCategory.IAC;
  }

  const isVulnerability = input.vulnerabilityId !== null || tags.includes("vulnerability");
  if (isVulnerability || IMAGE_SCANNERS.test(input.tool)) {
    if (hasImageMetadata(input.runProperties) || IMAGE_PATHS.test(path)) return FindingCategory.CONTAINER;
    if (MANIFEST_FILES.test(path) || DEPENDENCY_TOOLS.test(input.tool)) return FindingCategory.DEPENDENCY;
    // An image scanner's in-image paths (usr/lib/…) are not manifests in the repository.
    if (/grype/i.test(input.tool) && path && !MANIFEST_FILES.test(path)) return FindingCategory.CONTAINER;
    if (isVulnerability) return FindingCategory.DEPENDENCY;
  }
  // Trivy reports package licences as results tagged "license": a property of a dependency.
  if (DEPENDENCY_TOOLS.test(input.tool) || tags.includes("license")) return FindingCategory.DEPENDENCY;
  return FindingCategory.CODE;
}
