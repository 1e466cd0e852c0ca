import { ValidationRule } from "graphql";
import { maxDepthRule as armorMaxDepth } from "@escape.tech/graphql-armor-max-depth";
import { LimitExceededError } from "../common/errors";

export interface MaxDepthOptions {
  /** Deepest field nesting allowed (default 10). */
  maxDepth?: number;
}

/**
 * Depth limit (GraphQL Armor's counter, which follows fragments and survives
 * cycles), reporting LIMIT_EXCEEDED. Introspection is not counted here: its
 * standard query is ~13 deep; introspection.plugin.ts bounds it instead.
 */
export function maxDepthRule(options: MaxDepthOptions = {}): ValidationRule {
  const n = options.maxDepth ?? 10;
  return armorMaxDepth({
    n,
    ignoreIntrospection: true,
    onReject: [(_ctx, err) => { throw new LimitExceededError(`Query is deeper than the limit of ${n} (${found(err.message)})`, "depth"); }],
  }) as unknown as ValidationRule;
}

/** Armor's message ends in "found N."; keep the number for the client. */
export function found(message: string): string {
  const m = /found (-?\d+)/.exec(message);
  return m ? `found ${m[1]}` : "over the limit";
}
