/**
 * What GitHub rejects in a CODEOWNERS file, found offline from its text (the
 * sync stores the text, not GitHub's error list). GitHub ignores a line it
 * cannot use, so its paths silently lose their owners. Owners are checked for
 * form only: whether a user or team exists needs GitHub. Pure.
 */
const USER = /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const TEAM = /^@([A-Za-z0-9][A-Za-z0-9-]*)\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Errors as "line N: …", in file order; `org` (when given) flags teams of another organization, which GitHub cannot use. */
export function codeownersSyntaxErrors(text: string, org?: string): string[] {
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (!line || line.startsWith("#")) return;
    const [pattern, ...owners] = line.split(/\s+/);
    const at = `line ${i + 1}`;
    if (pattern.startsWith("!")) errors.push(`${at}: negation (!) is not supported in CODEOWNERS`);
    if (/\[[^\]]*\]/.test(pattern)) errors.push(`${at}: character ranges ([ ]) are not supported in CODEOWNERS`);
    if (pattern.startsWith("\\#")) errors.push(`${at}: escaping a leading # is not supported in CODEOWNERS`);
    for (const o of owners) {
      const team = TEAM.exec(o);
      if (team) {
        if (org && team[1].toLowerCase() !== org.toLowerCase()) errors.push(`${at}: team ${o} is not in the organization ${org}`);
      } else if (!USER.test(o) && !EMAIL.test(o)) errors.push(`${at}: "${o}" is not a user (@name), a team (@org/team) or an e-mail address`);
    }
  });
  return errors;
}
