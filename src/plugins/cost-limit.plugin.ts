import { ApolloServerPlugin, GraphQLRequestContext } from "@apollo/server";
import {
  DocumentNode, FieldNode, FragmentDefinitionNode, getNamedType, getNullableType, GraphQLCompositeType, GraphQLField,
  GraphQLList, GraphQLSchema, isCompositeType, isInterfaceType, isObjectType, Kind, OperationDefinitionNode, SelectionSetNode, ValueNode,
} from "graphql";
import { LimitExceededError } from "../common/errors";
import { withStatus } from "./query-limits.plugin";

export interface CostOptions {
  /** Highest estimated cost of one operation (default 20,000). */
  maxCost?: number;
  /** Cost of a field returning an object (GraphQL Armor's default: 2). */
  objectCost?: number;
  /** Cost of a field returning a scalar or enum (GraphQL Armor's default: 1). */
  scalarCost?: number;
  /** Items assumed for a paginated field without `first`/`last` (the server's default page, 20). */
  defaultPageSize?: number;
  /** Items assumed for a plain list field without paging arguments (default 10). */
  listFactor?: number;
}

const DEFAULTS: Required<CostOptions> = { maxCost: 20_000, objectCost: 2, scalarCost: 1, defaultPageSize: 20, listFactor: 10 };

/**
 * Estimated cost of an operation, before it runs: every selected field costs
 * objectCost or scalarCost, and the cost of what is selected under a list is
 * multiplied by its size — `first`/`last` when given (literal or variable), the
 * default page otherwise. `edges`/`nodes` of a connection are the page already
 * counted at the connection, so they multiply by one. Introspection fields are
 * not counted (introspection.plugin.ts bounds them).
 */
export function estimateCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> = {}, options: CostOptions = {}): number {
  const o = { ...DEFAULTS, ...options };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const root = operation.operation === "query" ? schema.getQueryType() : operation.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return 0;

  const intArg = (field: FieldNode, name: string): number | null => {
    const arg = field.arguments?.find((a) => a.name.value === name);
    if (!arg) return null;
    const v: ValueNode = arg.value;
    if (v.kind === Kind.INT) return Number(v.value);
    if (v.kind === Kind.VARIABLE) {
      const given = variables[v.name.value];
      if (typeof given === "number") return given;
      const def = operation.variableDefinitions?.find((d) => d.variable.name.value === v.name.value)?.defaultValue;
      return def?.kind === Kind.INT ? Number(def.value) : null;
    }
    return null;
  };

  // Fragments cannot be cyclic here (graphql-js validation ran first); the
  // depth guard only protects against a caller that skipped validation.
  const selectionCost = (set: SelectionSetNode, type: GraphQLCompositeType, depth: number): number => {
    if (depth > 100) throw new LimitExceededError("Query nesting is too deep to estimate", "cost");
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) total += fieldCost(sel, type, depth);
      else {
        const frag = sel.kind === Kind.INLINE_FRAGMENT ? sel : fragments.get(sel.name.value);
        if (!frag) continue;
        const cond = frag.typeCondition ? schema.getType(frag.typeCondition.name.value) : type;
        total += selectionCost(frag.selectionSet, cond && isCompositeType(cond) ? cond : type, depth + 1);
      }
    }
    return total;
  };

  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType, depth: number): number => {
    const name = node.name.value;
    if (name === "__schema" || name === "__type") return 0;
    if (name === "__typename") return o.scalarCost;
    const def: GraphQLField<unknown, unknown> | undefined = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
    if (!def) return o.scalarCost;
    const named = getNamedType(def.type);
    if (!node.selectionSet || !isCompositeType(named)) return o.scalarCost;
    const paged = def.args.some((a) => a.name === "first" || a.name === "last");
    let size = 1;
    if (paged) size = intArg(node, "first") ?? intArg(node, "last") ?? o.defaultPageSize;
    else if (getNullableType(def.type) instanceof GraphQLList) size = isObjectType(parent) && parent.name.endsWith("Connection") ? 1 : o.listFactor;
    return o.objectCost + Math.max(0, size) * selectionCost(node.selectionSet, named, depth + 1);
  };

  return selectionCost(operation.selectionSet, root, 0);
}

/**
 * Rejects an operation whose estimated cost is over maxCost (LIMIT_EXCEEDED,
 * limit "cost") before execution, once variables are known. `onCost` receives
 * every accepted cost (the per-token cost budget); it may throw to refuse.
 */
export function costLimitPlugin<T extends object>(options: CostOptions & { onCost?: (cost: number, rc: GraphQLRequestContext<T>) => void } = {}): ApolloServerPlugin<T> {
  const maxCost = options.maxCost ?? DEFAULTS.maxCost;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          if (!rc.operation) return;
          const cost = estimateCost(rc.schema, rc.document, rc.operation, rc.request.variables ?? {}, options);
          if (cost > maxCost) {
            throw withStatus(new LimitExceededError(`Estimated query cost ${cost} is over the limit of ${maxCost} (lower first/last or select less)`, "cost"), 400);
          }
          options.onCost?.(cost, rc);
        },
      };
    },
  };
}
