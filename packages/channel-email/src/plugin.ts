import { definePlugin, defineToken, parsePluginOptions, type Token } from '@rapport/core/plugin';
import { EmailChannel } from './email-channel.js';
import { type EmailOptions, EmailOptionsSchema } from './options.js';

/** The plugin's name, as `createCrm` errors report it. */
export const EMAIL_PLUGIN = '@rapport/channel-email';

/** The token the e-mail channel is provided under in the Crm's container. */
export const EMAIL_CHANNEL: Token<EmailChannel> = defineToken('@rapport/channel-email:channel');

/**
 * The e-mail channel plugin: `createCrm({ plugins: [email({ smtp: { host }, from })] })`.
 * Options are checked when the Crm registers it; the channel is contributed for the
 * messaging hub (`contributes.channels`) and reachable as `crm.emailChannel`.
 */
export const email = (options: EmailOptions) => {
  let channel: EmailChannel | undefined;
  return definePlugin({
    name: EMAIL_PLUGIN,
    contributes: { channels: [{ id: 'email', token: EMAIL_CHANNEL }] },
    register({ container }) {
      channel = new EmailChannel(parsePluginOptions(EMAIL_PLUGIN, EmailOptionsSchema, options));
      container.value(EMAIL_CHANNEL, channel);
    },
    api: { emailChannel: (tenant) => tenant.resolve(EMAIL_CHANNEL) },
    async stop() {
      await channel?.close();
    },
  });
};
