import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Context } from "../common/context";
import { Scope } from "../common/types";
import { expectId } from "../common/ids";
import { ConnectionResult } from "../common/pagination";
import { Connector, DevOpsOrganization, ImportRun, Repository, SyncRun } from "../entities";
import { PageArgsType } from "./types/common.args";
import { ConnectorConnection, ImportRunConnection, SyncRunConnection } from "./types/connections";

@Resolver(() => Connector)
export class ConnectorResolver {
  @Authorized(Scope.ADMIN)
  @Query(() => ConnectorConnection, { description: "Configured connectors (admin)." })
  connectors(@Args() page: PageArgsType, @Ctx() ctx: Context): Promise<ConnectionResult<Connector>> {
    return ctx.services.inventory.connectors(ctx.access, page);
  }

  @Authorized(Scope.READ)
  @Query(() => SyncRunConnection, { description: "Connector sync runs, newest first." })
  syncRuns(@Arg("connectorId", () => ID, { nullable: true }) connectorId: string | undefined, @Args() page: PageArgsType, @Ctx() ctx: Context): Promise<ConnectionResult<SyncRun>> {
    return ctx.services.inventory.syncRuns(ctx.access, connectorId ? expectId(connectorId, "Connector", "connectorId") : null, page);
  }

  @Authorized(Scope.READ)
  @Query(() => ImportRunConnection, { description: "SARIF and CycloneDX uploads, newest first." })
  importRuns(@Arg("repository", () => ID, { nullable: true }) repository: string | undefined, @Args() page: PageArgsType, @Ctx() ctx: Context): Promise<ConnectionResult<ImportRun>> {
    return ctx.services.inventory.importRuns(ctx.access, repository ? expectId(repository, "Repository", "repository") : null, page);
  }

  @FieldResolver(() => DevOpsOrganization, { nullable: true })
  devopsOrganization(@Root() c: Connector, @Ctx() ctx: Context): Promise<DevOpsOrganization | null> | null {
    return c.organizationId ? ctx.loaders.organization.load(c.organizationId) : null;
  }
}

@Resolver(() => SyncRun)
export class SyncRunResolver {
  @FieldResolver(() => Connector, { nullable: true })
  connector(@Root() s: SyncRun, @Ctx() ctx: Context): Promise<Connector | null> {
    return ctx.loaders.connector.load(s.connectorId);
  }
}

@Resolver(() => ImportRun)
export class ImportRunResolver {
  @FieldResolver(() => Repository, { nullable: true })
  repository(@Root() i: ImportRun, @Ctx() ctx: Context): Promise<Repository | null> {
    return ctx.loaders.repository.load(i.repositoryId);
  }
}
