import { Field, ID, InputType, ObjectType } from "type-graphql";
import { FindingEventType } from "../../entities/enums";
import { Webhook } from "../../entities";
import { FindingFilter } from "./finding.inputs";

@InputType("CreateWebhookInput")
export class CreateWebhookInput {
  @Field(() => String, { description: "http(s) URL; loopback, private and link-local targets are refused unless WEBHOOK_ALLOW_PRIVATE=true." }) url: string;
  @Field(() => [FindingEventType], { nullable: true, description: "Event types to deliver; absent or empty: all." }) events?: FindingEventType[];
  @Field(() => FindingFilter, { nullable: true, description: "Deliver only events whose finding matches (as in findingEvents)." }) filter?: FindingFilter;
  @Field(() => String, { nullable: true }) description?: string;
  @Field(() => String, { nullable: true, description: "An event cursor: also deliver the history after it. Default: events from now on." }) after?: string;
}

@InputType("UpdateWebhookInput")
export class UpdateWebhookInput {
  @Field(() => ID) id: string;
  @Field(() => String, { nullable: true }) url?: string;
  @Field(() => [FindingEventType], { nullable: true, description: "Empty: all types." }) events?: FindingEventType[];
  @Field(() => FindingFilter, { nullable: true, description: "null clears the filter." }) filter?: FindingFilter | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => Boolean, { nullable: true, description: "Re-enabling clears disabledReason; events queued meanwhile are delivered." }) enabled?: boolean;
  @Field(() => Boolean, { nullable: true, description: "A new secret (returned once, in the payload); the old one keeps signing beside it for 24 hours." })
  rotateSecret?: boolean;
}

@ObjectType("CreateWebhookPayload")
export class CreateWebhookPayload {
  @Field(() => Webhook) webhook: Webhook;
  @Field(() => String, { description: "The signing secret (whsec_…): shown only this once." }) secret: string;
}

@ObjectType("UpdateWebhookPayload")
export class UpdateWebhookPayload {
  @Field(() => Webhook) webhook: Webhook;
  @Field(() => String, { nullable: true, description: "The new signing secret when rotateSecret was set (shown only this once); null otherwise." }) secret: string | null;
}
