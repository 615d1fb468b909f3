import { definePlugin, parsePluginOptions, TENANT_CONTEXT, type TenantContext } from '@rapport/core/plugin';
import { capsGuard } from './caps/caps-guard.js';
import { DISPATCH_BATCH_SIZE, dispatchBatch } from './dispatch/batch-dispatch.js';
import { DISPATCH_JOB } from './dispatch/dispatch-job.js';
import { MessageDispatcher } from './dispatch/message-dispatcher.js';
import { consentGuard } from './guards/send-guard.js';
import { suppressionGuard } from './guards/suppression-guard.js';
import { MessagesApi } from './messages-api.js';
import { type MessagingOptions, MessagingOptionsSchema, type ResolvedMessagingOptions } from './options.js';
import { ReceiptHandler } from './receipts/receipt-handler.js';
import { ChannelDirectory } from './routing/channel-directory.js';
import { MessageSender } from './send/message-sender.js';
import { messagesTable } from './tables.js';
import './status/message-events.js';

/** The plugin's name, as `createCrm` errors report it. */
export const MESSAGING_PLUGIN = '@rapport/messaging';

/** One tenant's hub: its sender, dispatcher and receipt handler over the installed channels. */
interface Hub {
  readonly api: MessagesApi;
  readonly dispatcher: MessageDispatcher;
}

/**
 * The messaging hub: `messaging({ caps, quietHours, renderer })` gives a typed `crm.messages`
 * per tenant, a `messaging_messages` outbox table, the `messaging.dispatch` job, the
 * `message.beforeSend` hook point and the `message.*` events. Channels are found through
 * the plugins' `channels` contributions.
 */
export const messaging = (options: MessagingOptions = {}) => {
  // Parsed now so the job's retry policy is known when createCrm registers the job types
  // (before `register`); a bad option still fails in `register`, naming the plugin and field.
  const early = MessagingOptionsSchema.safeParse(options);
  const parsed: ResolvedMessagingOptions = early.success ? early.data : MessagingOptionsSchema.parse({});
  const hubs = new WeakMap<TenantContext, Hub>();
  const hubFor = (tenant: TenantContext): Hub => {
    let hub = hubs.get(tenant);
    if (!hub) {
      const channels = new ChannelDirectory(() => tenant.crm);
      const guards = [suppressionGuard(), consentGuard(tenant), capsGuard(() => tenant.store, parsed.caps), ...parsed.guards];
      hub = {
        api: new MessagesApi(tenant, parsed, new MessageSender(tenant, parsed, channels), new ReceiptHandler(tenant, channels)),
        dispatcher: new MessageDispatcher(tenant, parsed, channels, guards),
      };
      hubs.set(tenant, hub);
    }
    return hub;
  };
  return definePlugin({
    name: MESSAGING_PLUGIN,
    tables: [messagesTable],
    register() {
      if (!early.success) parsePluginOptions(MESSAGING_PLUGIN, MessagingOptionsSchema, options);
    },
    jobs: {
      [DISPATCH_JOB]: {
        handler: (context) => hubFor(context.crm.container.resolve(TENANT_CONTEXT)).dispatcher.dispatch(context),
        maxAttempts: parsed.maxAttempts,
        backoffMs: parsed.backoffMs,
        maxBackoffMs: parsed.maxBackoffMs,
        batch: {
          size: DISPATCH_BATCH_SIZE,
          handler: (contexts) => {
            const tenant = (contexts[0] as (typeof contexts)[number]).crm.container.resolve(TENANT_CONTEXT);
            return dispatchBatch(tenant, hubFor(tenant).dispatcher, contexts);
          },
        },
      },
    },
    api: { messages: (tenant) => hubFor(tenant).api },
  });
};
