import { test } from "node:test";
import assert from "node:assert/strict";
import { buildSchema, getOperationAST, parse } from "graphql";
import { checkLimits, limitRules } from "./query-limits.plugin";
import { estimateCost } from "./cost-limit.plugin";
import { introspectionUse } from "./introspection.plugin";
import { maxDepthRule } from "./max-depth.rule";
import { maxAliasesRule } from "./max-aliases.rule";
import { maxDirectivesRule } from "./max-directives.rule";
import { maxFieldDuplicatesRule } from "./max-field-duplicates.rule";

const schema = buildSchema(`
  type Query { viewer: Viewer! items(first: Int, last: Int): ItemConnection! node(id: ID!): Item }
  type Viewer { name: String! items(first: Int): ItemConnection! tags: [String!]! friends: [Viewer!]! }
  type ItemConnection { edges: [ItemEdge!]! nodes: [Item!]! totalCount: Int! }
  type ItemEdge { cursor: String! node: Item! }
  type Item { id: ID! title: String! children(first: Int): ItemConnection! owner: Viewer }
`);

const limitOf = (q: string, rules = limitRules()) => {
  const e = checkLimits(schema, parse(q), rules);
  return e ? { code: e.extensions.code, limit: e.extensions.limit } : null;
};
const nest = (n: number) => "{ " + "viewer { friends { ".repeat(Math.ceil(n / 2)) + "name" + " } }".repeat(Math.ceil(n / 2)) + " }";

test("depth: default 10 passes, 11+ is LIMIT_EXCEEDED depth, through fragments too", () => {
  assert.equal(limitOf("{ viewer { friends { friends { name } } } }"), null);
  assert.deepEqual(limitOf(nest(12)), { code: "LIMIT_EXCEEDED", limit: "depth" });
  assert.deepEqual(limitOf(nest(6), [maxDepthRule({ maxDepth: 4 })]), { code: "LIMIT_EXCEEDED", limit: "depth" });
  const viaFragments = "query { viewer { ...A } } fragment A on Viewer { friends { ...B } } fragment B on Viewer { friends { friends { friends { friends { friends { friends { friends { friends { name } } } } } } } } }";
  assert.deepEqual(limitOf(viaFragments), { code: "LIMIT_EXCEEDED", limit: "depth" });
});

test("depth: circular fragments terminate (graphql-js rejects them afterwards)", () => {
  const q = "query { viewer { ...A } } fragment A on Viewer { friends { ...B } } fragment B on Viewer { friends { ...A } }";
  const t = Date.now();
  limitOf(q);
  assert.ok(Date.now() - t < 200);
});

test("aliases: 30 pass, 31 fail; fragments count each time they are spread", () => {
  const aliases = (n: number) => "{ " + Array.from({ length: n }, (_, i) => `a${i}: viewer { name }`).join(" ") + " }";
  assert.equal(limitOf(aliases(30)), null);
  assert.deepEqual(limitOf(aliases(31)), { code: "LIMIT_EXCEEDED", limit: "aliases" });
  const frag = "{ viewer { ...F ...F ...F } } fragment F on Viewer { " + Array.from({ length: 11 }, (_, i) => `n${i}: name`).join(" ") + " }";
  assert.deepEqual(limitOf(frag, [maxAliasesRule()]), { code: "LIMIT_EXCEEDED", limit: "aliases" });
});

test("directives: over 50 is LIMIT_EXCEEDED directives", () => {
  const q = (n: number) => "{ viewer { name " + "@include(if: true) ".repeat(n) + "} }";
  assert.equal(limitOf(q(50), [maxDirectivesRule()]), null);
  assert.deepEqual(limitOf(q(51), [maxDirectivesRule()]), { code: "LIMIT_EXCEEDED", limit: "directives" });
});

test("field duplication: a key repeated more than 5 times in one selection set", () => {
  assert.equal(limitOf("{ viewer { name name name } }"), null);
  assert.deepEqual(limitOf("{ viewer { " + "name ".repeat(1000) + "} }"), { code: "LIMIT_EXCEEDED", limit: "fieldDuplicates" });
  assert.deepEqual(limitOf("{ " + "__typename ".repeat(6) + "}", [maxFieldDuplicatesRule()]), { code: "LIMIT_EXCEEDED", limit: "fieldDuplicates" });
  assert.deepEqual(limitOf("{ viewer { " + "... on Viewer { name } ".repeat(6) + "} }", [maxFieldDuplicatesRule()]), { code: "LIMIT_EXCEEDED", limit: "fieldDuplicates" });
});

test("cost: first and last multiply nested costs; variables count; edges/nodes do not multiply again", () => {
  const cost = (q: string, vars: Record<string, unknown> = {}) => {
    const doc = parse(q);
    return estimateCost(schema, doc, getOperationAST(doc)!, vars);
  };
  assert.equal(cost("{ viewer { name } }"), 3);
  assert.equal(cost("{ items(first: 10) { nodes { id title } } }"), 2 + 10 * (2 + 2));
  assert.equal(cost("{ items(first: 10) { edges { node { id } } } }"), 2 + 10 * (2 + 1 * (2 + 1)));
  assert.equal(cost("{ items(last: 5) { totalCount } }"), 2 + 5 * 1);
  assert.equal(cost("{ items { totalCount } }"), 2 + 20 * 1, "default page of 20");
  assert.equal(cost("query($n: Int) { items(first: $n) { totalCount } }", { n: 50 }), 2 + 50);
  assert.equal(cost("query($n: Int = 7) { items(first: $n) { totalCount } }"), 2 + 7);
  assert.equal(cost("{ items(first: 10) { nodes { children(first: 10) { totalCount } } } }"), 2 + 10 * (2 + (2 + 10 * 1)));
  assert.equal(cost("{ viewer { tags } }"), 2 + 1, "scalar lists cost one");
  assert.equal(cost("{ viewer { friends { name } } }"), 2 + 2 + 10 * 1, "unpaged object lists count listFactor items");
  assert.ok(cost("{ items(first: 1000000) { nodes { id } } }") > 10_000);
  assert.equal(cost("{ __schema { types { name fields { name } } } }"), 0, "introspection is bounded elsewhere");
});

test("introspection use: __schema/__type found through fragments; circular list nesting counted", () => {
  const use = (q: string) => { const d = parse(q); return introspectionUse(d, getOperationAST(d)!); };
  assert.deepEqual(use("{ __typename viewer { name } }"), { used: false, nesting: 0 });
  assert.equal(use("{ ...Q } fragment Q on Query { __schema { queryType { name } } }").used, true);
  assert.equal(use("{ __type(name: \"Item\") { fields { name type { name } } } }").nesting, 1);
  assert.equal(use("{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }").nesting, 3);
});
