import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Context } from "../context";
import { requireUnrestricted } from "../common/auth";
import { Scope } from "../common/types";
import { expectId } from "../common/ids";
import { ConnectionResult } from "../common/pagination";
import { Connector, DevOpsOrganization, ImportRun, Repository, SyncRun } from "../entities";
import { PageArgsType } from "./types/common.args";
import { ConnectorConnection, ImportRunConnection, SyncRunConnection } from "./types/connections";
import { CreateConnectorInput, UpdateConnectorInput } from "./types/connector.inputs";

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

  // Connector mutations are for unrestricted admins: a connector decides which
  // organization its sync writes into, so a limited admin could aim one at another tenant.
  @Authorized(Scope.ADMIN)
  @Mutation(() => Connector, { description: "Creates a connector. Credentials are sealed at rest and never returned." })
  createConnector(@Arg("input", () => CreateConnectorInput) input: CreateConnectorInput, @Ctx() ctx: Context): Promise<Connector> {
    requireUnrestricted(ctx.auth);
    return ctx.services.connectors.create(input);
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => Connector, { description: "Changes a connector's URL, credentials, schedule or enabled flag." })
  updateConnector(@Arg("input", () => UpdateConnectorInput) input: UpdateConnectorInput, @Ctx() ctx: Context): Promise<Connector> {
    requireUnrestricted(ctx.auth);
    return ctx.services.connectors.update(expectId(input.id, "Connector", "input.id"), input);
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => Boolean, { description: "Deletes a connector and its run history; the data it synced stays." })
  deleteConnector(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    requireUnrestricted(ctx.auth);
    return ctx.services.connectors.delete(expectId(id, "Connector", "id"));
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => SyncRun, { description: "Starts a sync now and returns it RUNNING (or the run already in progress); poll syncRuns for the outcome." })
  triggerSync(@Arg("connectorId", () => ID) connectorId: string, @Ctx() ctx: Context): Promise<SyncRun> {
    requireUnrestricted(ctx.auth);
    return ctx.services.connectors.trigger(expectId(connectorId, "Connector", "connectorId"));
  }

  @FieldResolver(() => SyncRun, { nullable: true, description: "The latest sync run." })
  lastSyncRun(@Root() c: Connector, @Ctx() ctx: Context): Promise<SyncRun | null> {
    return ctx.loaders.lastSyncRunByConnector.load(c.id);
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
