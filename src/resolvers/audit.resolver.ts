import { Arg, Args, Authorized, Ctx, Field, ID, InputType, Query, Resolver } from "type-graphql";
import { Context } from "../context";
import { Scope } from "../common/types";
import { requireUnrestricted } from "../common/auth";
import { expectId } from "../common/ids";
import { ConnectionResult, Connection } from "../common/pagination";
import { AuditEntry } from "../entities";
import { PageArgsType } from "./types/common.args";

export const AuditEntryConnection = Connection(AuditEntry, "AuditEntry");

@InputType("AuditLogFilter")
export class AuditLogFilter {
  @Field(() => Date, { nullable: true, description: "Entries at or after this time." }) since?: Date;
  @Field(() => Date, { nullable: true, description: "Entries before this time." }) until?: Date;
  @Field(() => ID, { nullable: true, description: "Entries of this API token." }) token?: string;
  @Field(() => [String], { nullable: true, description: "Results: ok or error codes." }) result?: string[];
  @Field(() => [String], { nullable: true, description: "Entries touching any of these root fields." }) field?: string[];
}

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Authorized(Scope.ADMIN)
  @Query(() => AuditEntryConnection, { description: "The audit log, newest first (admin tokens not limited to organizations). Export: GET /audit/export?since=." })
  auditLog(@Arg("filter", () => AuditLogFilter, { nullable: true }) filter: AuditLogFilter | undefined, @Args() page: PageArgsType, @Ctx() ctx: Context): Promise<ConnectionResult<AuditEntry>> {
    requireUnrestricted(ctx.auth);
    const f = filter ?? {};
    return ctx.services.audit.list({ ...f, tokenId: f.token ? expectId(f.token, "ApiToken", "filter.token") : undefined }, page);
  }
}
