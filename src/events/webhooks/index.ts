export { WebhookService, type CreateWebhookInput, type UpdateWebhookInput, ROTATION_OVERLAP_MS } from "./webhook.service";
export { WebhookRunner, type RunnerOptions } from "./runner";
export { createRenderer, WEBHOOK_EVENT_DOCUMENT, type EventRenderer } from "./render";
export { generateSecret, sign, signatureHeader, signedHeaders, verify, secretBytes } from "./signature";
export { checkTarget, isPrivateAddress, guardedLookup, TargetRefusedError } from "./target-guard";
