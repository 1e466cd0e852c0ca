import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { Context } from "../context";
import { requireUnrestricted } from "../common/auth";
import { Scope } from "../common/types";
import { expectId } from "../common/ids";
import { ConnectionResult } from "../common/pagination";
import { Webhook, WebhookDelivery } from "../entities";
import { PageArgsType } from "./types/common.args";
import { WebhookConnection, WebhookDeliveryConnection } from "./types/connections";
import { CreateWebhookInput, CreateWebhookPayload, UpdateWebhookInput, UpdateWebhookPayload } from "./types/webhook.inputs";

// Webhooks deliver events of every organization: for unrestricted admins only (as connectors).
@Resolver(() => Webhook)
export class WebhookResolver {
  @Authorized(Scope.ADMIN)
  @Query(() => WebhookConnection, { description: "Configured webhooks (admin); secrets are never returned." })
  webhooks(@Args() page: PageArgsType, @Ctx() ctx: Context): Promise<ConnectionResult<Webhook>> {
    requireUnrestricted(ctx.auth);
    return ctx.services.webhooks.list(page);
  }

  @Authorized(Scope.ADMIN)
  @Query(() => WebhookDeliveryConnection, { description: "A webhook's deliveries, newest event first (admin)." })
  webhookDeliveries(@Arg("webhook", () => ID) webhook: string, @Args() page: PageArgsType, @Ctx() ctx: Context): Promise<ConnectionResult<WebhookDelivery>> {
    requireUnrestricted(ctx.auth);
    return ctx.services.webhooks.deliveries(expectId(webhook, "Webhook", "webhook"), page);
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => CreateWebhookPayload, { description: "Creates a webhook; the signing secret is returned only this once." })
  createWebhook(@Arg("input", () => CreateWebhookInput) input: CreateWebhookInput, @Ctx() ctx: Context): Promise<CreateWebhookPayload> {
    requireUnrestricted(ctx.auth);
    return ctx.services.webhooks.create(input);
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => UpdateWebhookPayload, { description: "Changes a webhook; with rotateSecret, returns its new secret (once)." })
  updateWebhook(@Arg("input", () => UpdateWebhookInput) input: UpdateWebhookInput, @Ctx() ctx: Context): Promise<UpdateWebhookPayload> {
    requireUnrestricted(ctx.auth);
    return ctx.services.webhooks.update(expectId(input.id, "Webhook", "input.id"), input);
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => Boolean, { description: "Deletes a webhook and its deliveries." })
  deleteWebhook(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    requireUnrestricted(ctx.auth);
    return ctx.services.webhooks.delete(expectId(id, "Webhook", "id"));
  }

  @Authorized(Scope.ADMIN)
  @Mutation(() => WebhookDelivery, { description: "Queues a delivery again, due now, with a fresh retry schedule; the webhook-id stays the same." })
  redeliverWebhook(@Arg("delivery", () => ID) delivery: string, @Ctx() ctx: Context): Promise<WebhookDelivery> {
    requireUnrestricted(ctx.auth);
    return ctx.services.webhooks.redeliver(expectId(delivery, "WebhookDelivery", "delivery"));
  }
}
