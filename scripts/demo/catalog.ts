import { FindingCategory, Severity } from "../../src/common/types";

/** Realistic rule templates per category, drawn on by the demo and the scale seeder. */
export interface RuleTemplate { tool: string; ruleId: string; title: string; severity: Severity; category: FindingCategory; cwe?: string; cve?: string; cvss?: number; pkg?: string; version?: string; fixed?: string; paths: string[] }

export const RULES: RuleTemplate[] = [
  { tool: "CodeQL", ruleId: "js/sql-injection", title: "Database query built from user-controlled sources", severity: Severity.CRITICAL, category: FindingCategory.CODE, cwe: "CWE-89", cvss: 9.8, paths: ["src/routes/orders.ts", "src/db/query.ts", "api/handlers/search.js"] },
  { tool: "CodeQL", ruleId: "js/xss", title: "Client-side cross-site scripting", severity: Severity.HIGH, category: FindingCategory.CODE, cwe: "CWE-79", cvss: 7.8, paths: ["frontend/src/app/search.component.ts", "web/views/profile.tsx"] },
  { tool: "CodeQL", ruleId: "py/code-injection", title: "Code injection", severity: Severity.CRITICAL, category: FindingCategory.CODE, cwe: "CWE-94", cvss: 9.3, paths: ["app/api.py", "worker/tasks.py"] },
  { tool: "CodeQL", ruleId: "js/path-injection", title: "Uncontrolled data used in path expression", severity: Severity.HIGH, category: FindingCategory.CODE, cwe: "CWE-22", cvss: 7.5, paths: ["src/files/download.ts"] },
  { tool: "Semgrep OSS", ruleId: "javascript.express.security.audit.express-open-redirect", title: "Open redirect", severity: Severity.MEDIUM, category: FindingCategory.CODE, cwe: "CWE-601", cvss: 6.1, paths: ["src/routes/auth.ts"] },
  { tool: "Semgrep OSS", ruleId: "generic.secrets.security.detected-jwt-token", title: "Hard-coded JWT", severity: Severity.MEDIUM, category: FindingCategory.CODE, cwe: "CWE-798", cvss: 5.3, paths: ["test/fixtures/auth.json"] },
  { tool: "gitleaks", ruleId: "aws-access-key", title: "AWS access key exposed", severity: Severity.CRITICAL, category: FindingCategory.SECRET, cwe: "CWE-798", paths: ["deploy/config.env", "scripts/upload.sh"] },
  { tool: "GitHub secret scanning", ruleId: "github_personal_access_token", title: "GitHub personal access token", severity: Severity.HIGH, category: FindingCategory.SECRET, cwe: "CWE-798", paths: [".github/workflows/release.yml", "tools/ci.sh"] },
  { tool: "gitleaks", ruleId: "azure-storage-key", title: "Azure storage account key", severity: Severity.HIGH, category: FindingCategory.SECRET, cwe: "CWE-798", paths: ["infra/appsettings.json"] },
  { tool: "Dependabot", ruleId: "GHSA-jf85-cpcp-j695", title: "Prototype pollution in lodash", severity: Severity.HIGH, category: FindingCategory.DEPENDENCY, cve: "CVE-2019-10744", cvss: 9.1, pkg: "lodash", version: "4.17.11", fixed: "4.17.12", paths: ["package-lock.json"] },
  { tool: "Dependabot", ruleId: "GHSA-jfh8-c2jp-5v3q", title: "Remote code execution in Log4j", severity: Severity.CRITICAL, category: FindingCategory.DEPENDENCY, cve: "CVE-2021-44228", cvss: 10, pkg: "org.apache.logging.log4j:log4j-core", version: "2.14.1", fixed: "2.15.0", paths: ["pom.xml"] },
  { tool: "Dependabot", ruleId: "GHSA-p6mc-m468-83gw", title: "Regular expression denial of service in semver", severity: Severity.MEDIUM, category: FindingCategory.DEPENDENCY, cve: "CVE-2022-25883", cvss: 5.3, pkg: "semver", version: "7.5.1", fixed: "7.5.2", paths: ["package-lock.json"] },
  { tool: "Dependabot", ruleId: "GHSA-9wx4-h78v-vm56", title: "Requests leaks Proxy-Authorization header", severity: Severity.MEDIUM, category: FindingCategory.DEPENDENCY, cve: "CVE-2023-32681", cvss: 6.1, pkg: "requests", version: "2.28.0", fixed: "2.31.0", paths: ["requirements.txt"] },
  { tool: "Trivy", ruleId: "AWS-0086", title: "S3 bucket does not block public ACLs", severity: Severity.HIGH, category: FindingCategory.IAC, cvss: 8, paths: ["infra/main.tf", "terraform/storage.tf"] },
  { tool: "Checkov", ruleId: "CKV_AZURE_35", title: "Storage account allows access from all networks", severity: Severity.MEDIUM, category: FindingCategory.IAC, cvss: 5.5, paths: ["infra/storage.bicep"] },
  { tool: "Checkov", ruleId: "CKV_K8S_20", title: "Containers should not run with allowPrivilegeEscalation", severity: Severity.MEDIUM, category: FindingCategory.IAC, cvss: 5.5, paths: ["k8s/deployment.yaml"] },
  { tool: "Trivy", ruleId: "CVE-2024-53704", title: "SonicWall SonicOS SSLVPN improper authentication", severity: Severity.CRITICAL, category: FindingCategory.CONTAINER, cve: "CVE-2024-53704", cvss: 9.8, pkg: "sonicos", version: "7.1.1", fixed: "7.1.3", paths: ["image:api"] },
  { tool: "Trivy", ruleId: "CVE-2019-1549", title: "openssl: information disclosure in fork()", severity: Severity.MEDIUM, category: FindingCategory.CONTAINER, cve: "CVE-2019-1549", cvss: 5.3, pkg: "libssl1.1", version: "1.1.1c-r0", fixed: "1.1.1d-r0", paths: ["image:api"] },
  { tool: "Trivy", ruleId: "CVE-2023-4911", title: "glibc: buffer overflow in ld.so (Looney Tunables)", severity: Severity.HIGH, category: FindingCategory.CONTAINER, cve: "CVE-2023-4911", cvss: 7.8, pkg: "glibc", version: "2.35-0ubuntu3.3", fixed: "2.35-0ubuntu3.4", paths: ["image:worker"] },
  { tool: "Posturegraph", ruleId: "github.branch-protection", title: "Default branch is not protected", severity: Severity.HIGH, category: FindingCategory.POSTURE, paths: [".github"] },
  { tool: "Posturegraph", ruleId: "github.workflow-permissions", title: "Workflow token has write-all permissions", severity: Severity.HIGH, category: FindingCategory.POSTURE, paths: [".github/workflows/ci.yml"] },
  { tool: "Posturegraph", ruleId: "github.unpinned-action", title: "Third-party action not pinned to a commit SHA", severity: Severity.MEDIUM, category: FindingCategory.POSTURE, paths: [".github/workflows/release.yml"] },
  { tool: "Posturegraph", ruleId: "ado.fork-secrets", title: "Secrets available to builds of forks", severity: Severity.HIGH, category: FindingCategory.POSTURE, paths: ["azure-pipelines.yml"] },
];

/** KEV and EPSS facts for the demo's CVEs (KEV entries as CISA lists them). */
export const INTEL: { cve: string; kev?: { dateAdded: string; ransomware: boolean }; epss?: [number, number] }[] = [
  { cve: "CVE-2021-44228", kev: { dateAdded: "2021-12-10", ransomware: true }, epss: [0.97565, 0.99996] },
  { cve: "CVE-2024-53704", kev: { dateAdded: "2025-02-18", ransomware: false }, epss: [0.91963, 0.99] },
  { cve: "CVE-2023-4911", kev: { dateAdded: "2023-11-21", ransomware: false }, epss: [0.6712, 0.98] },
  { cve: "CVE-2019-10744", epss: [0.0316, 0.86] },
  { cve: "CVE-2022-25883", epss: [0.00112, 0.45] },
  { cve: "CVE-2023-32681", epss: [0.00383, 0.71] },
  { cve: "CVE-2019-1549", epss: [0.00454, 0.74] },
];
