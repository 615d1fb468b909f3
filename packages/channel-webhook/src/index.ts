export { InboundEventSchema, ReceiptEventSchema } from './inbound/event-schemas.js';
export { MemoryReplayStore, type ReplayStore } from './inbound/replay-store.js';
export { type VerifiedWebhook, type VerifyOptions, verifyWebhook } from './inbound/verify-webhook.js';
export { type ResolvedWebhookOptions, type WebhookOptions, WebhookOptionsSchema } from './options.js';
export { type PostedResponse, postJson } from './outbound/post-json.js';
export { signEvent, type WebhookHeaders } from './outbound/sign-event.js';
export { type Resolver, systemResolver, TargetGuard, TargetRefusedError } from './outbound/target-guard.js';
export { WEBHOOK_PLUGIN, type WebhookPlugin, webhook, webhookChannelToken } from './plugin.js';
export { WebhookChannel, type WebhookChannelDependencies } from './webhook-channel.js';
