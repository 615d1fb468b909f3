import type { RapportPlugin } from '@rapport/core';
import { definePlugin, defineToken, parsePluginOptions, type TenantContext, type Token } from '@rapport/core/plugin';
import type { ReplayStore } from './inbound/replay-store.js';
import { type WebhookOptions, WebhookOptionsSchema } from './options.js';
import { WebhookChannel } from './webhook-channel.js';

/** The plugin's name, as `createCrm` errors report it. */
export const WEBHOOK_PLUGIN = '@rapport/channel-webhook';

/** The token a webhook channel with this id is provided under in the Crm's container. */
export function webhookChannelToken(id: string): Token<WebhookChannel> {
  return defineToken(`@rapport/channel-webhook:channel:${id}`);
}

/** A webhook plugin for the bridge `Id`: it adds `crm.<Id>Channel`. */
export interface WebhookPlugin<Id extends string> extends RapportPlugin {
  readonly api: Record<`${Id}Channel`, (tenant: TenantContext) => WebhookChannel>;
}

/**
 * The webhook channel plugin: `webhook({ url, secrets: ['whsec_…'] })`, one per bridge
 * (give each its own `id`). Options are checked when the Crm registers it; the channel is
 * contributed for the messaging hub under its id and reachable as `crm.<id>Channel`
 * (`crm.webhookChannel`, `crm.wechatChannel`). `replayStore` shares the seen ids across
 * processes.
 */
export const webhook = <const Id extends string = 'webhook'>(
  options: Omit<WebhookOptions, 'id'> & { id?: Id },
  extra: { replayStore?: ReplayStore } = {},
): WebhookPlugin<NoInfer<Id>> => {
  // The id is needed before registration (the contribution, the API name); the rest is checked at register time.
  const id = (typeof options.id === 'string' ? options.id : 'webhook') as Id;
  const token = webhookChannelToken(id);
  const api = { [`${id}Channel`]: (tenant: TenantContext) => tenant.resolve(token) } as Record<
    `${Id}Channel`,
    (tenant: TenantContext) => WebhookChannel
  >;
  return definePlugin({
    name: id === 'webhook' ? WEBHOOK_PLUGIN : `${WEBHOOK_PLUGIN}:${id}`,
    contributes: { channels: [{ id, token }] },
    register({ container, clock }) {
      const resolved = parsePluginOptions(WEBHOOK_PLUGIN, WebhookOptionsSchema, options);
      container.value(token, new WebhookChannel(resolved, { clock, replayStore: extra.replayStore }));
    },
    api,
  });
};
