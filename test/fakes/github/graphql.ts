import { execute, getNamedType, GraphQLError, GraphQLFieldResolver, GraphQLSchema, GraphQLTypeResolver, parse, validate } from "graphql";
import { queryCost } from "./cost";
import type { FakeOrg, FakeRepo } from "./data";

/** A field error GitHub-style: `errors[].type` (FORBIDDEN, NOT_FOUND…) with the partial data. */
export class FieldError extends Error {
  constructor(readonly type: string, message: string) { super(message); }
}

export interface GraphqlHooks {
  /** Called per repository field read; throw a FieldError to fail that field (e.g. FORBIDDEN alerts). */
  fieldError?: (repo: FakeRepo, field: string) => FieldError | null;
}

const cursorOf = (i: number) => Buffer.from(`cursor:${i}`).toString("base64");
const indexOf = (c: unknown) => (typeof c === "string" ? Number(Buffer.from(c, "base64").toString().split(":")[1]) + 1 : 0);

function connection(list: any[], args: Record<string, any>) {
  let items = list;
  if (Array.isArray(args.states)) items = items.filter((x) => args.states.includes(x.state));
  const start = indexOf(args.after);
  const n = args.first ?? args.last ?? 100;
  const slice = items.slice(start, start + n);
  const end = start + slice.length;
  return {
    totalCount: items.length, nodes: slice, edges: slice.map((node, i) => ({ node, cursor: cursorOf(start + i) })),
    pageInfo: { hasNextPage: end < items.length, endCursor: slice.length ? cursorOf(end - 1) : null, hasPreviousPage: start > 0, startCursor: slice.length ? cursorOf(start) : null },
  };
}

function gitObject(repo: FakeRepo, expression: string): Record<string, unknown> | null {
  if (!repo.defaultBranchRef) return null;
  const path = expression.replace(/^HEAD:/, "");
  const text = repo.files.get(path);
  if (text !== undefined) return { __typename: "Blob", oid: hashOid(path + text), text, byteSize: text.length, isBinary: false, isTruncated: false };
  const prefix = path.endsWith("/") ? path : `${path}/`;
  const entries = [...repo.files.keys()].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes("/"))
    .map((p): Record<string, unknown> => ({ __typename: "TreeEntry", name: p.slice(prefix.length), path: p, type: "blob", mode: 33188, oid: hashOid(p), object: gitObject(repo, `HEAD:${p}`) }));
  return entries.length ? { __typename: "Tree", oid: hashOid(prefix), entries } : null;
}

function hashOid(s: string): string {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(16).padStart(8, "0").repeat(5);
}

/** The fake's GraphQL endpoint: validate against GitHub's schema, cost as GitHub does, execute over the generated org. */
export class FakeGraphql {
  constructor(private readonly schema: GraphQLSchema, private readonly org: () => FakeOrg, private readonly hooks: GraphqlHooks = {}) {}

  handle(body: { query?: string; variables?: Record<string, unknown> }, rateLimit: { remaining: number; limit: number; resetAt: string }):
    { status: number; json: Record<string, unknown>; cost: number; invalid?: string[] } {
    let doc;
    try { doc = parse(body.query ?? ""); } catch (e) { return { status: 400, json: { message: `Parse error: ${(e as Error).message}` }, cost: 0, invalid: [(e as Error).message] }; }
    const errors = validate(this.schema, doc);
    if (errors.length) return { status: 400, json: { message: "Problems parsing query", errors: errors.map((e) => ({ message: e.message })) }, cost: 0, invalid: errors.map((e) => e.message) };
    const variables = body.variables ?? {};
    const { cost, nodeCount } = queryCost(this.schema, doc, variables);
    if (nodeCount > 500_000) return { status: 200, json: { errors: [{ type: "MAX_NODE_LIMIT_EXCEEDED", message: "too many nodes" }] }, cost: 0 };
    const org = this.org();
    const byId = new Map<string, any>();
    for (const r of org.repos) {
      byId.set(r.id, r);
      for (const e of r.environments) byId.set(e.id as string, e);
      for (const rs of r.repoRulesets) byId.set(rs.id as string, rs);
    }
    for (const rs of org.rulesets) byId.set(rs.id as string, rs);
    const rootValue = {
      organization: ({ login }: { login: string }) => (login.toLowerCase() === org.login.toLowerCase() ? this.orgObject(org) : null),
      nodes: ({ ids }: { ids: string[] }) => ids.map((id) => byId.get(id) ?? null),
      node: ({ id }: { id: string }) => byId.get(id) ?? null,
      securityAdvisory: ({ ghsaId }: { ghsaId: string }) => {
        const a = org.advisories.get(ghsaId);
        return a ? { __typename: "SecurityAdvisory", ghsaId: a.ghsaId, cwes: a.cwes.map((c) => ({ __typename: "CWE", ...c })) } : null;
      },
      rateLimit: { cost, limit: rateLimit.limit, remaining: rateLimit.remaining - cost, used: rateLimit.limit - rateLimit.remaining + cost, resetAt: rateLimit.resetAt, nodeCount },
    };
    const fieldResolver: GraphQLFieldResolver<any, unknown> = (source, args, _ctx, info) => {
      if (source?.__typename === "Repository") {
        const err = this.hooks.fieldError?.(source as FakeRepo, info.fieldName);
        if (err) throw err;
        const repo = source as FakeRepo;
        if (info.fieldName === "object") return gitObject(repo, args.expression);
        if (info.fieldName === "rulesets") return connection(args.includeParents ? [...org.rulesets, ...repo.repoRulesets] : repo.repoRulesets, args);
      }
      const value = source?.[info.fieldName];
      if (typeof value === "function") return value(args);
      if (getNamedType(info.returnType).name.endsWith("Connection") && Array.isArray(value)) return connection(value, args);
      return value;
    };
    const typeResolver: GraphQLTypeResolver<any, unknown> = (value) => value?.__typename;
    const result = execute({ schema: this.schema, document: doc, rootValue, variableValues: variables, fieldResolver, typeResolver }) as { data?: unknown; errors?: readonly GraphQLError[] };
    const json: Record<string, unknown> = { data: result.data ?? null };
    if (result.errors?.length) {
      json.errors = result.errors.map((e) => ({ type: (e.originalError as FieldError | undefined)?.type ?? "INTERNAL", message: e.message, path: e.path, locations: e.locations }));
    }
    return { status: 200, json, cost };
  }

  private orgObject(org: FakeOrg) {
    return {
      __typename: "Organization", id: org.id, databaseId: 4242, login: org.login, url: `https://github.com/${org.login}`,
      requiresTwoFactorAuthentication: org.settings.two_factor_requirement_enabled ?? null, viewerCanAdminister: true, membersCanForkPrivateRepositories: false,
      rulesets: org.rulesets, repositories: org.repos,
    };
  }
}
