import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { Context } from "../context";
import { Scope } from "../common/types";
import { expectId } from "../common/ids";
import { UserInputError } from "../common/errors";
import { ApiToken } from "../entities";

@InputType("CreateApiTokenInput")
export class CreateApiTokenInput {
  @Field(() => String) name: string;
  @Field(() => [Scope]) scopes: Scope[];
  @Field(() => [ID], { nullable: true, description: "Limit the token to these DevOps organizations." }) organizations?: string[];
  @Field(() => Date, { nullable: true }) expiresAt?: Date;
}

@ObjectType("CreateApiTokenPayload")
export class CreateApiTokenPayload {
  @Field(() => String, { description: "The secret: shown only this once." }) token: string;
  @Field(() => ApiToken) apiToken: ApiToken;
}

@Resolver(() => ApiToken)
export class TokenResolver {
  @Authorized(Scope.ADMIN)
  @Query(() => [ApiToken], { description: "API tokens (admin); secrets are never returned." })
  apiTokens(@Ctx() ctx: Context): Promise<ApiToken[]> {
    return ctx.services.tokens.list(ctx.access);
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => CreateApiTokenPayload)
  async createApiToken(@Arg("input", () => CreateApiTokenInput) input: CreateApiTokenInput, @Ctx() ctx: Context): Promise<CreateApiTokenPayload> {
    const name = input.name.trim();
    if (!name || name.length > 100) throw new UserInputError("name: 1 to 100 characters");
    if (!input.scopes.length) throw new UserInputError("scopes: at least one scope");
    if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw new UserInputError("expiresAt: must be in the future");
    const orgIds = input.organizations?.map((g, i) => expectId(g, "DevOpsOrganization", `organizations[${i}]`));
    // An organization-limited admin cannot mint a token wider than itself.
    const limit = ctx.auth.organizationIds;
    if (limit !== null && (!orgIds?.length || orgIds.some((o) => !limit.includes(o)))) {
      throw new UserInputError("organizations: a token limited to some organizations can only create tokens limited to those");
    }
    return ctx.services.tokens.create({ name, scopes: input.scopes, organizationIds: orgIds ?? null, expiresAt: input.expiresAt ?? null });
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => ApiToken, { description: "Revokes a token at once, including its open subscriptions." })
  revokeApiToken(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<ApiToken> {
    return ctx.services.tokens.revoke(expectId(id, "ApiToken"), ctx.access);
  }
}
