import { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { FindingRank } from "../entities/index";

/** Raw column aliases under which withRank selects the rank, and the Finding properties they fill (manyOf extras). */
export const RANK_EXTRAS = [
  { alias: "fr_priority_score", property: "priorityScore" },
  { alias: "fr_priority_level", property: "priorityLevel" },
] as const;

/**
 * Joins a finding query (alias `f`) to its finding_rank row (alias `fr`) and
 * selects score and level: read with `manyOf(qb, RANK_EXTRAS)`, every Finding
 * the API returns carries what lists sort by.
 */
export function withRank<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, alias = "f", rank = "fr"): SelectQueryBuilder<T> {
  return qb.innerJoin(FindingRank, rank, `${rank}.finding_id = ${alias}.id`)
    .addSelect(`${rank}.priority_score`, RANK_EXTRAS[0].alias)
    .addSelect(`${rank}.priority_level`, RANK_EXTRAS[1].alias);
}
