import type { OrganizationTarget } from "./targets";
import { CheckParameters, fail, fromTri, pass, PostureCheckDefinition, unknown } from "./check.types";

/** GitHub organization checks (Defender for DevOps' organization recommendations). Owner-only settings unread are UNKNOWN. */
type OrgCheck<P extends CheckParameters = CheckParameters> = PostureCheckDefinition<OrganizationTarget, P>;

const DOCS = "https://docs.github.com/en/organizations";
const base = { platform: "GITHUB", targetKind: "organization", parameters: {} } as const;
const OWNER_ONLY = "(an organization owner's token is needed to read it)";

const defaultWorkflowPermissions: OrgCheck = {
  ...base, checkId: "github.org.default-workflow-permissions", title: "Workflows get a read-only token by default", severity: "HIGH",
  rationale: "The default GITHUB_TOKEN permissions apply to every workflow that declares none; write by default gives every such job push rights.",
  remediation: "Set Settings → Actions → General → Workflow permissions to \"Read repository contents and packages permissions\".",
  docsUrl: `${DOCS}/managing-organization-settings/disabling-or-limiting-github-actions-for-your-organization#setting-the-permissions-of-the-github_token-for-your-organization`,
  evaluate: ({ security: s }) => {
    const evidence = { defaultWorkflowPermissions: s.defaultWorkflowPermissions };
    if (s.defaultWorkflowPermissions === "unknown") return unknown(`the connector could not read the default workflow permissions ${OWNER_ONLY}`);
    return s.defaultWorkflowPermissions === "read" ? pass(evidence) : fail(evidence);
  },
};

const secretsAllRepositories: OrgCheck = {
  ...base, checkId: "github.org.secrets-all-repositories", title: "No Actions secret is visible to all repositories", severity: "HIGH",
  rationale: "A secret shared with all repositories reaches every workflow of every repository, including new ones and those with weak protection.",
  remediation: "Change each such secret's repository access to \"Selected repositories\", or move it into the repositories or environments that use it.",
  docsUrl: "https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions#creating-secrets-for-an-organization",
  evaluate: ({ security: s }) => {
    const n = s.secretsVisibleToAllRepositories;
    if (n === "unknown") return unknown(`the connector could not list the organization's Actions secrets ${OWNER_ONLY}`);
    return n === 0 ? pass({ secretsVisibleToAllRepositories: 0 }) : fail({ secretsVisibleToAllRepositories: n, names: s.secretNamesVisibleToAllRepositories });
  },
};

const basePermission: OrgCheck<{ allowed: string[] }> = {
  ...base, checkId: "github.org.base-permission", title: "Base permission is none or read", severity: "HIGH", parameters: { allowed: ["none", "read"] },
  rationale: "The base permission is what every member has on every repository; write or admin there makes any member account a path to any repository.",
  remediation: "Set the organization's base permissions to No permission or Read, and grant more through teams.",
  docsUrl: `${DOCS}/managing-user-access-to-your-organizations-repositories/managing-repository-roles/setting-base-permissions-for-an-organization`,
  evaluate: ({ security: s }, { allowed }) => {
    if (s.basePermission === "unknown") return unknown(`the connector could not read the base permission ${OWNER_ONLY}`);
    const evidence = { basePermission: s.basePermission, allowed };
    return allowed.includes(s.basePermission.toLowerCase()) ? pass(evidence) : fail(evidence);
  },
};

const twoFactor: OrgCheck = {
  ...base, checkId: "github.org.two-factor", title: "Two-factor authentication is required", severity: "HIGH",
  rationale: "Without the requirement, a member's stolen password is enough to act as them in the organization.",
  remediation: "Enable \"Require two-factor authentication for everyone\" in the organization's authentication security settings.",
  docsUrl: `${DOCS}/keeping-your-organization-secure/managing-two-factor-authentication-for-your-organization/requiring-two-factor-authentication-in-your-organization`,
  evaluate: ({ security: s }) => fromTri(s.twoFactorRequired, `the connector could not read the two-factor requirement ${OWNER_ONLY}`, { twoFactorRequired: s.twoFactorRequired }),
};

const multipleAdmins: OrgCheck<{ minAdmins: number }> = {
  ...base, checkId: "github.org.multiple-admins", title: "More than one person owns the organization", severity: "HIGH", parameters: { minAdmins: 2 },
  rationale: "A single owner is a single point of failure: if that account is lost or leaves, nobody can administer the organization.",
  remediation: "Give the owner role to at least one more trusted person.",
  docsUrl: `${DOCS}/managing-peoples-access-to-your-organization-with-roles/maintaining-ownership-continuity-for-your-organization`,
  evaluate: ({ security: s }, { minAdmins }) => {
    if (s.adminCount === "unknown") return unknown("the connector could not list the organization's owners");
    const evidence = { adminCount: s.adminCount, required: minAdmins };
    return s.adminCount >= minAdmins ? pass(evidence) : fail(evidence);
  },
};

export const githubOrganizationChecks: OrgCheck[] = [defaultWorkflowPermissions, secretsAllRepositories, basePermission, twoFactor, multipleAdmins];
