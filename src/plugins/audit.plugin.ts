import { ApolloServerPlugin } from "@apollo/server";
import { FragmentDefinitionNode, Kind, OperationDefinitionNode } from "graphql";
import { redactSecrets } from "../common/redact";

export interface AuditEvent {
  operation: string | null;
  fields: string[];
  variables: Record<string, unknown> | null;
  result: string;
}

export interface AuditOptions<T> {
  /** Receives each audited operation with its context (the writer batches). */
  record: (event: AuditEvent, context: T) => void;
  /** Root fields the request touched that needed the admin scope (the auth checker notes them). */
  adminFields: (context: T) => string[];
}

/** Names of the root fields an operation selects, through fragments at the root. */
export function rootFields(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): string[] {
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (sels: OperationDefinitionNode["selectionSet"]["selections"]) => {
    for (const s of sels) {
      if (s.kind === Kind.FIELD) names.add(s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet.selections);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet.selections);
      }
    }
  };
  walk(operation.selectionSet.selections);
  return [...names];
}

/**
 * Audits every mutation and every operation that used an admin-scoped field,
 * once the response is known: result "ok" or the first error's code.
 * Variables are copied with secret-named keys redacted.
 */
export function auditPlugin<T extends object>(options: AuditOptions<T>): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const op = rc.operation;
          if (!op) return;
          const admin = options.adminFields(rc.contextValue);
          if (op.operation !== "mutation" && admin.length === 0) return;
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const d of rc.document?.definitions ?? []) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
          const body = rc.response.body;
          const errors = body.kind === "single" ? body.singleResult.errors : undefined;
          const vars = rc.request.variables;
          options.record({
            operation: op.name?.value ?? rc.request.operationName ?? null,
            fields: op.operation === "mutation" ? rootFields(op, fragments) : admin,
            variables: vars && Object.keys(vars).length ? redactSecrets(vars) as Record<string, unknown> : null,
            result: errors?.length ? String(errors[0].extensions?.code ?? "ERROR") : "ok",
          }, rc.contextValue);
        },
      };
    },
  };
}
