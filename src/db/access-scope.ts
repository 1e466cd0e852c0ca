import { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { AccessScope } from "../common/auth";

/** Narrows a query to the organizations the caller may see. Every list goes through it. */
export function applyAccess<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, access: AccessScope, column: string): SelectQueryBuilder<T> {
  if (access.organizationIds !== null) {
    qb.andWhere(`${column} = ANY(:accessOrgs::uuid[])`, { accessOrgs: access.organizationIds });
  }
  return qb;
}
