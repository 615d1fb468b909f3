import { definePlugin, defineToken, parsePluginOptions, type Token } from '@rapport/core/plugin';
import { type SmsOptions, SmsOptionsSchema } from './options.js';
import { SmsChannel } from './sms-channel.js';

/** The plugin's name, as `createCrm` errors report it. */
export const SMS_PLUGIN = '@rapport/channel-sms';

/** The token the SMS channel is provided under in the Crm's container. */
export const SMS_CHANNEL: Token<SmsChannel> = defineToken('@rapport/channel-sms:channel');

/**
 * The SMS channel plugin: `sms({ provider: { kind: 'twilio', … }, from: '+1…' })`. Options
 * are checked when the Crm registers it; the channel is contributed for the messaging hub
 * and reachable as `crm.smsChannel`, reading the time from the Crm's clock.
 */
export const sms = (options: SmsOptions) =>
  definePlugin({
    name: SMS_PLUGIN,
    contributes: { channels: [{ id: 'sms', token: SMS_CHANNEL }] },
    register({ container, clock }) {
      container.value(SMS_CHANNEL, new SmsChannel(parsePluginOptions(SMS_PLUGIN, SmsOptionsSchema, options), clock));
    },
    api: { smsChannel: (tenant) => tenant.resolve(SMS_CHANNEL) },
  });
