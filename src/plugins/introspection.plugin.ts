import { ApolloServerPlugin } from "@apollo/server";
import { DocumentNode, FragmentDefinitionNode, Kind, OperationDefinitionNode, SelectionSetNode } from "graphql";
import { AppError, LimitExceededError } from "../common/errors";
import { withStatus } from "./query-limits.plugin";

export interface IntrospectionOptions<T> {
  /** "admin": only callers for which isAdmin holds; "open": everyone; "off": nobody (default "admin"). */
  mode?: "admin" | "open" | "off";
  isAdmin: (context: T) => boolean;
  /**
   * How often one list field of the introspection types (types, fields,
   * interfaces, …) may appear on one path (default 1). The standard
   * introspection query repeats none; `fields { type { fields { type … } } }`
   * is the circular-introspection attack, exponential to answer.
   */
  maxListNesting?: number;
}

const INTROSPECTION_LISTS = new Set(["types", "fields", "inputFields", "interfaces", "possibleTypes", "enumValues", "directives", "args"]);

/** Whether an operation reads __schema or __type (not __typename), and the most times one introspection list field appears on a path. */
export function introspectionUse(document: DocumentNode, operation: OperationDefinitionNode): { used: boolean; nesting: number } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  let used = false;
  let nesting = 0;
  const walk = (set: SelectionSetNode, inside: boolean, seen: Map<string, number>, stack: Set<string>) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const name = sel.name.value;
        const enters = name === "__schema" || name === "__type";
        if (enters) used = true;
        if (!sel.selectionSet) continue;
        let next = seen;
        if ((inside || enters) && INTROSPECTION_LISTS.has(name)) {
          next = new Map(seen);
          const n = (seen.get(name) ?? 0) + 1;
          next.set(name, n);
          nesting = Math.max(nesting, n);
        }
        walk(sel.selectionSet, inside || enters, next, stack);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        walk(sel.selectionSet, inside, seen, stack);
      } else {
        const frag = fragments.get(sel.name.value);
        if (!frag || stack.has(frag.name.value)) continue; // cycles are graphql-js's to report
        stack.add(frag.name.value);
        walk(frag.selectionSet, inside, seen, stack);
        stack.delete(frag.name.value);
      }
    }
  };
  walk(operation.selectionSet, false, new Map(), new Set());
  return { used, nesting };
}

/**
 * Introspection as a permission: by default only admin tokens may read
 * __schema/__type (a production API need not describe itself to every
 * token). Checked after validation, before execution.
 */
export function introspectionPlugin<T extends object>(options: IntrospectionOptions<T>): ApolloServerPlugin<T> {
  const mode = options.mode ?? "admin";
  const maxNesting = options.maxListNesting ?? 1;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          if (!rc.operation) return;
          const { used, nesting } = introspectionUse(rc.document, rc.operation);
          if (!used) return;
          if (mode === "off" || (mode === "admin" && !options.isAdmin(rc.contextValue))) {
            throw withStatus(new AppError("FORBIDDEN", mode === "off" ? "Introspection is disabled" : "Introspection needs a token with the admin scope"), 403);
          }
          if (nesting > maxNesting) {
            throw withStatus(new LimitExceededError("Introspection list fields nest within themselves too often (circular introspection)", "introspection"), 400);
          }
        },
      };
    },
  };
}
