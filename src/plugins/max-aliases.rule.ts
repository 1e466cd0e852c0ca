import { ValidationRule } from "graphql";
import { maxAliasesRule as armorMaxAliases } from "@escape.tech/graphql-armor-max-aliases";
import { LimitExceededError } from "../common/errors";
import { found } from "./max-depth.rule";

export interface MaxAliasesOptions {
  /** Aliases allowed per operation, fragments included (default 30). */
  maxAliases?: number;
}

/** Alias limit (GraphQL Armor's counter): stops alias bombs that multiply one expensive field. */
export function maxAliasesRule(options: MaxAliasesOptions = {}): ValidationRule {
  const n = options.maxAliases ?? 30;
  return armorMaxAliases({
    n,
    onReject: [(_ctx, err) => { throw new LimitExceededError(`Query has more aliases than the limit of ${n} (${found(err.message)})`, "aliases"); }],
  }) as unknown as ValidationRule;
}
