import { ValidationRule } from "graphql";
import { maxDirectivesRule as armorMaxDirectives } from "@escape.tech/graphql-armor-max-directives";
import { LimitExceededError } from "../common/errors";
import { found } from "./max-depth.rule";

export interface MaxDirectivesOptions {
  /** Directives allowed per operation, fragments included (default 50). */
  maxDirectives?: number;
}

/** Directive limit (GraphQL Armor's counter): directive overloading makes validation itself slow. */
export function maxDirectivesRule(options: MaxDirectivesOptions = {}): ValidationRule {
  const n = options.maxDirectives ?? 50;
  return armorMaxDirectives({
    n,
    onReject: [(_ctx, err) => { throw new LimitExceededError(`Query has more directives than the limit of ${n} (${found(err.message)})`, "directives"); }],
  }) as unknown as ValidationRule;
}
