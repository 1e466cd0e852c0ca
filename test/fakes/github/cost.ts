import {
  DocumentNode, FieldNode, FragmentDefinitionNode, getNamedType, GraphQLField, GraphQLObjectType, GraphQLSchema, isInterfaceType, isObjectType,
  Kind, SelectionSetNode, ValueNode, GraphQLNamedType, isUnionType,
} from "graphql";

/**
 * GitHub's point cost of a query (connectors.md §1.3): add up the requests
 * needed to fill each connection assuming every first/last is reached,
 * divide by 100, round, at least 1. `nodes(ids:)` multiplies what is under
 * it by the number of ids (the conservative reading).
 */
export function queryCost(schema: GraphQLSchema, doc: DocumentNode, variables: Record<string, unknown>): { cost: number; requests: number; nodeCount: number } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const op = doc.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  let requests = 0;
  let nodeCount = 0;
  const value = (v: ValueNode | undefined): unknown => {
    if (!v) return undefined;
    if (v.kind === Kind.VARIABLE) return variables[v.name.value];
    if (v.kind === Kind.INT) return Number(v.value);
    if (v.kind === Kind.LIST) return v.values.map(value);
    if (v.kind === Kind.BOOLEAN) return v.value;
    return undefined;
  };
  const skipped = (f: { directives?: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] }[] }) =>
    (f.directives ?? []).some((d) => {
      const arg = value(d.arguments?.find((a) => a.name.value === "if")?.value);
      return (d.name.value === "include" && arg === false) || (d.name.value === "skip" && arg === true);
    });
  const walk = (set: SelectionSetNode | undefined, type: GraphQLNamedType, mult: number) => {
    if (!set) return;
    for (const sel of set.selections) {
      if (skipped(sel)) continue;
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, sel.typeCondition ? schema.getType(sel.typeCondition.name.value)! : type, mult);
      } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value)!;
        walk(f.selectionSet, schema.getType(f.typeCondition.name.value)!, mult);
      } else {
        const def = fieldOf(type, sel);
        if (!def) continue;
        const named = getNamedType(def.type);
        let child = mult;
        if (named.name.endsWith("Connection")) {
          const n = Number(value(arg(sel, "first")) ?? value(arg(sel, "last")) ?? 100);
          requests += mult;
          nodeCount += mult * n;
          child = mult * n;
        } else if (sel.name.value === "nodes" && arg(sel, "ids")) {
          child = mult * ((value(arg(sel, "ids")) as unknown[] | undefined)?.length ?? 1);
        }
        walk(sel.selectionSet, named, child);
      }
    }
  };
  if (op && op.kind === Kind.OPERATION_DEFINITION) walk(op.selectionSet, schema.getQueryType()!, 1);
  return { cost: Math.max(1, Math.round(requests / 100)), requests, nodeCount };
}

function arg(f: FieldNode, name: string): ValueNode | undefined {
  return f.arguments?.find((a) => a.name.value === name)?.value;
}

function fieldOf(type: GraphQLNamedType, f: FieldNode): GraphQLField<unknown, unknown> | undefined {
  if (isObjectType(type) || isInterfaceType(type)) return (type as GraphQLObjectType).getFields()[f.name.value];
  if (isUnionType(type)) return undefined;
  return undefined;
}
